package dev.cnidhcp.daemon.netns;

import java.net.Inet4Address;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The ARP packets (RFC 826, Ethernet and IPv4, 28 bytes without the Ethernet header) the daemon sends
 * and reads: RFC 5227 probes and announcements, replies for a leased address, and requests that
 * resolve a renewal's next hop ({@link ArpResolver}). Pure functions.
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

    /** An ARP request from {@code sender} asking who has {@code target} (RFC 826). */
    static byte[] request(byte[] ownMac, Inet4Address sender, Inet4Address target) {
        return packet(REQUEST, ownMac, sender.getAddress(), NO_MAC, target.getAddress());
    }

    /**
     * The MAC of {@code target} when {@code p} is an ARP packet (reply, or a request of its own) sent
     * by {@code target} from another MAC than ours; null for anything else (another sender, our own
     * frame, a zero or broadcast MAC, malformed).
     */
    static byte[] macOf(byte[] p, int length, byte[] ownMac, Inet4Address target) {
        if (length < SIZE || !ethernetIpv4(p) || !Arrays.equals(p, 14, 18, target.getAddress(), 0, 4)) {
            return null;
        }
        int op = operation(p);
        byte[] mac = senderMac(p);
        if ((op != REQUEST && op != REPLY) || Arrays.equals(mac, ownMac) || Arrays.equals(mac, NO_MAC)
                || Arrays.equals(mac, PacketSockets.BROADCAST_MAC)) {
            return null;
        }
        return mac;
    }

    /**
     * The reply to {@code request} when it asks for {@code address} and comes from another MAC; null
     * for anything else (not a request, another address, our own frame, malformed).
     */
    static byte[] replyTo(byte[] request, int length, byte[] ownMac, Inet4Address address) {
        if (length < SIZE || !ethernetIpv4(request) || operation(request) != REQUEST) {
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

    /** Hardware type Ethernet, protocol IPv4, address lengths 6 and 4. */
    private static boolean ethernetIpv4(byte[] p) {
        return p[0] == 0 && p[1] == 1 && p[2] == 8 && p[3] == 0 && p[4] == 6 && p[5] == 4;
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
