package dev.cnidhcp.daemon.dhcp;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/** Builds and parses the IPv4 and UDP headers around a DHCP message sent through a packet socket. */
public final class Ipv4Udp {
    public static final int CLIENT_PORT = 68;
    public static final int SERVER_PORT = 67;
    public static final Inet4Address BROADCAST = address(255, 255, 255, 255);
    public static final Inet4Address ANY = address(0, 0, 0, 0);
    private static final int IP_HEADER = 20;
    private static final int UDP_HEADER = 8;

    private Ipv4Udp() {
    }

    /** An IPv4 packet (no options, TTL 64, don't-fragment clear) carrying one UDP datagram. */
    public static byte[] wrap(byte[] payload, Inet4Address src, Inet4Address dst, int srcPort, int dstPort) {
        int udpLength = UDP_HEADER + payload.length;
        int total = IP_HEADER + udpLength;
        if (total > 0xffff) {
            throw new IllegalArgumentException("payload: " + payload.length + " bytes (expected: at most "
                    + (0xffff - IP_HEADER - UDP_HEADER) + ")");
        }
        byte[] p = new byte[total];
        p[0] = 0x45;
        p[1] = 0x10; // low delay, as DHCP clients traditionally set
        put16(p, 2, total);
        p[8] = 64;
        p[9] = 17;
        System.arraycopy(src.getAddress(), 0, p, 12, 4);
        System.arraycopy(dst.getAddress(), 0, p, 16, 4);
        put16(p, 10, checksum(p, 0, IP_HEADER, 0));
        put16(p, IP_HEADER, srcPort);
        put16(p, IP_HEADER + 2, dstPort);
        put16(p, IP_HEADER + 4, udpLength);
        System.arraycopy(payload, 0, p, IP_HEADER + UDP_HEADER, payload.length);
        long pseudo = sum(p, 12, 8) + 17 + udpLength;
        int udpSum = checksum(p, IP_HEADER, udpLength, pseudo);
        put16(p, IP_HEADER + 6, udpSum == 0 ? 0xffff : udpSum);
        return p;
    }

    /**
     * The UDP payload of an IPv4 packet when it is an unfragmented UDP datagram to {@code port} with
     * consistent lengths; null for anything else (other traffic on the interface, truncated packets).
     */
    public static byte[] unwrap(byte[] packet, int length, int port) {
        if (length < IP_HEADER + UDP_HEADER || (packet[0] & 0xf0) != 0x40 || packet[9] != 17) {
            return null;
        }
        int ihl = (packet[0] & 0x0f) * 4;
        int total = get16(packet, 2);
        if (ihl < IP_HEADER || total > length || total < ihl + UDP_HEADER || (get16(packet, 6) & 0x3fff) != 0) {
            return null;
        }
        if (get16(packet, ihl + 2) != port) {
            return null;
        }
        int udpLength = get16(packet, ihl + 4);
        if (udpLength < UDP_HEADER || ihl + udpLength > total) {
            return null;
        }
        byte[] payload = new byte[udpLength - UDP_HEADER];
        System.arraycopy(packet, ihl + UDP_HEADER, payload, 0, payload.length);
        return payload;
    }

    static int checksum(byte[] b, int offset, int length, long initial) {
        long sum = initial + sum(b, offset, length);
        while ((sum >> 16) != 0) {
            sum = (sum & 0xffff) + (sum >> 16);
        }
        return (int) (~sum & 0xffff);
    }

    private static long sum(byte[] b, int offset, int length) {
        long sum = 0;
        for (int i = 0; i + 1 < length; i += 2) {
            sum += get16(b, offset + i);
        }
        if ((length & 1) != 0) {
            sum += (b[offset + length - 1] & 0xff) << 8;
        }
        return sum;
    }

    private static int get16(byte[] b, int i) {
        return ((b[i] & 0xff) << 8) | (b[i + 1] & 0xff);
    }

    private static void put16(byte[] b, int i, int v) {
        b[i] = (byte) (v >>> 8);
        b[i + 1] = (byte) v;
    }

    private static Inet4Address address(int a, int b, int c, int d) {
        try {
            return (Inet4Address) InetAddress.getByAddress(new byte[] {(byte) a, (byte) b, (byte) c, (byte) d});
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
