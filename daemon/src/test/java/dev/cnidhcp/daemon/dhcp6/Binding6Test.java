package dev.cnidhcp.daemon.dhcp6;

import dev.cnidhcp.daemon.testing.Leases6;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class Binding6Test {
    private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");

    @Test
    void aNewLeaseKeepsTheIdentityAndTheUplink() {
        Binding6 bound = new Binding6(Leases6.IDENTITY, Leases6.bare("fd99::10", T0), "cni0");
        Lease6 renewed = Leases6.bare("fd99::10", T0.plusSeconds(60));

        Binding6 after = bound.withLease(renewed);

        assertEquals(new Binding6(Leases6.IDENTITY, renewed, "cni0"), after);
    }

    @Test
    void theTwoArgumentFormHasNoUplink() {
        assertNull(new Binding6(Leases6.IDENTITY, Leases6.bare("fd99::10", T0)).uplink());
    }

    @Test
    void anUplinkMustBeAnInterfaceName() {
        Lease6 lease = Leases6.bare("fd99::10", T0);
        for (String bad : new String[] {"", "a/b", "br 0", "eth0:1", "sixteen-chars-xx", "..", "é"}) {
            assertThrows(IllegalArgumentException.class, () -> new Binding6(Leases6.IDENTITY, lease, bad), bad);
        }
        assertEquals("br-3f2a.100", new Binding6(Leases6.IDENTITY, lease, "br-3f2a.100").uplink());
    }
}
