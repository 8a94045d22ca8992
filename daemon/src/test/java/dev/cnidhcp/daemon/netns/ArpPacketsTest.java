package dev.cnidhcp.daemon.netns;

import dev.cnidhcp.daemon.dhcp.Route;
import org.junit.jupiter.api.Test;

import java.net.Inet4Address;
import java.nio.ByteBuffer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The ARP packets the daemon sends: RFC 5227 announcements and the responder's replies. */
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
}
