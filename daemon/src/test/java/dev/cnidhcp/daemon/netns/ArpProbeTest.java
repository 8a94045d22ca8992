package dev.cnidhcp.daemon.netns;

import dev.cnidhcp.daemon.dhcp.Route;
import org.junit.jupiter.api.Test;

import java.net.Inet4Address;
import java.nio.ByteBuffer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The pure parts of RFC 5227 conflict detection: the probe we send and what counts as a conflict. */
class ArpProbeTest {
    private static final byte[] OWN = {2, 0, 0, 0, 0, 1};
    private static final byte[] OTHER = {2, 0, 0, 0, 0, 2};
    private static final Inet4Address ADDRESS = Route.parseAddress("10.99.0.150", "a");
    private static final byte[] ZERO = new byte[4];

    private static byte[] arp(int op, byte[] senderMac, byte[] senderIp, byte[] targetIp) {
        ByteBuffer b = ByteBuffer.allocate(28);
        b.putShort((short) 1).putShort((short) 0x0800).put((byte) 6).put((byte) 4).putShort((short) op);
        b.put(senderMac).put(senderIp).put(new byte[6]).put(targetIp);
        return b.array();
    }

    @Test
    void probeIsAnArpRequestFromSenderZeroForTheAddress() {
        assertArrayEquals(arp(1, OWN, ZERO, ADDRESS.getAddress()), ArpPackets.probe(OWN, ADDRESS));
    }

    @Test
    void replyFromAnotherHostUsingTheAddressIsAConflict() {
        byte[] reply = arp(2, OTHER, ADDRESS.getAddress(), ZERO);
        assertEquals("02:00:00:00:00:02", ArpProbe.conflict(reply, reply.length, OWN, ADDRESS.getAddress()));
    }

    @Test
    void simultaneousProbeByAnotherHostIsAConflict() {
        byte[] probe = arp(1, OTHER, ZERO, ADDRESS.getAddress());
        assertEquals("02:00:00:00:00:02", ArpProbe.conflict(probe, probe.length, OWN, ADDRESS.getAddress()));
    }

    @Test
    void ourOwnProbeAndUnrelatedTrafficAreNoConflict() {
        byte[] ours = ArpPackets.probe(OWN, ADDRESS);
        assertNull(ArpProbe.conflict(ours, ours.length, OWN, ADDRESS.getAddress()));
        byte[] unrelated = arp(2, OTHER, Route.parseAddress("10.99.0.151", "b").getAddress(), ZERO);
        assertNull(ArpProbe.conflict(unrelated, unrelated.length, OWN, ADDRESS.getAddress()));
        byte[] truncated = arp(2, OTHER, ADDRESS.getAddress(), ZERO);
        assertNull(ArpProbe.conflict(truncated, 20, OWN, ADDRESS.getAddress()));
    }

    @Test
    void arpCheckModesParseAndNameTheFlagWhenWrong() {
        assertEquals(ArpCheck.OFF, ArpCheck.parse("off"));
        assertEquals(ArpCheck.FAST, ArpCheck.parse("FAST"));
        assertEquals(ArpCheck.FULL, ArpCheck.parse("full"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ArpCheck.parse("slow"));
        assertEquals("invalid value \"slow\" for -arpcheck (expected: off, fast, full)", e.getMessage());
    }

    @Test
    void offNeverProbes() throws Exception {
        assertNull(ArpCheck.OFF.probe(-1, OWN, ADDRESS, TaskHandle.uncancellable()), "no socket is opened: ifindex -1 would fail");
    }
}
