package dev.cnidhcp.daemon.netns;

import dev.cnidhcp.daemon.dhcp.Route;
import org.junit.jupiter.api.Test;

import java.net.Inet4Address;
import java.nio.ByteBuffer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The ARP packets the daemon sends and reads: announcements, the responder's replies, next-hop answers. */
class ArpPacketsTest {
    private static final byte[] OWN = {2, 0, 0, 0, 0, 1};
    private static final byte[] SERVER_MAC = {2, 0, 0, 0, 0, 9};
    private static final byte[] NO_MAC = new byte[6];
    private static final Inet4Address LEASED = Route.parseAddress("10.99.0.150", "a");
    private static final Inet4Address SERVER = Route.parseAddress("10.99.0.1", "s");

    private static byte[] arp(int op, byte[] senderMac, byte[] senderIp, byte[] targetMac, byte[] targetIp) {
        ByteBuffer b = ByteBuffer.allocate(28);
        b.putShort((short) 1).putShort((short) 0x0800).put((byte) 6).put((byte) 4).putShort((short) op);
        b.put(senderMac).put(senderIp).put(targetMac).put(targetIp);
        return b.array();
    }

    @Test
    void announcementIsARequestWithTheAddressAsSenderAndTargetAndNoTargetMac() {
        byte[] expected = {
            0, 1, 8, 0, 6, 4, 0, 1,                 // Ethernet, IPv4, 6, 4, request
            2, 0, 0, 0, 0, 1, 10, 99, 0, (byte) 150, // sender: our MAC, the address
            0, 0, 0, 0, 0, 0, 10, 99, 0, (byte) 150, // target: no MAC, the address
        };
        assertArrayEquals(expected, ArpPackets.announcement(OWN, LEASED));
    }

    @Test
    void aRequestForTheLeasedAddressIsAnsweredWithOurMacToTheAsker() {
        byte[] request = arp(1, SERVER_MAC, SERVER.getAddress(), NO_MAC, LEASED.getAddress());
        assertArrayEquals(arp(2, OWN, LEASED.getAddress(), SERVER_MAC, SERVER.getAddress()),
                ArpPackets.replyTo(request, request.length, OWN, LEASED));
        assertArrayEquals(SERVER_MAC, ArpPackets.senderMac(request));
    }

    @Test
    void onlyRequestsForTheAddressFromAnotherHostAreAnswered() {
        byte[] forOther = arp(1, SERVER_MAC, SERVER.getAddress(), NO_MAC, SERVER.getAddress());
        assertNull(ArpPackets.replyTo(forOther, forOther.length, OWN, LEASED));
        byte[] reply = arp(2, SERVER_MAC, SERVER.getAddress(), OWN, LEASED.getAddress());
        assertNull(ArpPackets.replyTo(reply, reply.length, OWN, LEASED));
        byte[] ourAnnouncement = ArpPackets.announcement(OWN, LEASED);
        assertNull(ArpPackets.replyTo(ourAnnouncement, ourAnnouncement.length, OWN, LEASED));
        byte[] request = arp(1, SERVER_MAC, SERVER.getAddress(), NO_MAC, LEASED.getAddress());
        assertNull(ArpPackets.replyTo(request, 27, OWN, LEASED), "truncated");
        byte[] notEthernet = request.clone();
        notEthernet[1] = 6;
        assertNull(ArpPackets.replyTo(notEthernet, notEthernet.length, OWN, LEASED));
    }

    @Test
    void theNextHopsMacIsReadFromItsReplyOrItsOwnRequest() {
        byte[] toProbe = arp(2, SERVER_MAC, SERVER.getAddress(), OWN, new byte[4]);
        assertArrayEquals(SERVER_MAC, ArpPackets.macOf(toProbe, toProbe.length, OWN, SERVER), "reply to a probe");
        byte[] toRequest = arp(2, SERVER_MAC, SERVER.getAddress(), OWN, LEASED.getAddress());
        assertArrayEquals(SERVER_MAC, ArpPackets.macOf(toRequest, toRequest.length, OWN, SERVER));
        byte[] itsRequest = arp(1, SERVER_MAC, SERVER.getAddress(), NO_MAC, LEASED.getAddress());
        assertArrayEquals(SERVER_MAC, ArpPackets.macOf(itsRequest, itsRequest.length, OWN, SERVER));
    }

    @Test
    void noMacIsTakenFromAnotherSenderOurOwnFrameOrAMalformedPacket() {
        byte[] ourRequest = ArpPackets.request(OWN, LEASED, SERVER);
        assertNull(ArpPackets.macOf(ourRequest, ourRequest.length, OWN, SERVER), "our request names it as target only");
        byte[] fromOther = arp(2, SERVER_MAC, LEASED.getAddress(), OWN, SERVER.getAddress());
        assertNull(ArpPackets.macOf(fromOther, fromOther.length, OWN, SERVER));
        byte[] fromUs = arp(2, OWN, SERVER.getAddress(), OWN, LEASED.getAddress());
        assertNull(ArpPackets.macOf(fromUs, fromUs.length, OWN, SERVER));
        byte[] broadcastMac = arp(2, PacketSockets.BROADCAST_MAC, SERVER.getAddress(), OWN, LEASED.getAddress());
        assertNull(ArpPackets.macOf(broadcastMac, broadcastMac.length, OWN, SERVER));
        byte[] zeroMac = arp(2, NO_MAC, SERVER.getAddress(), OWN, LEASED.getAddress());
        assertNull(ArpPackets.macOf(zeroMac, zeroMac.length, OWN, SERVER));
        byte[] reply = arp(2, SERVER_MAC, SERVER.getAddress(), OWN, LEASED.getAddress());
        assertNull(ArpPackets.macOf(reply, 27, OWN, SERVER), "truncated");
        byte[] rarp = arp(3, SERVER_MAC, SERVER.getAddress(), OWN, LEASED.getAddress());
        assertNull(ArpPackets.macOf(rarp, rarp.length, OWN, SERVER), "not a request or reply");
        byte[] notIpv4 = reply.clone();
        notIpv4[2] = (byte) 0x86;
        assertNull(ArpPackets.macOf(notIpv4, notIpv4.length, OWN, SERVER));
    }
}
