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
        assertEquals("fd00:1:2:0:0:0:0:0/48", r.cidr());
        assertEquals(48, r.prefixLength());
        assertEquals(Route6.parseAddress("fe80::1", "t"), r.gateway());
    }

    @Test
    void defaultRouteWithoutGatewayIsOnLink() {
        Route6 r = Route6.parse("::/0", "");
        assertEquals("0:0:0:0:0:0:0:0/0", r.cidr());
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
}
