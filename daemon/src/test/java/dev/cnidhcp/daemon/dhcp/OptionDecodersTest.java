package dev.cnidhcp.daemon.dhcp;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OptionDecodersTest {

    private static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }

    private static Route route(String cidr, String gw) {
        return Route.parse(cidr, gw);
    }

    // --- option 121, RFC 3442 ---

    @Test
    void classlessRouteWithWidthZeroIsDefaultRoute() throws DhcpParseException {
        assertEquals(List.of(route("0.0.0.0/0", "10.0.0.1")), OptionDecoders.classlessRoutes(bytes(0, 10, 0, 0, 1)));
    }

    @Test
    void classlessRouteOfWidth32CarriesFourDestinationOctets() throws DhcpParseException {
        assertEquals(List.of(route("192.168.1.7/32", "10.0.0.1")),
                OptionDecoders.classlessRoutes(bytes(32, 192, 168, 1, 7, 10, 0, 0, 1)));
    }

    @Test
    void classlessRouteOfWidth9CarriesTwoOctetsAndClearsHostBits() throws DhcpParseException {
        // 10.255.x.x/9: the second octet's low 7 bits are beyond the width
        assertEquals(List.of(route("10.128.0.0/9", "10.0.0.1")),
                OptionDecoders.classlessRoutes(bytes(9, 10, 255, 10, 0, 0, 1)));
    }

    @Test
    void classlessRouteOfWidth17CarriesThreeOctets() throws DhcpParseException {
        assertEquals(List.of(route("172.16.128.0/17", "10.0.0.1")),
                OptionDecoders.classlessRoutes(bytes(17, 172, 16, 0xff, 10, 0, 0, 1)));
    }

    @Test
    void classlessRouteOfWidth25CarriesFourOctets() throws DhcpParseException {
        assertEquals(List.of(route("192.168.1.128/25", "10.0.0.1")),
                OptionDecoders.classlessRoutes(bytes(25, 192, 168, 1, 0xff, 10, 0, 0, 1)));
    }

    @Test
    void classlessRouteOfWidth24CarriesThreeOctets() throws DhcpParseException {
        assertEquals(List.of(route("10.1.2.0/24", "10.1.0.1")),
                OptionDecoders.classlessRoutes(bytes(24, 10, 1, 2, 10, 1, 0, 1)));
    }

    @Test
    void classlessRouteViaRouterZeroIsOnLinkWithNullGateway() throws DhcpParseException {
        List<Route> routes = OptionDecoders.classlessRoutes(bytes(16, 10, 9, 0, 0, 0, 0));
        assertEquals(1, routes.size());
        assertEquals("10.9.0.0/16", routes.get(0).cidr());
        assertNull(routes.get(0).gateway());
    }

    @Test
    void severalClasslessRoutesInOneOptionAreReadInOrder() throws DhcpParseException {
        byte[] data = bytes(
                24, 10, 1, 2, /* via */ 10, 0, 0, 1,
                0, /* via */ 10, 0, 0, 254,
                32, 8, 8, 8, 8, /* via */ 0, 0, 0, 0,
                12, 172, 16, /* via */ 10, 0, 0, 2);
        assertEquals(List.of(route("10.1.2.0/24", "10.0.0.1"), route("0.0.0.0/0", "10.0.0.254"),
                route("8.8.8.8/32", null), route("172.16.0.0/12", "10.0.0.2")),
                OptionDecoders.classlessRoutes(data));
    }

    @Test
    void emptyClasslessRouteOptionIsEmptyList() throws DhcpParseException {
        assertEquals(List.of(), OptionDecoders.classlessRoutes(new byte[0]));
    }

    @Test
    void classlessRouteWidth33IsRejected() {
        DhcpParseException e = assertThrows(DhcpParseException.class,
                () -> OptionDecoders.classlessRoutes(bytes(33, 1, 2, 3, 4, 5, 10, 0, 0, 1)));
        assertTrue(e.getMessage().startsWith("option 121"), e.getMessage());
        assertTrue(e.getMessage().contains("33"), e.getMessage());
    }

    @Test
    void classlessRouteWithDestinationCutIsRejectedNamingOption121() {
        DhcpParseException e = assertThrows(DhcpParseException.class,
                () -> OptionDecoders.classlessRoutes(bytes(24, 10, 1)));
        assertTrue(e.getMessage().startsWith("option 121"), e.getMessage());
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void classlessRouteWithRouterCutIsRejectedNamingOption121() {
        DhcpParseException e = assertThrows(DhcpParseException.class,
                () -> OptionDecoders.classlessRoutes(bytes(24, 10, 1, 2, 10, 0, 0)));
        assertTrue(e.getMessage().startsWith("option 121"), e.getMessage());
    }

    @Test
    void classlessRouteTruncatedAfterAGoodRouteIsRejected() {
        assertThrows(DhcpParseException.class,
                () -> OptionDecoders.classlessRoutes(bytes(0, 10, 0, 0, 1, 8)));
    }

    // --- option 33, RFC 2132 ---

    @Test
    void staticRoutesUseTheClassfulPrefixOfTheDestination() throws DhcpParseException {
        byte[] data = bytes(
                10, 1, 2, 3, 192, 168, 0, 1,
                172, 16, 5, 1, 192, 168, 0, 2,
                192, 168, 7, 9, 192, 168, 0, 3);
        assertEquals(List.of(route("10.0.0.0/8", "192.168.0.1"), route("172.16.0.0/16", "192.168.0.2"),
                route("192.168.7.0/24", "192.168.0.3")), OptionDecoders.staticRoutes(data));
    }

    @Test
    void staticRouteWithLengthNotMultipleOf8IsRejected() {
        DhcpParseException e = assertThrows(DhcpParseException.class,
                () -> OptionDecoders.staticRoutes(bytes(10, 0, 0, 0, 10, 0, 0)));
        assertTrue(e.getMessage().startsWith("option 33"), e.getMessage());
        assertTrue(e.getMessage().contains("7"), e.getMessage());
    }

    @Test
    void staticRouteToDestinationZeroIsSkipped() throws DhcpParseException {
        byte[] data = bytes(0, 0, 0, 0, 10, 0, 0, 1, 10, 0, 0, 0, 10, 0, 0, 2);
        assertEquals(List.of(route("10.0.0.0/8", "10.0.0.2")), OptionDecoders.staticRoutes(data));
    }

    @Test
    void emptyStaticRoutesOptionIsEmptyList() throws DhcpParseException {
        assertEquals(List.of(), OptionDecoders.staticRoutes(new byte[0]));
    }

    @Test
    void classfulPrefixIsEightSixteenTwentyFourOrThirtyTwo() {
        assertEquals(8, OptionDecoders.classfulPrefix(Route.toInt(Route.parseAddress("127.0.0.1", "a"))));
        assertEquals(16, OptionDecoders.classfulPrefix(Route.toInt(Route.parseAddress("128.0.0.1", "a"))));
        assertEquals(16, OptionDecoders.classfulPrefix(Route.toInt(Route.parseAddress("191.255.0.1", "a"))));
        assertEquals(24, OptionDecoders.classfulPrefix(Route.toInt(Route.parseAddress("192.0.2.1", "a"))));
        assertEquals(24, OptionDecoders.classfulPrefix(Route.toInt(Route.parseAddress("223.1.1.1", "a"))));
        assertEquals(32, OptionDecoders.classfulPrefix(Route.toInt(Route.parseAddress("224.0.0.1", "a"))));
    }

    // --- option 1 ---

    @Test
    void prefixLengthOfEveryContiguousMask() throws DhcpParseException {
        for (int len = 0; len <= 32; len++) {
            int mask = Route.mask(len);
            byte[] raw = bytes(mask >>> 24, mask >>> 16, mask >>> 8, mask);
            assertEquals(len, OptionDecoders.prefixLength(raw), "mask /" + len);
        }
    }

    @Test
    void commonMasksGiveTheirPrefixLength() throws DhcpParseException {
        assertEquals(24, OptionDecoders.prefixLength(bytes(255, 255, 255, 0)));
        assertEquals(20, OptionDecoders.prefixLength(bytes(255, 255, 240, 0)));
        assertEquals(0, OptionDecoders.prefixLength(bytes(0, 0, 0, 0)));
        assertEquals(32, OptionDecoders.prefixLength(bytes(255, 255, 255, 255)));
    }

    @Test
    void nonContiguousMaskIsRejectedNamingTheMask() {
        DhcpParseException e = assertThrows(DhcpParseException.class,
                () -> OptionDecoders.prefixLength(bytes(255, 0, 255, 0)));
        assertTrue(e.getMessage().contains("255.0.255.0"), e.getMessage());
        assertThrows(DhcpParseException.class, () -> OptionDecoders.prefixLength(bytes(0, 0, 0, 255)));
        assertThrows(DhcpParseException.class, () -> OptionDecoders.prefixLength(bytes(255, 255, 255, 253)));
    }

    @Test
    void maskOfWrongLengthIsRejected() {
        assertThrows(DhcpParseException.class, () -> OptionDecoders.prefixLength(bytes(255, 255, 255)));
        assertThrows(DhcpParseException.class, () -> OptionDecoders.prefixLength(bytes(255, 255, 255, 0, 0)));
        assertThrows(DhcpParseException.class, () -> OptionDecoders.prefixLength(new byte[0]));
    }

    // --- option 119, RFC 3397 ---

    /** The example of RFC 3397 section 3: "eng.apple.com." and "marketing.apple.com.", the second compressed. */
    private static final byte[] RFC3397_EXAMPLE = concat(
            bytes(3), ascii("eng"), bytes(5), ascii("apple"), bytes(3), ascii("com"), bytes(0),
            bytes(9), ascii("marketing"), bytes(0xc0, 0x04));

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    @Test
    void domainSearchDecodesRfc3397ExampleWithCompressionPointer() throws DhcpParseException {
        assertEquals(List.of("eng.apple.com", "marketing.apple.com"), OptionDecoders.domainSearch(RFC3397_EXAMPLE));
    }

    @Test
    void domainSearchNameMayBeAPointerOnly() throws DhcpParseException {
        byte[] data = concat(RFC3397_EXAMPLE, bytes(0xc0, 0x0a)); // offset 10: "com"
        assertEquals(List.of("eng.apple.com", "marketing.apple.com", "com"), OptionDecoders.domainSearch(data));
    }

    @Test
    void domainSearchFollowsChainedBackwardPointers() throws DhcpParseException {
        byte[] data = concat(RFC3397_EXAMPLE, bytes(2), ascii("hq"), bytes(0xc0, 0x0f)); // offset 15: marketing.apple.com
        assertEquals(List.of("eng.apple.com", "marketing.apple.com", "hq.marketing.apple.com"),
                OptionDecoders.domainSearch(data));
    }

    @Test
    void domainSearchOfEmptyDataIsEmptyList() throws DhcpParseException {
        assertEquals(List.of(), OptionDecoders.domainSearch(new byte[0]));
    }

    @Test
    void domainSearchRejectsForwardPointer() {
        byte[] data = concat(bytes(3), ascii("eng"), bytes(0xc0, 0x06), bytes(3), ascii("com"), bytes(0));
        DhcpParseException e = assertThrows(DhcpParseException.class, () -> OptionDecoders.domainSearch(data));
        assertTrue(e.getMessage().startsWith("option 119"), e.getMessage());
        assertTrue(e.getMessage().contains("backwards"), e.getMessage());
    }

    @Test
    void domainSearchRejectsSelfPointer() {
        assertThrows(DhcpParseException.class, () -> OptionDecoders.domainSearch(bytes(0xc0, 0x00)));
        byte[] data = concat(bytes(3), ascii("eng"), bytes(0xc0, 0x04));
        assertThrows(DhcpParseException.class, () -> OptionDecoders.domainSearch(data));
    }

    @Test
    void domainSearchRejectsPointerLoopThroughEarlierBytes() {
        // "a" then a pointer back to its own start: backwards each time, but endless
        byte[] data = concat(bytes(1), ascii("a"), bytes(0xc0, 0x00));
        assertThrows(DhcpParseException.class, () -> OptionDecoders.domainSearch(data));
    }

    @Test
    void domainSearchRejectsTruncatedLabel() {
        DhcpParseException e = assertThrows(DhcpParseException.class,
                () -> OptionDecoders.domainSearch(concat(bytes(5), ascii("app"))));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void domainSearchRejectsNameWithoutTerminatingZero() {
        assertThrows(DhcpParseException.class, () -> OptionDecoders.domainSearch(concat(bytes(3), ascii("com"))));
    }

    @Test
    void domainSearchRejectsTruncatedPointer() {
        assertThrows(DhcpParseException.class,
                () -> OptionDecoders.domainSearch(concat(bytes(3), ascii("com"), bytes(0), bytes(0xc0))));
    }

    @Test
    void domainSearchRejectsReservedLabelTypes() {
        assertThrows(DhcpParseException.class, () -> OptionDecoders.domainSearch(bytes(0x40, 0)));
        assertThrows(DhcpParseException.class, () -> OptionDecoders.domainSearch(bytes(0x80, 0)));
    }

    // --- address lists and strings ---

    @Test
    void addressesReadsEachFourBytes() throws DhcpParseException {
        assertEquals(List.of(Route.parseAddress("10.0.0.53", "a"), Route.parseAddress("8.8.4.4", "a")),
                OptionDecoders.addresses(6, bytes(10, 0, 0, 53, 8, 8, 4, 4)));
    }

    @Test
    void addressesRejectsLengthNotAMultipleOfFourNamingTheOption() {
        DhcpParseException e = assertThrows(DhcpParseException.class,
                () -> OptionDecoders.addresses(6, bytes(10, 0, 0, 53, 8)));
        assertTrue(e.getMessage().startsWith("option 6"), e.getMessage());
        assertThrows(DhcpParseException.class, () -> OptionDecoders.addresses(3, bytes(10, 0, 0)));
    }

    @Test
    void addressesRejectsEmptyData() {
        assertThrows(DhcpParseException.class, () -> OptionDecoders.addresses(3, new byte[0]));
    }

    @Test
    void stringDropsTrailingNuls() {
        assertEquals("example.org", OptionDecoders.string(concat(ascii("example.org"), bytes(0, 0))));
        assertEquals("example.org", OptionDecoders.string(ascii("example.org")));
        assertEquals("", OptionDecoders.string(bytes(0)));
        assertEquals("", OptionDecoders.string(new byte[0]));
    }

    @Test
    void stringKeepsInnerNuls() {
        assertEquals("a\u0000b", OptionDecoders.string(bytes('a', 0, 'b', 0)));
    }
}
