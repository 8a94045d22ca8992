package dev.cnidhcp.daemon.netns;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * What the packet-socket users ({@link PacketSocket}, {@link ArpProbe}, {@link ArpResponder},
 * {@link ArpAnnounce}) share: opening in the safe order, addresses and waiting.
 */
final class PacketSockets {
    static final int SOCKADDR_LL_SIZE = 20;
    static final byte[] BROADCAST_MAC = {-1, -1, -1, -1, -1, -1};
    /** Offset of sll_pkttype and of sll_addr in {@code struct sockaddr_ll}. */
    private static final int SLL_PKTTYPE = 10;
    private static final int SLL_ADDR = 12;

    private PacketSockets() {
    }

    /**
     * Opens an {@code AF_PACKET/SOCK_DGRAM} socket that hears only what {@code filter} accepts, for one
     * ethertype, on one interface. The socket is created with protocol 0, which receives nothing; the
     * filter is attached; only then does bind give it the interface and the ethertype. Created with
     * the ethertype instead, it would queue every such frame of every interface from the start.
     */
    static int openFiltered(int ifindex, int ethertype, int[][] filter, String what) throws IOException {
        int fd = openUnbound(what);
        try {
            Bpf.attach(fd, filter);
            if (Native.LIBC.bind(fd, sockaddrLl(ifindex, ethertype, null), SOCKADDR_LL_SIZE) != 0) {
                throw Native.failure("bind", "AF_PACKET " + what + " ifindex " + ifindex);
            }
            return fd;
        } catch (IOException | RuntimeException e) {
            Native.LIBC.close(fd);
            throw e;
        }
    }

    /** A packet socket with protocol 0: it receives nothing and sends to whatever sockaddr_ll names. */
    static int openUnbound(String what) throws IOException {
        int fd = Native.LIBC.socket(LibC.AF_PACKET, LibC.SOCK_DGRAM | LibC.SOCK_CLOEXEC, 0);
        if (fd < 0) {
            throw Native.failure("socket", "AF_PACKET " + what);
        }
        return fd;
    }

    /** {@code struct sockaddr_ll} for an interface, an ethertype and (to send) a destination MAC. */
    static byte[] sockaddrLl(int ifindex, int ethertype, byte[] mac) {
        ByteBuffer b = ByteBuffer.allocate(SOCKADDR_LL_SIZE).order(ByteOrder.nativeOrder());
        b.putShort((short) LibC.AF_PACKET);
        b.order(ByteOrder.BIG_ENDIAN).putShort((short) ethertype).order(ByteOrder.nativeOrder());
        b.putInt(ifindex);
        b.putShort((short) 0); // sll_hatype
        b.put((byte) 0); // sll_pkttype
        if (mac != null) {
            b.put((byte) mac.length);
            b.put(mac);
        }
        return b.array();
    }

    /** Sends one frame's payload to {@code sockaddrLl}; a short or failed send is an IOException. */
    static void send(int fd, byte[] packet, byte[] sockaddrLl, String what) throws IOException {
        if (Native.LIBC.sendto(fd, packet, packet.length, 0, sockaddrLl, SOCKADDR_LL_SIZE) != packet.length) {
            throw Native.failure("sendto", what);
        }
    }

    /**
     * Waits until one of {@code fds} is readable or {@code deadlineNanos} passes; the handle's eventfd
     * is polled with them.
     *
     * @return the index in {@code fds} of a readable descriptor, or -1 when the deadline passed
     * @throws CancelledException when the handle was cancelled
     */
    static int awaitAny(int[] fds, long deadlineNanos, TaskHandle handle) throws IOException {
        int n = fds.length + 1;
        byte[] pollfds = new byte[8 * n];
        ByteBuffer b = ByteBuffer.wrap(pollfds).order(ByteOrder.nativeOrder());
        for (int i = 0; i < n; i++) {
            b.putInt(8 * i, i < fds.length ? fds[i] : handle.wakeFd()).putShort(8 * i + 4, LibC.POLLIN);
        }
        while (true) {
            handle.checkCancelled();
            long left = (deadlineNanos - System.nanoTime() + 999_999L) / 1_000_000L;
            if (left <= 0) {
                return -1;
            }
            int ready = Native.LIBC.poll(pollfds, n, (int) Math.min(left, Integer.MAX_VALUE));
            if (ready < 0) {
                if (Native.errno() != LibC.EINTR) {
                    throw Native.failure("poll", "AF_PACKET");
                }
                continue;
            }
            if (ready == 0) {
                continue; // the deadline check above ends the wait
            }
            if (b.getShort(8 * fds.length + 6) != 0) {
                throw new CancelledException("the caller stopped waiting");
            }
            for (int i = 0; i < fds.length; i++) {
                if (b.getShort(8 * i + 6) != 0) {
                    return i;
                }
            }
        }
    }

    /** Waits until {@code fd} is readable; false when {@code deadlineNanos} passes first. */
    static boolean awaitReadable(int fd, long deadlineNanos, TaskHandle handle) throws IOException {
        return awaitAny(new int[] {fd}, deadlineNanos, handle) == 0;
    }

    /** Receives one packet into {@code buffer}; returns its length. */
    static int receive(int fd, byte[] buffer) throws IOException {
        long n = Native.LIBC.recv(fd, buffer, buffer.length, 0);
        if (n < 0) {
            throw Native.failure("recv", "AF_PACKET");
        }
        return (int) n;
    }

    /**
     * Receives one packet into {@code buffer} and its sender's {@code struct sockaddr_ll} into
     * {@code from} ({@link #SOCKADDR_LL_SIZE} bytes); returns the packet's length.
     */
    static int receiveFrom(int fd, byte[] buffer, byte[] from) throws IOException {
        int[] length = {from.length};
        long n = Native.LIBC.recvfrom(fd, buffer, buffer.length, 0, from, length);
        if (n < 0) {
            throw Native.failure("recvfrom", "AF_PACKET");
        }
        return (int) n;
    }

    /** The 6-byte source MAC in a received {@code struct sockaddr_ll}, or null when it names none. */
    static byte[] sourceMac(byte[] sockaddrLl) {
        if (sockaddrLl[SLL_ADDR - 1] != 6) {
            return null;
        }
        byte[] mac = new byte[6];
        System.arraycopy(sockaddrLl, SLL_ADDR, mac, 0, 6);
        return mac;
    }

    /** Whether a received {@code struct sockaddr_ll} describes a frame this host sent. */
    static boolean outgoing(byte[] sockaddrLl) {
        return sockaddrLl[SLL_PKTTYPE] == LibC.PACKET_OUTGOING;
    }
}
