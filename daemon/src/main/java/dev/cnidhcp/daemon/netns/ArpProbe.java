package dev.cnidhcp.daemon.netns;

import java.io.IOException;
import java.net.Inet4Address;
import java.util.Arrays;

/**
 * RFC 5227 address conflict detection on the pod's interface: ARP probes (sender address 0.0.0.0)
 * for an address before it is handed to the pod. Another host that answers for the address, or
 * probes for it at the same time, is a conflict; an answer from an interface of the pod's own
 * namespace is not. Run inside the pod's namespace; the socket hears only ARP about the address
 * ({@link Bpf#arpAbout}).
 */
public final class ArpProbe {
    private ArpProbe() {
    }

    /**
     * Sends {@code probes} ARP probes for {@code address}, {@code intervalMillis} apart, and listens
     * until {@code waitMillis} after the last one.
     *
     * @return the MAC of the host that claims the address (colon hex), or null when none did
     * @throws CancelledException when the handle is cancelled meanwhile
     */
    public static String probe(int ifindex, byte[] ownMac, Inet4Address address, int probes, long intervalMillis,
                               long waitMillis, TaskHandle handle) throws IOException {
        int fd = PacketSockets.openFiltered(ifindex, LibC.ETH_P_ARP, Bpf.arpAbout(address), "ARP probe");
        try {
            byte[] broadcast = PacketSockets.sockaddrLl(ifindex, LibC.ETH_P_ARP, PacketSockets.BROADCAST_MAC);
            byte[] request = ArpPackets.probe(ownMac, address);
            byte[] buffer = new byte[256];
            for (int i = 0; i < probes; i++) {
                PacketSockets.send(fd, request, broadcast, "ARP probe");
                long listenEnd = System.nanoTime() + (i + 1 < probes ? intervalMillis : waitMillis) * 1_000_000L;
                while (PacketSockets.awaitReadable(fd, listenEnd, handle)) {
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

    /**
     * Whether an ARP packet shows another host using or probing for the address: its sender IP is the
     * address, or (a simultaneous probe) its target IP is the address with sender 0.0.0.0 from
     * another MAC. Returns that host's MAC, or null.
     */
    static String conflict(byte[] p, int length, byte[] ownMac, byte[] address) {
        if (length < ArpPackets.SIZE || p[4] != 6 || p[5] != 4) {
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
