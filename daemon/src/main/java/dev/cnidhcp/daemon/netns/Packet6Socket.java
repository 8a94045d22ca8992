package dev.cnidhcp.daemon.netns;

import dev.cnidhcp.daemon.dhcp.DhcpParseException;
import dev.cnidhcp.daemon.dhcp6.Dhcp6Options;
import dev.cnidhcp.daemon.dhcp6.Dhcp6Transport;
import dev.cnidhcp.daemon.dhcp6.Ipv6Packets;
import dev.cnidhcp.daemon.dhcp6.NeighborDiscovery;
import dev.cnidhcp.daemon.dhcp6.RouterAdvertisement;

import java.io.IOException;
import java.net.Inet6Address;
import java.util.HexFormat;
import java.util.Objects;
import java.util.logging.Logger;

/**
 * A DHCPv6 client transport on the pod's interface that needs no usable address on it: an
 * {@code AF_PACKET/SOCK_DGRAM} socket for IPv6 bound to the interface, which builds the IPv6/UDP
 * packets itself ({@link Ipv6Packets}) and hears, through a kernel BPF filter, only UDP to port 546
 * and the Neighbor Discovery messages 134-136. So the exchange goes out from the interface's
 * link-local address while the kernel still holds it tentative (duplicate address detection takes
 * a second or more after the link comes up), and the server's unicast answers to that address
 * arrive anyway.
 *
 * <p>While it waits, the socket also: answers a Neighbor Solicitation for the link-local address
 * it sends from (from a node with an address: never a DAD probe), so the server can resolve it
 * while the kernel cannot yet; keeps the last valid Router Advertisement ({@link #routerAdvertisement});
 * and notes a Neighbor Advertisement or DAD probe for an address being probed ({@link #probe}).
 *
 * <p>Frames: multicast destinations go to their RFC 2464 MAC; unicast ones (RENEW to a Server
 * Unicast address, RELEASE) to the MAC the server's last reply came from, or, when that is not
 * known, to the MAC of All_DHCP_Relay_Agents_and_Servers, which every server on the link listens to
 * (its kernel takes a frame to a multicast MAC whose destination is its own address).
 *
 * <p>Open it on a thread inside the pod's namespace ({@link Namespaces#call}). Not thread-safe: one
 * exchange at a time, on that thread.
 */
public final class Packet6Socket implements Dhcp6Transport {
    private static final Logger LOG = Logger.getLogger(Packet6Socket.class.getName());
    private static final int MAX_PACKET = 1500 + 64;

    private final int fd;
    private final int ifindex;
    private final byte[] mac;
    private final Inet6Address source;
    private final TaskHandle handle;
    private final byte[] buffer = new byte[MAX_PACKET];
    private final byte[] from = new byte[PacketSockets.SOCKADDR_LL_SIZE];
    private byte[] serverMac;
    private RouterAdvertisement advertisement;
    private Inet6Address probing;
    private String claimant;
    private boolean closed;

    private Packet6Socket(int fd, int ifindex, byte[] mac, Inet6Address source, TaskHandle handle) {
        this.fd = fd;
        this.ifindex = ifindex;
        this.mac = mac;
        this.source = source;
        this.handle = handle;
    }

    /**
     * Opens the socket on interface {@code ifindex} with hardware address {@code mac}, sending from
     * the link-local {@code source}; waits end early, with {@link CancelledException}, when
     * {@code handle} is cancelled.
     */
    public static Packet6Socket open(int ifindex, byte[] mac, Inet6Address source, TaskHandle handle)
            throws IOException {
        Objects.requireNonNull(handle, "handle");
        if (mac.length != 6) {
            throw new IllegalArgumentException("mac: " + mac.length + " bytes (expected: 6)");
        }
        int fd = PacketSockets.openFiltered(ifindex, LibC.ETH_P_IPV6,
                Bpf.ipv6ClientPackets(Dhcp6Transport.CLIENT_PORT), "IPv6");
        return new Packet6Socket(fd, ifindex, mac.clone(), source, handle);
    }

    /** Frames for a unicast server go to {@code mac} (learnt before, e.g. by an earlier exchange). */
    public void knowServerMac(byte[] serverMacOrNull) {
        this.serverMac = serverMacOrNull == null ? null : serverMacOrNull.clone();
    }

    /** The source MAC of the last DHCPv6 message {@link #receive} returned, or the one given; null if none. */
    public byte[] serverMac() {
        return serverMac == null ? null : serverMac.clone();
    }

    public Inet6Address source() {
        return source;
    }

    @Override
    public void send(byte[] message, Inet6Address destination) throws IOException {
        byte[] packet = Ipv6Packets.udp(source, destination, CLIENT_PORT, SERVER_PORT, message);
        byte[] to = destination.isMulticastAddress() ? Ipv6Packets.multicastMac(destination)
                : serverMac != null ? serverMac : Ipv6Packets.multicastMac(ALL_SERVERS);
        sendFrame(packet, to, "DHCPv6 to " + Dhcp6Options.text(destination));
    }

    /** A Router Solicitation to ff02::2 (RFC 4861 6.3.7), from the link-local address with our MAC. */
    public void solicitRouters() throws IOException {
        byte[] rs = Ipv6Packets.icmpv6(source, NeighborDiscovery.ALL_ROUTERS, NeighborDiscovery.routerSolicitation(mac));
        sendFrame(rs, Ipv6Packets.multicastMac(NeighborDiscovery.ALL_ROUTERS), "Router Solicitation");
    }

    /** The last valid Router Advertisement heard while waiting, or null. */
    public RouterAdvertisement routerAdvertisement() {
        return advertisement;
    }

    /** Waits until a Router Advertisement has been heard or {@code deadlineNanos}; returns it or null. */
    public RouterAdvertisement awaitRouterAdvertisement(long deadlineNanos) throws IOException {
        while (advertisement == null && System.nanoTime() < deadlineNanos) {
            receive(Math.max(1, (deadlineNanos - System.nanoTime()) / 1_000_000L));
        }
        return advertisement;
    }

    /**
     * Duplicate address detection for {@code address} (RFC 4862 5.4): one Neighbor Solicitation from
     * :: to its solicited-node group, then listening {@code waitMillis} for a Neighbor Advertisement
     * of it, or another node's probe for it.
     *
     * @return the MAC of the node that claims it, or null
     */
    public String probe(Inet6Address address, long waitMillis) throws IOException {
        Inet6Address group = NeighborDiscovery.solicitedNode(address);
        byte[] ns = Ipv6Packets.icmpv6(NeighborDiscovery.UNSPECIFIED, group, NeighborDiscovery.dadSolicitation(address));
        probing = address;
        claimant = null;
        try {
            sendFrame(ns, Ipv6Packets.multicastMac(group), "DAD for " + Dhcp6Options.text(address));
            long end = System.nanoTime() + waitMillis * 1_000_000L;
            while (claimant == null && System.nanoTime() < end) {
                receive(Math.max(1, (end - System.nanoTime()) / 1_000_000L));
            }
            return claimant;
        } finally {
            probing = null;
        }
    }

    /**
     * The next UDP payload to port 546, or null at the timeout; Neighbor Discovery heard meanwhile is
     * handled as the class comment says.
     */
    @Override
    public byte[] receive(long timeoutMillis) throws IOException {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        while (PacketSockets.awaitReadable(fd, deadline, handle)) {
            int n = PacketSockets.receiveFrom(fd, buffer, from);
            if (PacketSockets.outgoing(from)) {
                continue;
            }
            Ipv6Packets.Packet p = Ipv6Packets.parse(buffer, n);
            if (p == null) {
                continue;
            }
            if (p.nextHeader() == Ipv6Packets.UDP) {
                byte[] payload = Ipv6Packets.udpPayload(p, CLIENT_PORT);
                if (payload != null) {
                    byte[] sender = PacketSockets.sourceMac(from);
                    if (sender != null) {
                        serverMac = sender;
                    }
                    return payload;
                }
            } else if (p.nextHeader() == Ipv6Packets.ICMPV6) {
                neighborDiscovery(p);
            }
        }
        return null;
    }

    private void neighborDiscovery(Ipv6Packets.Packet p) throws IOException {
        byte[] icmp = p.payload();
        try {
            if (NeighborDiscovery.isType(icmp, RouterAdvertisement.TYPE)) {
                advertisement = RouterAdvertisement.decode(icmp, p.source(), p.hopLimit());
            } else if (NeighborDiscovery.isType(icmp, NeighborDiscovery.NEIGHBOR_SOLICITATION)) {
                Inet6Address target = NeighborDiscovery.target(icmp, p.hopLimit(), NeighborDiscovery.NEIGHBOR_SOLICITATION);
                boolean dadProbe = p.source().isAnyLocalAddress();
                if (dadProbe && target.equals(probing)) {
                    claimant = macText(PacketSockets.sourceMac(from)) + " (probing for it too)";
                } else if (!dadProbe && target.equals(source)) {
                    answer(p.source(), PacketSockets.sourceMac(from));
                }
            } else if (NeighborDiscovery.isType(icmp, NeighborDiscovery.NEIGHBOR_ADVERTISEMENT)) {
                Inet6Address target = NeighborDiscovery.target(icmp, p.hopLimit(), NeighborDiscovery.NEIGHBOR_ADVERTISEMENT);
                if (target.equals(probing)) {
                    claimant = macText(PacketSockets.sourceMac(from));
                }
            }
        } catch (DhcpParseException e) {
            LOG.fine(() -> "dropped a Neighbor Discovery message: " + e.getMessage());
        }
    }

    /** A solicited Neighbor Advertisement of our link-local address to whoever asked. */
    private void answer(Inet6Address asker, byte[] askerMac) throws IOException {
        if (askerMac == null) {
            return;
        }
        byte[] na = Ipv6Packets.icmpv6(source, asker, NeighborDiscovery.advertisement(source, mac, true));
        sendFrame(na, askerMac, "Neighbor Advertisement to " + Dhcp6Options.text(asker));
    }

    private static String macText(byte[] mac) {
        return mac == null ? "an unknown MAC" : HexFormat.ofDelimiter(":").formatHex(mac);
    }

    private void sendFrame(byte[] packet, byte[] toMac, String what) throws IOException {
        PacketSockets.send(fd, packet, PacketSockets.sockaddrLl(ifindex, LibC.ETH_P_IPV6, toMac), what);
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            Native.LIBC.close(fd);
        }
    }
}
