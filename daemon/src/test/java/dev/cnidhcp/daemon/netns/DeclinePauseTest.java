package dev.cnidhcp.daemon.netns;

import dev.cnidhcp.daemon.dhcp.NoLeaseException;
import dev.cnidhcp.daemon.dhcp.Route;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** RFC 2131 3.1.5: at least 10 s after a DHCPDECLINE before the next attempt, within the ADD's deadline. */
class DeclinePauseTest {
    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
    private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    private final List<Long> sleeps = new ArrayList<>();

    @Test
    void theRfcPauseIsTenSeconds() {
        assertEquals(Duration.ofSeconds(10), DeclinePause.RFC_2131);
    }

    @Test
    void waitsTheWholePauseWhenTheDeadlineAllowsIt() throws Exception {
        new DeclinePause(DeclinePause.RFC_2131, clock).await(NOW.plusSeconds(60), Route.parseAddress("10.99.0.5", "a"),
                sleeps::add);
        assertEquals(List.of(10_000L), sleeps);
    }

    @Test
    void failsAtOnceWithAClearReasonWhenTheDeadlineIsCloserThanThePause() {
        NoLeaseException e = assertThrows(NoLeaseException.class, () -> new DeclinePause(DeclinePause.RFC_2131, clock)
                .await(NOW.plusSeconds(9), Route.parseAddress("10.99.0.5", "a"), sleeps::add));
        assertEquals(List.of(), sleeps, "no pointless wait");
        assertTrue(e.getMessage().contains("10.99.0.5 was in use by another host (ARP) and declined"), e.getMessage());
        assertTrue(e.getMessage().contains("RFC 2131 3.1.5"), e.getMessage());
        assertTrue(e.getMessage().contains("the 9 s left"), e.getMessage());
    }
}
