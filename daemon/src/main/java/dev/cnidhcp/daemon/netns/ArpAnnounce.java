package dev.cnidhcp.daemon.netns;

import java.io.IOException;
import java.net.Inet4Address;

/**
 * RFC 5227 2.3 announcements: once an address is bound, {@link #COUNT} ARP announcements
 * {@link #INTERVAL_MILLIS} apart, broadcast on the pod's interface, so that neighbours with a stale
 * entry for the address (a previous holder's MAC) replace it at once. Run inside the pod's namespace.
 */
final class ArpAnnounce {
    /** ANNOUNCE_NUM. */
    static final int COUNT = 2;
    /** ANNOUNCE_INTERVAL. */
    static final long INTERVAL_MILLIS = 2000;

    private ArpAnnounce() {
    }

    /** Sends one announcement of {@code address} from {@code ownMac}. */
    static void send(int ifindex, byte[] ownMac, Inet4Address address) throws IOException {
        int fd = PacketSockets.openUnbound("ARP announcement");
        try {
            PacketSockets.send(fd, ArpPackets.announcement(ownMac, address),
                    PacketSockets.sockaddrLl(ifindex, LibC.ETH_P_ARP, PacketSockets.BROADCAST_MAC), "ARP announcement");
        } finally {
            Native.LIBC.close(fd);
        }
    }
}
