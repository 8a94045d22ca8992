package dev.cnidhcp.daemon.netns;

import dev.cnidhcp.daemon.dhcp.DhcpTransport;
import dev.cnidhcp.daemon.dhcp.Ipv4Udp;

import java.io.IOException;
import java.net.Inet4Address;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A DHCP client transport on an interface that has no address yet: an {@code AF_PACKET/SOCK_DGRAM}
 * socket bound to the interface, which sends IPv4/UDP datagrams from 0.0.0.0:68 to
 * 255.255.255.255:67 in Ethernet broadcast frames and receives every IPv4 packet on the interface,
 * keeping only UDP to port 68 (a kernel BPF filter drops the rest before the daemon wakes).
 * This is how a reply unicast to a not-yet-configured address still arrives.
 *
 * <p>Open it on a thread inside the pod's namespace ({@link Namespaces#call}); it stays bound to
 * that interface. Not thread-safe: one exchange uses it at a time.
 */
public final class PacketSocket implements DhcpTransport {
    private static final int MAX_PACKET = 1500 + 64;

    private final int fd;
    private final byte[] broadcastAddress;
    private final byte[] buffer = new byte[MAX_PACKET];
    private boolean closed;

    private PacketSocket(int fd, byte[] broadcastAddress) {
        this.fd = fd;
        this.broadcastAddress = broadcastAddress;
    }

    /** Opens and binds a packet socket on the interface with the given index. */
    public static PacketSocket open(int ifindex) throws IOException {
        int fd = PacketSockets.open(LibC.ETH_P_IP, "IPv4");
        try {
            attachUdpPort68Filter(fd);
            PacketSockets.bind(fd, ifindex, LibC.ETH_P_IP);
            return new PacketSocket(fd, PacketSockets.sockaddrLl(ifindex, LibC.ETH_P_IP, PacketSockets.BROADCAST_MAC));
        } catch (IOException | RuntimeException e) {
            Native.LIBC.close(fd);
            throw e;
        }
    }

    @Override
    public void send(byte[] dhcpPayload, Inet4Address source) throws IOException {
        byte[] packet = Ipv4Udp.wrap(dhcpPayload, source, Ipv4Udp.BROADCAST, Ipv4Udp.CLIENT_PORT, Ipv4Udp.SERVER_PORT);
        long sent = Native.LIBC.sendto(fd, packet, packet.length, 0, broadcastAddress, PacketSockets.SOCKADDR_LL_SIZE);
        if (sent != packet.length) {
            throw Native.failure("sendto", "AF_PACKET broadcast");
        }
    }

    @Override
    public byte[] receive(long timeoutMillis) throws IOException {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        while (PacketSockets.awaitReadable(fd, deadline)) {
            int n = PacketSockets.receive(fd, buffer);
            byte[] payload = Ipv4Udp.unwrap(buffer, n, Ipv4Udp.CLIENT_PORT);
            if (payload != null) {
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

    /**
     * Classic BPF: accept IPv4 UDP, not a fragment, destination port 68; drop everything else.
     * On a SOCK_DGRAM packet socket offsets start at the IP header.
     */
    private static void attachUdpPort68Filter(int fd) throws IOException {
        int[][] program = {
            // code, jt, jf, k
            {0x30, 0, 0, 9},          // ldb [9]            (IP protocol)
            {0x15, 0, 6, 17},         // jeq #17 (UDP)      else drop
            {0x28, 0, 0, 6},          // ldh [6]            (flags + fragment offset)
            {0x45, 4, 0, 0x1fff},     // jset #0x1fff       fragment -> drop
            {0xb1, 0, 0, 0},          // ldxb 4*([0]&0xf)   (IP header length)
            {0x48, 0, 0, 2},          // ldh [x+2]          (UDP destination port)
            {0x15, 0, 1, Ipv4Udp.CLIENT_PORT}, // jeq #68   else drop
            {0x06, 0, 0, 0xffff},     // ret #65535         accept
            {0x06, 0, 0, 0},          // ret #0             drop
        };
        ByteBuffer filters = ByteBuffer.allocate(program.length * 8).order(ByteOrder.nativeOrder());
        for (int[] insn : program) {
            filters.putShort((short) insn[0]).put((byte) insn[1]).put((byte) insn[2]).putInt(insn[3]);
        }
        jnr.ffi.Pointer memory = jnr.ffi.Memory.allocateDirect(jnr.ffi.Runtime.getRuntime(Native.LIBC), filters.capacity());
        memory.put(0, filters.array(), 0, filters.capacity());
        long address = memory.address();
        // struct sock_fprog { unsigned short len; struct sock_filter *filter; } (padded to 16 bytes)
        ByteBuffer fprog = ByteBuffer.allocate(16).order(ByteOrder.nativeOrder());
        fprog.putShort((short) program.length).putShort((short) 0).putInt(0).putLong(address);
        if (Native.LIBC.setsockopt(fd, LibC.SOL_SOCKET, LibC.SO_ATTACH_FILTER, fprog.array(), 16) != 0) {
            throw Native.failure("setsockopt", "SO_ATTACH_FILTER");
        }
        java.lang.ref.Reference.reachabilityFence(memory);
    }
}
