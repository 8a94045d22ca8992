package dev.cnidhcp.daemon.dhcp;

import org.dhcp4java.DHCPConstants;
import org.dhcp4java.DHCPPacket;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReplyFramingTest {
    /** A minimal OFFER: header, cookie, option 53, end. */
    private static byte[] offer() {
        DHCPPacket p = new DHCPPacket();
        p.setOp(DHCPConstants.BOOTREPLY);
        p.setDHCPMessageType(DHCPConstants.DHCPOFFER);
        return p.serialize();
    }

    private static DhcpParseException rejected(byte[] m) {
        return assertThrows(DhcpParseException.class, () -> ReplyFraming.check(m));
    }

    /** The message cut after the cookie, followed by {@code options}. */
    private static byte[] withOptions(int... options) {
        byte[] m = Arrays.copyOf(offer(), ReplyFraming.MIN_LENGTH + options.length);
        for (int i = 0; i < options.length; i++) {
            m[ReplyFraming.MIN_LENGTH + i] = (byte) options[i];
        }
        return m;
    }

    @Test
    void wellFramedReplyPasses() {
        assertDoesNotThrow(() -> ReplyFraming.check(offer()));
        assertDoesNotThrow(() -> ReplyFraming.check(withOptions(0, 0, 53, 1, 2, 255, 0, 0)));
    }

    @Test
    void messageShorterThanHeaderAndCookieIsMalformed() {
        assertEquals(DropReason.MALFORMED, rejected(Arrays.copyOf(offer(), 239)).reason());
        assertEquals(DropReason.MALFORMED, rejected(new byte[0]).reason());
    }

    @Test
    void messageLongerThan1500BytesIsMalformed() {
        assertEquals(DropReason.MALFORMED, rejected(Arrays.copyOf(offer(), 1501)).reason());
    }

    @Test
    void bootRequestIsNotAReply() {
        byte[] m = offer();
        m[0] = 1;
        assertEquals(DropReason.NOT_BOOTREPLY, rejected(m).reason());
    }

    @Test
    void missingMagicCookieIsPlainBootp() {
        byte[] m = offer();
        m[ReplyFraming.HEADER_LENGTH + 3] = 0;
        DhcpParseException e = rejected(m);
        assertEquals(DropReason.BAD_COOKIE, e.reason());
        assertTrue(e.getMessage().contains("cookie"), e.getMessage());
    }

    @Test
    void optionRunningPastTheEndIsMalformed() {
        DhcpParseException e = rejected(withOptions(53, 1, 2, 54, 4, 10, 1));
        assertEquals(DropReason.MALFORMED, e.reason());
        assertTrue(e.getMessage().contains("option 54"), e.getMessage());
    }

    @Test
    void optionWithoutLengthByteIsMalformed() {
        assertEquals(DropReason.MALFORMED, rejected(withOptions(53, 1, 2, 54)).reason());
    }

    @Test
    void optionsWithoutEndOptionAreMalformed() {
        assertTrue(rejected(withOptions(53, 1, 2)).getMessage().contains("end option"));
    }

    @Test
    void messageTypeOfWrongLengthIsMalformed() {
        assertTrue(rejected(withOptions(53, 2, 2, 2, 255)).getMessage().contains("option 53"));
    }
}
