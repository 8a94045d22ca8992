package dev.cnidhcp.daemon.netns;

import java.io.IOException;
import java.net.Inet4Address;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * RFC 5227 address conflict detection on the pod's interface: ARP probes (sender address 0.0.0.0)
 * for an address before it is handed to the pod. Another host that answers for the address, or
 * probes for it at the same time, is a conflict; an answer from an interface of the pod's own
 * namespace is not. Run inside the pod's namespace.
 */
public final class ArpProbe {
    private static final int ETH_P_ARP = 0x0806;
    private static final int ARP_SIZE = 28;

    private ArpProbe() {
    }

    /**
     * Sends {@code probes} ARP probes for {@code address}, {@code intervalMillis} apart, and listens
     * until {@code waitMillis} after the last one.
     *
     * @return the MAC of the host that claims the address (colon hex), or null when none did
     */
    public static String probe(int ifindex, byte[] ownMac, Inet4Address address, int probes, long intervalMillis,
                               long waitMillis) throws IOException {
        int fd = PacketSockets.open(ETH_P_ARP, "ARP");
        try {
            PacketSockets.bind(fd, ifindex, ETH_P_ARP);
            byte[] broadcast = PacketSockets.sockaddrLl(ifindex, ETH_P_ARP, PacketSockets.BROADCAST_MAC);
            byte[] request = probePacket(ownMac, address);
            byte[] buffer = new byte[256];
            for (int i = 0; i < probes; i++) {
                if (Native.LIBC.sendto(fd, request, request.length, 0, broadcast, PacketSockets.SOCKADDR_LL_SIZE)
                        != request.length) {
                    throw Native.failure("sendto", "ARP probe");
                }
                long listenEnd = System.nanoTime() + (i + 1 < probes ? intervalMillis : waitMillis) * 1_000_000L;
                while (PacketSockets.awaitReadable(fd, listenEnd)) {
                    int n = PacketSockets.receive(fd, buffer);
                    String claimant = conflict(buffer, n, ownMac, address.getAddress());
                    // The pod's other interfaces on the same segment answer for the pod's own
                    // addresses (Linux's default arp_ignore=0): the same host, not a conflict.
                    if (claimant != null && !Links.namespaceMacs().contains(claimant)) {
                        return claimant;
                    }
                }
            }
            return null;
        } finally {
            Native.LIBC.close(fd);
        }
    }

    /** An ARP request with sender 0.0.0.0 asking who has {@code address} (RFC 5227 2.1.1). */
    static byte[] probePacket(byte[] ownMac, Inet4Address address) {
        ByteBuffer b = ByteBuffer.allocate(ARP_SIZE);
        b.putShort((short) 1).putShort((short) 0x0800).put((byte) 6).put((byte) 4).putShort((short) 1);
        b.put(ownMac).put(new byte[4]).put(new byte[6]).put(address.getAddress());
        return b.array();
    }

    /**
     * Whether an ARP packet shows another host using or probing for the address: its sender IP is the
     * address, or (a simultaneous probe) its target IP is the address with sender 0.0.0.0 from
     * another MAC. Returns that host's MAC, or null.
     */
    static String conflict(byte[] p, int length, byte[] ownMac, byte[] address) {
        if (length < ARP_SIZE || p[4] != 6 || p[5] != 4) {
            return null;
        }
        byte[] senderMac = Arrays.copyOfRange(p, 8, 14);
        if (Arrays.equals(senderMac, ownMac)) {
            return null;
        }
        boolean senderIsAddress = Arrays.equals(p, 14, 18, address, 0, 4);
        boolean probeForAddress = Arrays.equals(p, 14, 18, new byte[4], 0, 4) && Arrays.equals(p, 24, 28, address, 0, 4)
                && p[7] == 1;
        if (!senderIsAddress && !probeForAddress) {
            return null;
        }
        return java.util.HexFormat.ofDelimiter(":").formatHex(senderMac);
    }
}
