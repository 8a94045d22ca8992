package dev.cnidhcp.daemon.dhcp;

import org.junit.jupiter.api.Test;

import java.net.Inet4Address;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class Ipv4UdpTest {
    private static final Inet4Address SRC = Route.parseAddress("10.1.0.5", "src");
    private static final Inet4Address DST = Route.parseAddress("10.1.0.1", "dst");
    private static final byte[] PAYLOAD = "a DHCP message, odd length".getBytes(StandardCharsets.US_ASCII);

    private static byte[] packet() {
        return Ipv4Udp.wrap(PAYLOAD, SRC, DST, 68, 67);
    }

    private static int get16(byte[] b, int i) {
        return ((b[i] & 0xff) << 8) | (b[i + 1] & 0xff);
    }

    private static void put16(byte[] b, int i, int v) {
        b[i] = (byte) (v >>> 8);
        b[i + 1] = (byte) v;
    }

    /** The Internet checksum (RFC 1071) of a byte range with an initial sum. */
    private static int onesComplementSum(byte[] b, int offset, int length, long initial) {
        long sum = initial;
        for (int i = 0; i < length; i += 2) {
            int hi = b[offset + i] & 0xff;
            int lo = i + 1 < length ? b[offset + i + 1] & 0xff : 0;
            sum += (hi << 8) | lo;
        }
        while ((sum >> 16) != 0) {
            sum = (sum & 0xffff) + (sum >> 16);
        }
        return (int) sum;
    }

    @Test
    void wrapThenUnwrapGivesThePayloadBack() {
        byte[] p = packet();
        assertArrayEquals(PAYLOAD, Ipv4Udp.unwrap(p, p.length, 67));
    }

    @Test
    void wrapThenUnwrapOfEmptyPayload() {
        byte[] p = Ipv4Udp.wrap(new byte[0], Ipv4Udp.ANY, Ipv4Udp.BROADCAST, 68, 67);
        assertEquals(28, p.length);
        assertArrayEquals(new byte[0], Ipv4Udp.unwrap(p, p.length, 67));
    }

    @Test
    void wrappedHeaderFieldsAreThoseOfAPlainUdpPacket() {
        byte[] p = packet();
        assertEquals(0x45, p[0] & 0xff); // IPv4, 20-byte header
        assertEquals(20 + 8 + PAYLOAD.length, get16(p, 2));
        assertEquals(0, get16(p, 6)); // no flags, no fragment offset
        assertEquals(64, p[8]);
        assertEquals(17, p[9]);
        assertArrayEquals(SRC.getAddress(), Arrays.copyOfRange(p, 12, 16));
        assertArrayEquals(DST.getAddress(), Arrays.copyOfRange(p, 16, 20));
        assertEquals(68, get16(p, 20));
        assertEquals(67, get16(p, 22));
        assertEquals(8 + PAYLOAD.length, get16(p, 24));
    }

    @Test
    void ipHeaderChecksumVerifiesToZeroWhenRecomputedOverTheHeader() {
        byte[] p = packet();
        assertEquals(0xffff, onesComplementSum(p, 0, 20, 0));
        assertEquals(0, Ipv4Udp.checksum(p, 0, 20, 0));
    }

    @Test
    void udpChecksumVerifiesOverPseudoHeaderAndDatagram() {
        byte[] p = packet();
        int udpLength = 8 + PAYLOAD.length;
        long pseudo = onesComplementSum(p, 12, 8, 0) + 17 + udpLength;
        assertEquals(0xffff, onesComplementSum(p, 20, udpLength, pseudo));
    }

    @Test
    void unwrapReturnsNullForOtherProtocols() {
        byte[] p = packet();
        p[9] = 6; // TCP
        assertNull(Ipv4Udp.unwrap(p, p.length, 67));
    }

    @Test
    void unwrapReturnsNullForIpv6() {
        byte[] p = packet();
        p[0] = 0x65;
        assertNull(Ipv4Udp.unwrap(p, p.length, 67));
    }

    @Test
    void unwrapReturnsNullForAnotherPort() {
        byte[] p = packet();
        assertNull(Ipv4Udp.unwrap(p, p.length, 68));
    }

    @Test
    void unwrapReturnsNullForFragments() {
        byte[] moreFragments = packet();
        moreFragments[6] = 0x20;
        assertNull(Ipv4Udp.unwrap(moreFragments, moreFragments.length, 67));
        byte[] laterFragment = packet();
        put16(laterFragment, 6, 0x0010);
        assertNull(Ipv4Udp.unwrap(laterFragment, laterFragment.length, 67));
    }

    @Test
    void unwrapAcceptsDontFragmentFlag() {
        byte[] p = packet();
        p[6] = 0x40;
        assertArrayEquals(PAYLOAD, Ipv4Udp.unwrap(p, p.length, 67));
    }

    @Test
    void unwrapReturnsNullForTruncatedPackets() {
        byte[] p = packet();
        assertNull(Ipv4Udp.unwrap(p, p.length - 1, 67)); // total length says more than was read
        assertNull(Ipv4Udp.unwrap(p, 27, 67)); // shorter than IP + UDP headers
        assertNull(Ipv4Udp.unwrap(new byte[10], 10, 67));
    }

    @Test
    void unwrapReturnsNullForInconsistentLengths() {
        byte[] shortIhl = packet();
        shortIhl[0] = 0x44; // header length 16 < 20
        assertNull(Ipv4Udp.unwrap(shortIhl, shortIhl.length, 67));

        byte[] udpTooLong = packet();
        put16(udpTooLong, 24, 8 + PAYLOAD.length + 1);
        assertNull(Ipv4Udp.unwrap(udpTooLong, udpTooLong.length, 67));

        byte[] udpTooShort = packet();
        put16(udpTooShort, 24, 7);
        assertNull(Ipv4Udp.unwrap(udpTooShort, udpTooShort.length, 67));

        byte[] totalTooShort = packet();
        put16(totalTooShort, 2, 27);
        assertNull(Ipv4Udp.unwrap(totalTooShort, totalTooShort.length, 67));
    }

    @Test
    void unwrapIgnoresEthernetPaddingBeyondTotalLength() {
        byte[] p = packet();
        byte[] padded = Arrays.copyOf(p, p.length + 18);
        assertArrayEquals(PAYLOAD, Ipv4Udp.unwrap(padded, padded.length, 67));
    }

    @Test
    void unwrapHonoursIpOptions() {
        byte[] p = packet();
        byte[] withOptions = new byte[p.length + 4];
        System.arraycopy(p, 0, withOptions, 0, 20);
        System.arraycopy(p, 20, withOptions, 24, p.length - 20);
        withOptions[0] = 0x46; // 24-byte header
        put16(withOptions, 2, withOptions.length);
        assertArrayEquals(PAYLOAD, Ipv4Udp.unwrap(withOptions, withOptions.length, 67));
    }

    @Test
    void unwrapUsesUdpLengthNotPacketLengthForThePayload() {
        byte[] p = packet();
        put16(p, 24, 8 + 5);
        assertArrayEquals(Arrays.copyOf(PAYLOAD, 5), Ipv4Udp.unwrap(p, p.length, 67));
    }

    @Test
    void wrapRejectsPayloadTooLargeForIpv4() {
        assertThrows(IllegalArgumentException.class,
                () -> Ipv4Udp.wrap(new byte[65536 - 28], SRC, DST, 68, 67));
        Ipv4Udp.wrap(new byte[65535 - 28], SRC, DST, 68, 67);
    }
}
