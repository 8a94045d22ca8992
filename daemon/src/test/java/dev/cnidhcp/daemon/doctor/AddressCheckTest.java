package dev.cnidhcp.daemon.doctor;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AddressCheckTest {
    private static final HeldLease A = Leases.bound("a", "10.99.0.100", Instant.EPOCH);
    private static final HeldLease B = Leases.bound("b", "10.99.0.101", Instant.EPOCH);
    private static final HeldLease A_AGAIN = Leases.bound("c", "10.99.0.100", Instant.EPOCH);

    @Test
    void twoLeasesOnOneAddressFailNamingBoth() {
        Finding f = AddressCheck.unique(List.of(A, B, A_AGAIN));
        assertEquals(Verdict.FAIL, f.verdict());
        assertTrue(f.saw().contains("10.99.0.100 held by " + A.label() + " and " + A_AGAIN.label()), f.saw());
        assertEquals(Verdict.PASS, AddressCheck.unique(List.of(A, B)).verdict());
    }

    @Test
    void aLeasedSubnetOverlappingADaemonOrConfigExcludeFails() {
        Finding daemon = AddressCheck.excluded(List.of(A), List.of("10.99.0.128/25"), Map.of());
        assertEquals(Verdict.FAIL, daemon.verdict(), "the /24 subnet overlaps even though the address is outside");
        assertTrue(daemon.saw().contains("overlaps 10.99.0.128/25"), daemon.saw());
        Finding config = AddressCheck.excluded(List.of(A), List.of(), Map.of("lan", List.of("10.0.0.0/8")));
        assertEquals(Verdict.FAIL, config.verdict());
        assertEquals(Verdict.PASS, AddressCheck.excluded(List.of(A), List.of("172.30.0.0/16"),
                Map.of("other", List.of("10.99.0.0/16"))).verdict(), "another network's exclude does not apply");
    }

    @Test
    void excludesNotReportedByTheDaemonPassWithANote() {
        Finding f = AddressCheck.excluded(List.of(A), null, Map.of());
        assertEquals(Verdict.PASS, f.verdict());
        assertTrue(f.saw().contains("not reported"), f.saw());
        assertFalse(AddressCheck.excluded(List.of(A), List.of(), Map.of()).saw().contains("not reported"));
    }
}
