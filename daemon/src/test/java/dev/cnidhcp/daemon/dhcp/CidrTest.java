package dev.cnidhcp.daemon.dhcp;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.Inet4Address;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CidrTest {
    private static Inet4Address ip(String text) {
        return Route.parseAddress(text, "test address");
    }

    @Test
    void parsesNetworkAndPrefixLength() {
        Cidr cidr = Cidr.parse("10.96.0.0/12");

        assertEquals(ip("10.96.0.0"), cidr.network());
        assertEquals(12, cidr.prefixLength());
        assertEquals("10.96.0.0/12", cidr.toString());
    }

    @Test
    void bareAddressIsOneAddress() {
        assertEquals(new Cidr(ip("192.0.2.7"), 32), Cidr.parse("192.0.2.7"));
    }

    @Test
    void wholeSpaceAndSingleHostParse() {
        assertEquals(new Cidr(ip("0.0.0.0"), 0), Cidr.parse("0.0.0.0/0"));
        assertEquals(new Cidr(ip("255.255.255.255"), 32), Cidr.parse("255.255.255.255/32"));
    }

    @Test
    void hostBitsSetAreRefusedNamingTheNetworkMeant() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Cidr.parse("10.96.0.1/12"));

        assertTrue(e.getMessage().contains("'10.96.0.1/12'"), e.getMessage());
        assertTrue(e.getMessage().contains("10.96.0.0/12"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "10.0.0.0/", "10.0.0.0/33", "10.0.0.0/-1", "10.0.0/8", "10.0.0.256/32",
            "10.0.0.0/8/8", "10.0.0.0 /8", "10.0.0.0/ 8", "fd00::/8", "example.com/8", "10.0.0.0/100", "/8"})
    void malformedTextIsRefusedNamingIt(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Cidr.parse(text));

        assertTrue(e.getMessage().contains("'" + text + "'"), e.getMessage());
    }

    @Test
    void constructorRefusesHostBitsAndBadLengths() {
        assertThrows(IllegalArgumentException.class, () -> new Cidr(ip("10.0.0.1"), 24));
        assertThrows(IllegalArgumentException.class, () -> new Cidr(ip("10.0.0.0"), 33));
        assertThrows(IllegalArgumentException.class, () -> new Cidr(ip("10.0.0.0"), -1));
        assertThrows(NullPointerException.class, () -> new Cidr(null, 8));
    }

    @Test
    void containsItsFirstAndLastAddressAndNothingAround() {
        Cidr cidr = Cidr.parse("10.96.0.0/12");

        assertTrue(cidr.contains(ip("10.96.0.0")));
        assertTrue(cidr.contains(ip("10.100.1.2")));
        assertTrue(cidr.contains(ip("10.111.255.255")));
        assertFalse(cidr.contains(ip("10.95.255.255")));
        assertFalse(cidr.contains(ip("10.112.0.0")));
    }

    @Test
    void slashZeroContainsEveryAddressAndSlash32OnlyItself() {
        assertTrue(Cidr.parse("0.0.0.0/0").contains(ip("255.255.255.255")));
        assertTrue(Cidr.parse("0.0.0.0/0").contains(ip("0.0.0.0")));
        assertTrue(Cidr.parse("192.0.2.7/32").contains(ip("192.0.2.7")));
        assertFalse(Cidr.parse("192.0.2.7/32").contains(ip("192.0.2.6")));
    }

    @Test
    void rangesOverlapWhenOneHoldsTheOtherEitherWay() {
        Cidr big = Cidr.parse("10.0.0.0/8");
        Cidr small = Cidr.parse("10.1.2.0/24");

        assertTrue(big.overlaps(small));
        assertTrue(small.overlaps(big));
        assertTrue(small.overlaps(small));
    }

    @Test
    void adjacentAndDisjointRangesDoNotOverlap() {
        assertFalse(Cidr.parse("10.1.0.0/24").overlaps(Cidr.parse("10.1.1.0/24")));
        assertFalse(Cidr.parse("10.1.1.0/24").overlaps(Cidr.parse("10.1.0.0/24")));
        assertFalse(Cidr.parse("10.0.0.0/8").overlaps(Cidr.parse("11.0.0.0/8")));
        assertFalse(Cidr.parse("192.0.2.7/32").overlaps(Cidr.parse("192.0.2.8/32")));
    }

    @Test
    void slashZeroOverlapsEverything() {
        assertTrue(Cidr.parse("0.0.0.0/0").overlaps(Cidr.parse("203.0.113.9/32")));
        assertTrue(Cidr.parse("203.0.113.9/32").overlaps(Cidr.parse("0.0.0.0/0")));
    }

    @Test
    void containingClearsTheHostBits() {
        assertEquals(Cidr.parse("10.1.0.0/24"), Cidr.containing(ip("10.1.0.77"), 24));
        assertEquals(Cidr.parse("10.1.0.77/32"), Cidr.containing(ip("10.1.0.77"), 32));
        assertEquals(Cidr.parse("0.0.0.0/0"), Cidr.containing(ip("10.1.0.77"), 0));
        assertThrows(IllegalArgumentException.class, () -> Cidr.containing(ip("10.1.0.77"), 33));
    }
}
