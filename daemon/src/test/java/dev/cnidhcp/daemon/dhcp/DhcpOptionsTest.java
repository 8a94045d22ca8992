package dev.cnidhcp.daemon.dhcp;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * RFC 3396 concatenation and option 52 on whole replies kept as test data (src/test/resources/dhcp,
 * hex with the layout described at the top of each file), and malformed variants of them.
 */
class DhcpOptionsTest {
    private static final int XID = 0x1234abcd;
    private static final ClientIdentity ID = new ClientIdentity(new byte[] {2, 0x42, 0, 0, 0, 7},
            ClientIdentity.defaultClientId("c0ffee", "net1", "eth0"));
    private static final Instant SENT = Instant.parse("2024-05-01T12:00:00Z");

    static byte[] message(String name) {
        try (InputStream in = DhcpOptionsTest.class.getResourceAsStream("/dhcp/" + name)) {
            if (in == null) {
                throw new IllegalStateException("no test data " + name);
            }
            String hex = new String(in.readAllBytes(), StandardCharsets.US_ASCII).lines()
                    .filter(l -> !l.startsWith("#")).collect(Collectors.joining()).strip();
            return HexFormat.of().parseHex(hex);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Lease lease(byte[] m) throws DhcpParseException {
        return DhcpMessages.leaseOf(DhcpMessages.parseReply(m, XID, ID), SENT);
    }

    /** Default via 10.1.0.1, then 10.100.i.0/24 via 10.1.0.254: the routes in the test data. */
    private static List<Route> routes(int n) {
        List<Route> routes = new ArrayList<>();
        routes.add(Route.parse("0.0.0.0/0", "10.1.0.1"));
        for (int i = 0; i < n; i++) {
            routes.add(Route.parse("10.100." + i + ".0/24", "10.1.0.254"));
        }
        return routes;
    }

    private static List<String> searchList(int n) {
        List<String> names = new ArrayList<>();
        names.add("example.test");
        for (int i = 0; i < n; i++) {
            names.add("s" + i + ".example.test");
        }
        return names;
    }

    private static int codeOffset(byte[] m, int code, int from) {
        for (int i = from; i < m.length; i++) {
            if ((m[i] & 0xff) == code) {
                return i;
            }
        }
        throw new AssertionError("no byte " + code);
    }

    // ------------------------------------------------------------------ concatenation

    @Test
    void splitOption121IsConcatenatedIntoAllItsRoutes() throws DhcpParseException {
        Lease lease = lease(message("ack-split-121-119.hex"));

        assertEquals(routes(40), lease.routes(), "dhcp4java kept only the last 70 bytes of the 325");
    }

    @Test
    void splitOption119IsConcatenatedSoPointersIntoTheFirstPartResolve() throws DhcpParseException {
        Lease lease = lease(message("ack-split-121-119.hex"));

        assertEquals(searchList(20), lease.searchDomains());
    }

    @Test
    void instancesAreJoinedInTheOrderTheyAppearWhateverComesBetween() throws DhcpParseException {
        DhcpOptions options = DhcpMessages.parseReply(message("ack-split-121-119.hex"), XID, ID).options();

        assertEquals(325, options.get(OptionCode.CLASSLESS_ROUTES).length);
        assertEquals(List.of(OptionCode.MESSAGE_TYPE, OptionCode.SERVER_IDENTIFIER, OptionCode.CLASSLESS_ROUTES,
                OptionCode.SUBNET_MASK, OptionCode.LEASE_TIME, OptionCode.DOMAIN_SEARCH, OptionCode.ROUTERS),
                List.copyOf(options.codes()));
    }

    @Test
    void withoutOption52FileAndSnameAreNamesNotOptions() throws DhcpParseException {
        byte[] m = message("ack-split-121-119.hex");
        assertEquals("pxelinux.0", new String(m, DhcpOptions.FILE_START, 10, StandardCharsets.US_ASCII));

        DhcpOptions options = DhcpOptions.parse(m);

        assertEquals(7, options.codes().size(), options.toString());
        assertFalse(options.contains(OptionCode.of('p')), "the file name was not read as option 112");
    }

    // ------------------------------------------------------------------ option 52

    @Test
    void overloadedFileCarriesTheRestOfOption121AndTheMask() throws DhcpParseException {
        Lease lease = lease(message("ack-overload-file.hex"));

        assertEquals(routes(20), lease.routes());
        assertEquals(24, lease.prefixLength(), "option 1 only in the file field");
    }

    @Test
    void overloadOfBothFieldsReadsOptionsThenFileThenSname() throws DhcpParseException {
        Lease lease = lease(message("ack-overload-file-and-sname.hex"));

        assertEquals(routes(20), lease.routes());
        assertEquals(searchList(8), lease.searchDomains(), "file's part of 119 before sname's");
        assertEquals(24, lease.prefixLength());
        assertEquals(3600, lease.leaseTime().toSeconds(), "option 51 only in sname");
    }

    @Test
    void overloadValueOutsideOneToThreeIsMalformed() {
        byte[] m = message("ack-overload-file.hex");
        int at = codeOffset(m, 52, DhcpOptions.OPTIONS_START);
        m[at + 2] = 4;

        DhcpParseException e = assertThrows(DhcpParseException.class, () -> DhcpMessages.parseReply(m, XID, ID));

        assertEquals(DropReason.MALFORMED, e.reason());
        assertTrue(e.getMessage().contains("option 52"), e.getMessage());
    }

    @Test
    void optionRunningPastTheFileFieldIsMalformed() {
        byte[] m = message("ack-overload-file.hex");
        m[DhcpOptions.FILE_START + 1] = (byte) 200; // option 121 in file: 200 bytes cannot fit in 128

        DhcpParseException e = assertThrows(DhcpParseException.class, () -> DhcpOptions.parse(m));

        assertTrue(e.getMessage().contains("file field"), e.getMessage());
    }

    @Test
    void overloadedFieldMayEndWithoutEndOption() throws DhcpParseException {
        byte[] m = message("ack-overload-file.hex");
        int end = codeOffset(m, 255, DhcpOptions.FILE_START + 2 + 65 + 6);
        assertTrue(end < DhcpOptions.FILE_END);
        for (int i = DhcpOptions.FILE_START + 2 + 65; i < DhcpOptions.FILE_END; i++) {
            m[i] = 0; // no mask, no end option: pad to the field's end
        }

        assertEquals(routes(20), lease(m).routes());
    }

    @Test
    void option52InsideAnOverloadedFieldIsIgnored() throws DhcpParseException {
        byte[] m = message("ack-overload-file.hex");
        int end = codeOffset(m, 255, DhcpOptions.FILE_START + 2 + 65 + 6);
        m[end] = 52;
        m[end + 1] = 1;
        m[end + 2] = 2;
        m[end + 3] = (byte) 255;

        DhcpOptions options = DhcpOptions.parse(m);

        assertArrayEquals(new byte[] {1}, options.get(OptionCode.OVERLOAD));
    }

    @Test
    void splitMessageTypeIsMalformed() {
        byte[] m = message("ack-split-121-119.hex");
        int mask = codeOffset(m, 1, DhcpOptions.OPTIONS_START + 3 + 6 + 257);
        m[mask] = 53; // option 1 (4 bytes) becomes a second instance of 53: 5 bytes in all

        DhcpParseException e = assertThrows(DhcpParseException.class, () -> DhcpMessages.parseReply(m, XID, ID));

        assertTrue(e.getMessage().contains("option 53"), e.getMessage());
    }

    // ------------------------------------------------------------------ open codes

    @Test
    void unknownOptionSurvivesDecodingWithItsValue() throws DhcpParseException {
        byte[] m = message("ack-split-121-119.hex");
        int mask = codeOffset(m, 1, DhcpOptions.OPTIONS_START + 3 + 6 + 257);
        m[mask] = (byte) 224;

        DhcpOptions options = DhcpOptions.parse(m);

        assertArrayEquals(new byte[] {(byte) 255, (byte) 255, (byte) 255, 0}, options.get(OptionCode.of(224)));
        assertNull(options.get(OptionCode.SUBNET_MASK));
        assertEquals(new OptionCode(224), OptionCode.of(224));
        assertFalse(OptionCode.of(224).known());
        assertEquals("option 224", OptionCode.of(224).toString());
    }

    @Test
    void knownCodesAreTheirConstants() {
        assertSame(OptionCode.CLASSLESS_ROUTES, OptionCode.of(121));
        assertSame(MessageType.ACK, MessageType.of(5));
        assertEquals("option 121 (classless static routes)", OptionCode.CLASSLESS_ROUTES.toString());
        assertEquals("DHCPNAK", MessageType.NAK.toString());
        assertThrows(IllegalArgumentException.class, () -> OptionCode.of(256));
        assertThrows(IllegalArgumentException.class, () -> MessageType.of(-1));
    }

    @Test
    void replyOfAnUnknownMessageTypeDecodesWithThatType() throws DhcpParseException {
        byte[] m = message("ack-split-121-119.hex");
        m[DhcpOptions.OPTIONS_START + 2] = 42; // option 53's value

        DhcpMessages.Reply reply = DhcpMessages.parseReply(m, XID, ID);

        assertEquals(MessageType.of(42), reply.type());
        assertFalse(reply.type().known());
        assertEquals("type 42", reply.type().toString());
    }
}
