package dev.cnidhcp.daemon.netns;

import java.net.Inet4Address;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The ARP packets (RFC 826, Ethernet and IPv4, 28 bytes without the Ethernet header) the daemon sends
 * and reads: RFC 5227 probes and announcements, and replies for a leased address. Pure functions.
 */
final class ArpPackets {
    static final int SIZE = 28;
    static final int REQUEST = 1;
    static final int REPLY = 2;
    private static final byte[] NO_MAC = new byte[6];
    private static final byte[] NO_IP = new byte[4];

    private ArpPackets() {
    }

    /** An ARP request with sender 0.0.0.0 asking who has {@code address} (RFC 5227 2.1.1). */
    static byte[] probe(byte[] ownMac, Inet4Address address) {
        return packet(REQUEST, ownMac, NO_IP, NO_MAC, address.getAddress());
    }

    /**
     * An ARP announcement (RFC 5227 2.3): a request whose sender and target address are both the one
     * now in use, target MAC zero; broadcast, it makes neighbours replace a stale entry for it.
     */
    static byte[] announcement(byte[] ownMac, Inet4Address address) {
        return packet(REQUEST, ownMac, address.getAddress(), NO_MAC, address.getAddress());
    }

    /**
     * The reply to {@code request} when it asks for {@code address} and comes from another MAC; null
     * for anything else (not a request, another address, our own frame, malformed).
     */
    static byte[] replyTo(byte[] request, int length, byte[] ownMac, Inet4Address address) {
        if (length < SIZE || request[0] != 0 || request[1] != 1 || request[2] != 8 || request[3] != 0
                || request[4] != 6 || request[5] != 4 || operation(request) != REQUEST) {
            return null;
        }
        byte[] senderMac = Arrays.copyOfRange(request, 8, 14);
        if (Arrays.equals(senderMac, ownMac) || !Arrays.equals(request, 24, 28, address.getAddress(), 0, 4)) {
            return null;
        }
        return packet(REPLY, ownMac, address.getAddress(), senderMac, Arrays.copyOfRange(request, 14, 18));
    }

    /** The sender hardware address of an ARP packet (where a reply to it goes). */
    static byte[] senderMac(byte[] p) {
        return Arrays.copyOfRange(p, 8, 14);
    }

    private static int operation(byte[] p) {
        return ((p[6] & 0xff) << 8) | (p[7] & 0xff);
    }

    private static byte[] packet(int op, byte[] senderMac, byte[] senderIp, byte[] targetMac, byte[] targetIp) {
        if (senderMac.length != 6) {
            throw new IllegalArgumentException("MAC: " + senderMac.length + " bytes (expected: 6)");
        }
        ByteBuffer b = ByteBuffer.allocate(SIZE);
        b.putShort((short) 1).putShort((short) 0x0800).put((byte) 6).put((byte) 4).putShort((short) op);
        b.put(senderMac).put(senderIp).put(targetMac).put(targetIp);
        return b.array();
    }
}
