package dev.cnidhcp.daemon.dhcp;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RouteTest {

    @Test
    void parseReadsDestinationPrefixAndGateway() {
        Route r = Route.parse("10.1.0.0/16", "10.0.0.1");
        assertEquals("10.1.0.0/16", r.cidr());
        assertEquals(16, r.prefixLength());
        assertEquals("10.0.0.1", r.gateway().getHostAddress());
    }

    @Test
    void parseClearsHostBitsAsIpRouteDoes() {
        assertEquals("10.1.0.0/16", Route.parse("10.1.2.3/16", null).cidr());
        assertEquals("192.168.1.128/25", Route.parse("192.168.1.200/25", null).cidr());
        assertEquals("0.0.0.0/0", Route.parse("1.2.3.4/0", null).cidr());
    }

    @Test
    void parseWithoutGatewayOrEmptyGatewayIsOnLink() {
        assertNull(Route.parse("10.0.0.0/8", null).gateway());
        assertNull(Route.parse("10.0.0.0/8", "").gateway());
    }

    @Test
    void gatewayZeroMeansOnLink() {
        assertNull(Route.parse("10.0.0.0/8", "0.0.0.0").gateway());
    }

    @Test
    void parseRejectsDestinationWithoutPrefixNamingTheValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Route.parse("10.0.0.0", null));
        assertTrue(e.getMessage().contains("'10.0.0.0'"), e.getMessage());
    }

    @Test
    void parseRejectsBadPrefixLengthNamingTheValue() {
        for (String dst : List.of("10.0.0.0/33", "10.0.0.0/-1", "10.0.0.0/x", "10.0.0.0/")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Route.parse(dst, null));
            assertTrue(e.getMessage().contains("'" + dst + "'"), e.getMessage());
        }
    }

    @Test
    void parseRejectsBadGatewayNamingTheValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Route.parse("10.0.0.0/8", "10.0.0.300"));
        assertTrue(e.getMessage().contains("route gw"), e.getMessage());
        assertTrue(e.getMessage().contains("'10.0.0.300'"), e.getMessage());
    }

    @Test
    void parseAddressReadsDottedQuads() {
        assertEquals("192.168.0.1", Route.parseAddress("192.168.0.1", "x").getHostAddress());
        assertEquals("0.0.0.0", Route.parseAddress("0.0.0.0", "x").getHostAddress());
        assertEquals("255.255.255.255", Route.parseAddress("255.255.255.255", "x").getHostAddress());
    }

    @Test
    void parseAddressRejectsBadInputNamingWhatAndTheValue() {
        for (String text : List.of("", "1.2.3", "1.2.3.4.5", "1.2.3.256", "1.2.3.-1", "a.b.c.d", "1..2.3",
                "1.2.3.4.", "example.com", "::1", "0001.2.3.4", "+1.2.3.4", "1.2.3.+4", "-0.1.2.3")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Route.parseAddress(text, "route gw"), () -> "accepted '" + text + "'");
            assertTrue(e.getMessage().startsWith("route gw: '" + text + "'"), e.getMessage());
        }
    }

    @Test
    void constructorRejectsHostBitsAndBadPrefix() {
        assertThrows(IllegalArgumentException.class,
                () -> new Route(Route.parseAddress("10.0.0.1", "d"), 8, null));
        assertThrows(IllegalArgumentException.class,
                () -> new Route(Route.parseAddress("10.0.0.0", "d"), 33, null));
        assertThrows(NullPointerException.class, () -> new Route(null, 0, null));
    }

    @Test
    void maskOfPrefixLengths() {
        assertEquals(0, Route.mask(0));
        assertEquals(0x80000000, Route.mask(1));
        assertEquals(0xffffff00, Route.mask(24));
        assertEquals(0xffffffff, Route.mask(32));
    }

    @Test
    void toIntAndFromIntAreInverse() {
        for (int v : new int[] {0, 1, 0x0a010203, 0x7fffffff, 0x80000000, -1}) {
            assertEquals(v, Route.toInt(Route.fromInt(v)));
        }
    }
}
