package dev.cnidhcp.daemon.config;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Route6Test {
    @Test
    void parsesAPrefixAndClearsItsHostBits() {
        Route6 r = Route6.parse("fd00:1:2:3::5/48", "fe80::1");
        assertEquals("fd00:1:2::/48", r.cidr());
        assertEquals(48, r.prefixLength());
        assertEquals(Route6.parseAddress("fe80::1", "t"), r.gateway());
    }

    @Test
    void defaultRouteWithoutGatewayIsOnLink() {
        Route6 r = Route6.parse("::/0", "");
        assertEquals("::/0", r.cidr());
        assertNull(r.gateway());
    }

    @Test
    void aHostNameIsNotLookedUpButRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Route6.parse("localhost/64", null));
        assertTrue(e.getMessage().contains("localhost"), e.getMessage());
    }

    @Test
    void anIpv4GatewayIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> Route6.parse("fd00::/8", "10.0.0.1"));
    }

    @Test
    void aPrefixLengthAbove128IsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Route6.parse("fd00::/129", null));
        assertTrue(e.getMessage().contains("0..128"), e.getMessage());
    }

    @Test
    void aDestinationWithHostBitsIsRefusedByTheConstructor() {
        assertThrows(IllegalArgumentException.class,
                () -> new Route6(Route6.parseAddress("fd00::1", "t"), 64, null));
    }

    @Test
    void addressesAreWrittenInTheRfc5952Form() {
        assertEquals("fd99::10", Route6.text(Route6.parseAddress("fd99:0:0:0:0:0:0:10", "t")));
        assertEquals("::", Route6.text(Route6.parseAddress("::", "t")));
        assertEquals("::1", Route6.text(Route6.parseAddress("::1", "t")));
        assertEquals("fd00::", Route6.text(Route6.parseAddress("fd00::", "t")));
        assertEquals("2001:db8::1:0:0:1", Route6.text(Route6.parseAddress("2001:db8:0:0:1:0:0:1", "t")),
                "the first of two equal zero runs");
        assertEquals("2001:db8:0:1:1:1:1:1", Route6.text(Route6.parseAddress("2001:db8:0:1:1:1:1:1", "t")),
                "one zero group stays");
        assertEquals("2001:db8::abcd", Route6.text(Route6.parseAddress("2001:DB8::ABCD", "t")));
    }
}
