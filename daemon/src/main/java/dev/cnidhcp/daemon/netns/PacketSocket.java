package dev.cnidhcp.daemon.netns;

import dev.cnidhcp.daemon.dhcp.DhcpTransport;
import dev.cnidhcp.daemon.dhcp.Ipv4Udp;

import java.io.IOException;
import java.net.Inet4Address;
import java.util.Objects;

/**
 * A DHCP client transport on the pod's interface that needs neither an address on it nor the kernel's
 * routing or neighbour table: an {@code AF_PACKET/SOCK_DGRAM} socket bound to the interface, which
 * builds the IPv4/UDP datagrams itself and receives every IPv4 packet on the interface, keeping only
 * UDP to port 68 (a kernel BPF filter, attached before the socket is bound, drops the rest before the
 * daemon wakes). This is how a reply unicast to an address the interface does not carry still arrives.
 *
 * <p>{@link #send} broadcasts (0.0.0.0 or ciaddr to 255.255.255.255:67, broadcast frame: INIT,
 * INIT-REBOOT, REBINDING); {@link #toServer} unicasts to one server (RENEWING, DHCPRELEASE) in a
 * frame to that server's MAC. Each reply's source MAC is remembered ({@link #lastSenderMac}), so the
 * caller learns where the server is. With {@link #answerArpWith} set, ARP requests for the leased
 * address are answered while a reply is awaited.
 *
 * <p>Open it on a thread inside the pod's namespace ({@link Namespaces#call}); it stays bound to
 * that interface. Not thread-safe: one exchange uses it at a time, on that thread.
 */
public final class PacketSocket implements DhcpTransport {
    private static final int MAX_PACKET = 1500 + 64;

    private final int fd;
    private final int ifindex;
    private final TaskHandle handle;
    private final byte[] buffer = new byte[MAX_PACKET];
    private final byte[] from = new byte[PacketSockets.SOCKADDR_LL_SIZE];
    private byte[] lastSenderMac;
    private ArpResponder responder;
    private boolean closed;

    private PacketSocket(int fd, int ifindex, TaskHandle handle) {
        this.fd = fd;
        this.ifindex = ifindex;
        this.handle = handle;
    }

    /**
     * Opens a packet socket on the interface with the given index; its waits end early, with
     * {@link CancelledException}, when {@code handle} is cancelled.
     */
    public static PacketSocket open(int ifindex, TaskHandle handle) throws IOException {
        Objects.requireNonNull(handle, "handle");
        int fd = PacketSockets.openFiltered(ifindex, LibC.ETH_P_IP, Bpf.udpToPort(Ipv4Udp.CLIENT_PORT), "IPv4");
        return new PacketSocket(fd, ifindex, handle);
    }

    /** Broadcasts: from {@code source}:68 to 255.255.255.255:67 in an Ethernet broadcast frame. */
    @Override
    public void send(byte[] dhcpPayload, Inet4Address source) throws IOException {
        sendFrame(dhcpPayload, source, Ipv4Udp.BROADCAST, PacketSockets.BROADCAST_MAC);
    }

    /**
     * A view of this socket that unicasts to {@code server}:67, in frames to {@code serverMac} (the
     * MAC the server's last reply came from) or, when that is not known, to the broadcast MAC: the
     * server's kernel takes a frame to the broadcast MAC whose IP destination is its own address.
     * It receives as this socket does; closing it closes nothing.
     */
    public DhcpTransport toServer(Inet4Address server, byte[] serverMac) {
        Objects.requireNonNull(server, "server");
        byte[] mac = serverMac == null ? PacketSockets.BROADCAST_MAC : serverMac.clone();
        if (mac.length != 6) {
            throw new IllegalArgumentException("serverMac: " + mac.length + " bytes (expected: 6)");
        }
        return new DhcpTransport() {
            @Override
            public void send(byte[] dhcpPayload, Inet4Address source) throws IOException {
                sendFrame(dhcpPayload, source, server, mac);
            }

            @Override
            public byte[] receive(long timeoutMillis) throws IOException {
                return PacketSocket.this.receive(timeoutMillis);
            }

            @Override
            public void close() {
            }
        };
    }

    /** While waiting for replies, also answer ARP requests through {@code arpResponder} (or stop: null). */
    void answerArpWith(ArpResponder arpResponder) {
        this.responder = arpResponder;
    }

    /** The source MAC of the frame that carried the last message {@link #receive} returned, or null. */
    public byte[] lastSenderMac() {
        return lastSenderMac == null ? null : lastSenderMac.clone();
    }

    /**
     * The next UDP payload to port 68, or null at the timeout.
     *
     * @throws CancelledException when the handle is cancelled meanwhile
     */
    @Override
    public byte[] receive(long timeoutMillis) throws IOException {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        int[] fds = responder == null ? new int[] {fd} : new int[] {fd, responder.fd()};
        int ready;
        while ((ready = PacketSockets.awaitAny(fds, deadline, handle)) >= 0) {
            if (ready == 1) {
                responder.answerOne();
                continue;
            }
            int n = PacketSockets.receiveFrom(fd, buffer, from);
            if (PacketSockets.outgoing(from)) {
                continue;
            }
            byte[] payload = Ipv4Udp.unwrap(buffer, n, Ipv4Udp.CLIENT_PORT);
            if (payload != null) {
                lastSenderMac = PacketSockets.sourceMac(from);
                return payload;
            }
        }
        return null;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            Native.LIBC.close(fd);
        }
    }

    private void sendFrame(byte[] dhcpPayload, Inet4Address source, Inet4Address destination, byte[] mac)
            throws IOException {
        byte[] packet = Ipv4Udp.wrap(dhcpPayload, source, destination, Ipv4Udp.CLIENT_PORT, Ipv4Udp.SERVER_PORT);
        PacketSockets.send(fd, packet, PacketSockets.sockaddrLl(ifindex, LibC.ETH_P_IP, mac),
                "AF_PACKET to " + destination.getHostAddress());
    }
}
