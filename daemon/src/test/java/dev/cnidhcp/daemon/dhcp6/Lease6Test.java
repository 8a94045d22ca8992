package dev.cnidhcp.daemon.dhcp6;

import dev.cnidhcp.daemon.testing.Leases6;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static dev.cnidhcp.daemon.testing.Leases6.ip6;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Lease6Test {
    private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");

    private static Lease6 withTimes(long t1, long t2, long preferred, long valid) {
        return new Lease6(ip6("fd99::10"), 128, null, Leases6.SERVER_DUID, null, List.of(), List.of(),
                Duration.ofSeconds(t1), Duration.ofSeconds(t2), Duration.ofSeconds(preferred),
                Duration.ofSeconds(valid), T0);
    }

    @Test
    void timersCountFromTheReplyWithTheServersT1AndT2() {
        Lease6 lease = withTimes(100, 160, 200, 400);
        assertEquals(T0.plusSeconds(100), lease.renewAt());
        assertEquals(T0.plusSeconds(160), lease.rebindAt());
        assertEquals(T0.plusSeconds(400), lease.expiresAt());
    }

    @Test
    void zeroT1AndT2AreHalfAndFourFifthsOfThePreferredLifetime() {
        Lease6 lease = withTimes(0, 0, 1000, 2000);
        assertEquals(T0.plusSeconds(500), lease.renewAt());
        assertEquals(T0.plusSeconds(800), lease.rebindAt());
    }

    @Test
    void timersNeverPassTheValidLifetime() {
        Lease6 lease = withTimes(500, 900, 300, 300);
        assertEquals(T0.plusSeconds(300), lease.renewAt());
        assertEquals(T0.plusSeconds(300), lease.rebindAt());
    }

    @Test
    void preferredLongerThanValidIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> withTimes(1, 2, 500, 400));
        assertTrue(e.getMessage().contains("preferredLifetime"), e.getMessage());
    }

    @Test
    void t1AfterT2IsRefused() {
        assertThrows(IllegalArgumentException.class, () -> withTimes(200, 100, 300, 400));
    }

    @Test
    void linkLocalAddressIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Lease6(ip6("fe80::5"), 64, null, Leases6.SERVER_DUID,
                null, List.of(), List.of(), Duration.ZERO, Duration.ZERO, Duration.ofSeconds(1), Duration.ofSeconds(2), T0));
    }

    @Test
    void prefixLengthOutsideOneTo128IsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Lease6(ip6("fd99::5"), 129, null, Leases6.SERVER_DUID,
                null, List.of(), List.of(), Duration.ZERO, Duration.ZERO, Duration.ofSeconds(1), Duration.ofSeconds(2), T0));
    }

    @Test
    void serverDuidIsCopiedInAndOut() {
        byte[] duid = {0, 3, 0, 1, 9, 9, 9, 9, 9, 9};
        Lease6 lease = new Lease6(ip6("fd99::5"), 128, null, duid, null, List.of(), List.of(), Duration.ZERO,
                Duration.ZERO, Duration.ofSeconds(1), Duration.ofSeconds(2), T0);
        duid[4] = 0;
        assertEquals(9, lease.serverDuid()[4]);
        lease.serverDuid()[4] = 0;
        assertEquals(9, lease.serverDuid()[4]);
    }

    @Test
    void identitiesAreEqualByContent() {
        assertEquals(new Identity6(new byte[] {0, 3, 1, 2}, 7), new Identity6(new byte[] {0, 3, 1, 2}, 7));
        assertEquals(new Identity6(new byte[] {0, 3, 1, 2}, 7).hashCode(), new Identity6(new byte[] {0, 3, 1, 2}, 7).hashCode());
        assertNotEquals(new Identity6(new byte[] {0, 3, 1, 2}, 7), new Identity6(new byte[] {0, 3, 1, 2}, 8));
    }

    @Test
    void aDuidTooShortOrTooLongIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Identity6(new byte[2], 1));
        assertThrows(IllegalArgumentException.class, () -> new Identity6(new byte[133], 1));
    }
}
