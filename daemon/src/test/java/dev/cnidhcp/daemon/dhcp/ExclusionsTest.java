package dev.cnidhcp.daemon.dhcp;

import org.junit.jupiter.api.Test;

import java.net.Inet4Address;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ExclusionsTest {
    private static Inet4Address ip(String text) {
        return Route.parseAddress(text, "test address");
    }

    @Test
    void parsesCommaSeparatedRangesIgnoringBlanksAroundThem() {
        Exclusions e = Exclusions.parseList("10.96.0.0/12, 192.168.0.0/16 ,172.16.0.1");

        assertEquals(List.of("10.96.0.0/12", "192.168.0.0/16", "172.16.0.1/32"), e.strings());
    }

    @Test
    void emptyTextIsNoRange() {
        assertTrue(Exclusions.parseList("").isEmpty());
        assertTrue(Exclusions.parseList("  ").isEmpty());
    }

    @Test
    void aBadEntryIsRefusedNamingIt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Exclusions.parseList("10.96.0.0/12,10.300.0.0/16"));
        assertTrue(e.getMessage().contains("10.300.0.0/16"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Exclusions.parseList("10.96.0.0/12,"));
    }

    @Test
    void duplicatesAreKeptOnceInTheOrderFirstGiven() {
        Exclusions e = Exclusions.parseList("10.0.0.0/8,192.168.0.0/16,10.0.0.0/8");

        assertEquals(List.of("10.0.0.0/8", "192.168.0.0/16"), e.strings());
    }

    @Test
    void unionListsBothWithoutDuplicates() {
        Exclusions daemon = Exclusions.parseList("10.96.0.0/12");
        Exclusions network = Exclusions.parseList("192.168.0.0/16,10.96.0.0/12");

        assertEquals(List.of("10.96.0.0/12", "192.168.0.0/16"), daemon.union(network).strings());
        assertSame(daemon, daemon.union(Exclusions.NONE));
        assertSame(network, Exclusions.NONE.union(network));
    }

    @Test
    void addressInsideARangeIsAnAddressHit() {
        Optional<Exclusions.Hit> hit = Exclusions.parseList("10.96.0.0/12").check(ip("10.96.3.4"), 24);

        assertEquals(Optional.of(new Exclusions.Hit(Cidr.parse("10.96.0.0/12"), Exclusions.Hit.Kind.ADDRESS,
                Cidr.parse("10.96.3.0/24"))), hit);
    }

    @Test
    void subnetOverlappingARangeIsASubnetHitThoughTheAddressIsOutside() {
        Optional<Exclusions.Hit> hit = Exclusions.parseList("10.1.0.128/25").check(ip("10.1.0.10"), 24);

        assertEquals(Optional.of(new Exclusions.Hit(Cidr.parse("10.1.0.128/25"), Exclusions.Hit.Kind.SUBNET,
                Cidr.parse("10.1.0.0/24"))), hit);
    }

    @Test
    void aRangeThatHoldsTheAddressWinsOverAnEarlierOneThatOnlyOverlaps() {
        Exclusions e = Exclusions.parseList("10.1.0.128/25,10.1.0.0/28");

        assertEquals(Cidr.parse("10.1.0.0/28"), e.check(ip("10.1.0.10"), 24).orElseThrow().range());
        assertEquals(Exclusions.Hit.Kind.ADDRESS, e.check(ip("10.1.0.10"), 24).orElseThrow().kind());
    }

    @Test
    void subnetBesideEveryRangeIsNoHit() {
        Exclusions e = Exclusions.parseList("10.96.0.0/12,10.1.1.0/24");

        assertEquals(Optional.empty(), e.check(ip("10.1.0.10"), 24));
        assertEquals(Optional.empty(), Exclusions.NONE.check(ip("10.1.0.10"), 0));
    }

    @Test
    void wideSubnetOverlapsANarrowRangeInsideIt() {
        assertEquals(Exclusions.Hit.Kind.SUBNET,
                Exclusions.parseList("10.96.0.0/12").check(ip("10.1.0.10"), 8).orElseThrow().kind());
    }
}
