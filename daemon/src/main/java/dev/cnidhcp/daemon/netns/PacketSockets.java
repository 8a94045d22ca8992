package dev.cnidhcp.daemon.netns;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** What the packet-socket users ({@link PacketSocket}, {@link ArpProbe}) share: addresses and waiting. */
final class PacketSockets {
    static final int SOCKADDR_LL_SIZE = 20;
    static final byte[] BROADCAST_MAC = {-1, -1, -1, -1, -1, -1};

    private PacketSockets() {
    }

    /** Opens an {@code AF_PACKET/SOCK_DGRAM} socket for one ethertype, not yet bound. */
    static int open(int ethertype, String what) throws IOException {
        int protocol = Short.toUnsignedInt(Short.reverseBytes((short) ethertype));
        int fd = Native.LIBC.socket(LibC.AF_PACKET, LibC.SOCK_DGRAM | LibC.SOCK_CLOEXEC, protocol);
        if (fd < 0) {
            throw Native.failure("socket", "AF_PACKET " + what);
        }
        return fd;
    }

    /** Binds a packet socket to one interface. */
    static void bind(int fd, int ifindex, int ethertype) throws IOException {
        if (Native.LIBC.bind(fd, sockaddrLl(ifindex, ethertype, null), SOCKADDR_LL_SIZE) != 0) {
            throw Native.failure("bind", "AF_PACKET ifindex " + ifindex);
        }
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

    /** Waits until the socket is readable; false when {@code deadlineNanos} passes first. */
    static boolean awaitReadable(int fd, long deadlineNanos) throws IOException {
        while (true) {
            long left = (deadlineNanos - System.nanoTime()) / 1_000_000L;
            if (left <= 0) {
                return false;
            }
            byte[] pollfd = new byte[8];
            ByteBuffer.wrap(pollfd).order(ByteOrder.nativeOrder()).putInt(fd).putShort(LibC.POLLIN);
            int ready = Native.LIBC.poll(pollfd, 1, (int) Math.min(left, Integer.MAX_VALUE));
            if (ready > 0) {
                return true;
            }
            if (ready == 0) {
                return false;
            }
            if (Native.errno() != LibC.EINTR) {
                throw Native.failure("poll", "AF_PACKET");
            }
        }
    }

    /** Receives one packet into {@code buffer}; returns its length. */
    static int receive(int fd, byte[] buffer) throws IOException {
        long n = Native.LIBC.recv(fd, buffer, buffer.length, 0);
        if (n < 0) {
            throw Native.failure("recv", "AF_PACKET");
        }
        return (int) n;
    }
}
