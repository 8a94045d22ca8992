package dev.cnidhcp.daemon.netns;

import java.io.Closeable;
import java.io.IOException;
import java.net.Inet4Address;
import java.util.logging.Logger;

/**
 * Answers ARP requests for one leased address on the pod's interface while that interface does not
 * carry it (the kernel answers only for addresses it has), for as long as one renewal exchange runs:
 * the server unicasts its DHCPACK to ciaddr and must resolve that address first. Its socket hears
 * only requests for the address ({@link Bpf#arpRequestFor}); each is answered with the interface's
 * MAC, unicast to the asker. {@link PacketSocket#receive} serves it while it waits for a reply.
 *
 * <p>Open, use and close it on one thread inside the pod's namespace.
 */
final class ArpResponder implements Closeable {
    private static final Logger LOG = Logger.getLogger(ArpResponder.class.getName());

    private final int fd;
    private final int ifindex;
    private final byte[] ownMac;
    private final Inet4Address address;
    private final byte[] buffer = new byte[256];
    private final byte[] from = new byte[PacketSockets.SOCKADDR_LL_SIZE];
    private int answered;
    private boolean closed;

    private ArpResponder(int fd, int ifindex, byte[] ownMac, Inet4Address address) {
        this.fd = fd;
        this.ifindex = ifindex;
        this.ownMac = ownMac.clone();
        this.address = address;
    }

    static ArpResponder open(int ifindex, byte[] ownMac, Inet4Address address) throws IOException {
        int fd = PacketSockets.openFiltered(ifindex, LibC.ETH_P_ARP, Bpf.arpRequestFor(address), "ARP responder");
        return new ArpResponder(fd, ifindex, ownMac, address);
    }

    int fd() {
        return fd;
    }

    /** Reads one queued request and answers it when it asks for the address from another host. */
    void answerOne() throws IOException {
        int n = PacketSockets.receiveFrom(fd, buffer, from);
        if (PacketSockets.outgoing(from)) {
            return;
        }
        byte[] reply = ArpPackets.replyTo(buffer, n, ownMac, address);
        if (reply != null) {
            PacketSockets.send(fd, reply,
                    PacketSockets.sockaddrLl(ifindex, LibC.ETH_P_ARP, ArpPackets.senderMac(buffer)), "ARP reply");
            answered++;
            LOG.fine(() -> "answered an ARP request for " + address.getHostAddress() + " on ifindex " + ifindex);
        }
    }

    /** How many requests were answered (for the log and tests). */
    int answered() {
        return answered;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            Native.LIBC.close(fd);
        }
    }
}
