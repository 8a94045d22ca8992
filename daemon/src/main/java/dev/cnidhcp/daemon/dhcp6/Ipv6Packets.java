package dev.cnidhcp.daemon.dhcp6;

import java.net.Inet6Address;
import java.util.Arrays;

/**
 * Builds and parses the IPv6 packets the client sends and receives through a packet socket: UDP
 * datagrams (DHCPv6) and ICMPv6 messages (Neighbor Discovery). No extension headers either way: a
 * received packet with one is not taken. Checksums are written, not verified on receipt (a veth
 * delivers packets of its peer with the checksum left to offloading); Neighbor Discovery relies on
 * the hop limit of 255 instead (RFC 4861 section 6.1). Pure functions.
 */
public final class Ipv6Packets {
    public static final int HEADER = 40;
    public static final int UDP = 17;
    public static final int ICMPV6 = 58;
    private static final int UDP_HEADER = 8;

    private Ipv6Packets() {
    }

    /** A received IPv6 packet: addresses, next header, hop limit and the payload after the fixed header. */
    public record Packet(Inet6Address source, Inet6Address destination, int nextHeader, int hopLimit, byte[] payload) {
    }

    /** UDP in IPv6; hop limit 1 to a multicast destination (on-link only), else 64. */
    public static byte[] udp(Inet6Address src, Inet6Address dst, int srcPort, int dstPort, byte[] payload) {
        byte[] udp = new byte[UDP_HEADER + payload.length];
        put16(udp, 0, srcPort);
        put16(udp, 2, dstPort);
        put16(udp, 4, udp.length);
        System.arraycopy(payload, 0, udp, UDP_HEADER, payload.length);
        int sum = checksum(src, dst, UDP, udp);
        put16(udp, 6, sum == 0 ? 0xffff : sum);
        return packet(src, dst, UDP, dst.isMulticastAddress() ? 1 : 64, udp);
    }

    /** An ICMPv6 message (type first, checksum bytes 2-3 filled here) with hop limit 255, as ND requires. */
    public static byte[] icmpv6(Inet6Address src, Inet6Address dst, byte[] message) {
        byte[] m = message.clone();
        m[2] = 0;
        m[3] = 0;
        put16(m, 2, checksum(src, dst, ICMPV6, m));
        return packet(src, dst, ICMPV6, 255, m);
    }

    private static byte[] packet(Inet6Address src, Inet6Address dst, int nextHeader, int hopLimit, byte[] payload) {
        if (payload.length > 0xffff) {
            throw new IllegalArgumentException("payload: " + payload.length + " bytes (expected: at most 65535)");
        }
        byte[] p = new byte[HEADER + payload.length];
        p[0] = 0x60;
        put16(p, 4, payload.length);
        p[6] = (byte) nextHeader;
        p[7] = (byte) hopLimit;
        System.arraycopy(src.getAddress(), 0, p, 8, 16);
        System.arraycopy(dst.getAddress(), 0, p, 24, 16);
        System.arraycopy(payload, 0, p, HEADER, payload.length);
        return p;
    }

    /** The packet in {@code buffer[0, length)}, or null when it is not IPv6 or its lengths do not fit. */
    public static Packet parse(byte[] buffer, int length) {
        if (length < HEADER || (buffer[0] & 0xf0) != 0x60) {
            return null;
        }
        int payloadLength = get16(buffer, 4);
        if (HEADER + payloadLength > length) {
            return null;
        }
        return new Packet(Dhcp6Options.address(Arrays.copyOfRange(buffer, 8, 24)),
                Dhcp6Options.address(Arrays.copyOfRange(buffer, 24, 40)), buffer[6] & 0xff, buffer[7] & 0xff,
                Arrays.copyOfRange(buffer, HEADER, HEADER + payloadLength));
    }

    /** The UDP payload of {@code p} when it is UDP to {@code port} with a consistent length, else null. */
    public static byte[] udpPayload(Packet p, int port) {
        byte[] u = p.payload();
        if (p.nextHeader() != UDP || u.length < UDP_HEADER || get16(u, 2) != port) {
            return null;
        }
        int length = get16(u, 4);
        if (length < UDP_HEADER || length > u.length) {
            return null;
        }
        return Arrays.copyOfRange(u, UDP_HEADER, length);
    }

    /** The UDP source port of {@code p} (a UDP packet). */
    public static int udpSourcePort(Packet p) {
        return get16(p.payload(), 0);
    }

    /** The Ethernet multicast address of an IPv6 multicast group (RFC 2464 section 7). */
    public static byte[] multicastMac(Inet6Address group) {
        byte[] a = group.getAddress();
        return new byte[] {0x33, 0x33, a[12], a[13], a[14], a[15]};
    }

    static int checksum(Inet6Address src, Inet6Address dst, int nextHeader, byte[] upper) {
        long sum = sum(src.getAddress()) + sum(dst.getAddress()) + upper.length + nextHeader + sum(upper);
        while ((sum >> 16) != 0) {
            sum = (sum & 0xffff) + (sum >> 16);
        }
        return (int) (~sum & 0xffff);
    }

    private static long sum(byte[] b) {
        long sum = 0;
        for (int i = 0; i + 1 < b.length; i += 2) {
            sum += get16(b, i);
        }
        if ((b.length & 1) != 0) {
            sum += (b[b.length - 1] & 0xff) << 8;
        }
        return sum;
    }

    static int get16(byte[] b, int i) {
        return ((b[i] & 0xff) << 8) | (b[i + 1] & 0xff);
    }

    static void put16(byte[] b, int i, int v) {
        b[i] = (byte) (v >>> 8);
        b[i + 1] = (byte) v;
    }
}
