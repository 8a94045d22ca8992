package dev.cnidhcp.daemon.netns;

import dev.cnidhcp.daemon.dhcp.Lease;
import dev.cnidhcp.daemon.dhcp.Route;

import java.io.IOException;
import java.net.Inet4Address;

/**
 * Finds the MAC a renewal is framed for when the server's is not known (after a daemon restart, none
 * was learnt from a reply yet): the next hop towards the server ({@link #nextHop}) is asked by ARP on
 * the pod's interface, without the pod's neighbour table. A broadcast frame would reach a server on
 * the link, but a router drops a frame to the broadcast MAC instead of forwarding it.
 *
 * <p>Run inside the pod's namespace, on the thread of the exchange; its socket hears only ARP about
 * the next hop ({@link Bpf#arpAbout}) and lives for one call.
 */
final class ArpResolver {
    /** How long an answer is awaited before the renewal goes to the broadcast MAC. */
    static final long WAIT_MILLIS = 500;

    private ArpResolver() {
    }

    /**
     * Where a frame to the lease's server goes first: the server itself when it is on the leased
     * subnet; else, as the pod's kernel would route it, the gateway of the most specific of the
     * lease's routes that covers the server (the server itself for a route on the link), else the
     * router of option 3. Null when there is none (no route and no router).
     */
    static Inet4Address nextHop(Lease lease) {
        Inet4Address server = lease.serverId();
        if (covers(lease.address(), lease.prefixLength(), server)) {
            return server;
        }
        Route best = null;
        for (Route r : lease.routes()) {
            if (covers(r.destination(), r.prefixLength(), server) && (best == null || r.prefixLength() > best.prefixLength())) {
                best = r;
            }
        }
        if (best != null) {
            return best.gateway() == null ? server : best.gateway();
        }
        return lease.gateway();
    }

    /**
     * The request that asks for {@code target}: from the leased address when the interface carries
     * it, else an RFC 5227 probe (sender 0.0.0.0), which claims no address the interface does not
     * carry.
     */
    static byte[] request(byte[] ownMac, Inet4Address leased, boolean carried, Inet4Address target) {
        return carried ? ArpPackets.request(ownMac, leased, target) : ArpPackets.probe(ownMac, target);
    }

    /**
     * Sends {@code request} (for {@code target}) once, broadcast on the interface, and waits up to
     * {@code waitMillis} for {@code target} to answer.
     *
     * @return the MAC {@code target} answered from, or null when it did not within the wait
     * @throws CancelledException when the handle is cancelled meanwhile
     */
    static byte[] resolve(int ifindex, byte[] ownMac, byte[] request, Inet4Address target, long waitMillis,
                          TaskHandle handle) throws IOException {
        int fd = PacketSockets.openFiltered(ifindex, LibC.ETH_P_ARP, Bpf.arpAbout(target), "ARP request");
        try {
            PacketSockets.send(fd, request, PacketSockets.sockaddrLl(ifindex, LibC.ETH_P_ARP, PacketSockets.BROADCAST_MAC),
                    "ARP request for " + target.getHostAddress());
            byte[] buffer = new byte[256];
            byte[] from = new byte[PacketSockets.SOCKADDR_LL_SIZE];
            long end = System.nanoTime() + waitMillis * 1_000_000L;
            while (PacketSockets.awaitReadable(fd, end, handle)) {
                int n = PacketSockets.receiveFrom(fd, buffer, from);
                byte[] mac = PacketSockets.outgoing(from) ? null : ArpPackets.macOf(buffer, n, ownMac, target);
                if (mac != null) {
                    return mac;
                }
            }
            return null;
        } finally {
            Native.LIBC.close(fd);
        }
    }

    private static boolean covers(Inet4Address network, int prefixLength, Inet4Address a) {
        int mask = Route.mask(prefixLength);
        return (Route.toInt(network) & mask) == (Route.toInt(a) & mask);
    }
}
