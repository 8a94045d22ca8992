package dev.cnidhcp.daemon.time;

import dev.cnidhcp.daemon.testing.FakeClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@link MonotonicClock} and {@link Timeline}: intervals ignore wall-clock steps; records keep wall time. */
class TimelineTest {
    private final AtomicLong nanos = new AtomicLong(123_456_789L);
    private final FakeClock wall = new FakeClock();
    private final MonotonicClock clock = MonotonicClock.start(wall, nanos::get);
    private final Timeline timeline = new Timeline(clock, wall);

    @Test
    void startsAtTheWallTimeAndThenFollowsOnlyTheTicker() {
        assertEquals(FakeClock.START, clock.instant());
        nanos.addAndGet(Duration.ofSeconds(30).toNanos());
        assertEquals(FakeClock.START.plusSeconds(30), clock.instant());
    }

    @Test
    void wallClockStepsForwardAndBackDoNotMoveIt() {
        Instant before = clock.instant();
        wall.advance(Duration.ofHours(6));
        assertEquals(before, clock.instant());
        wall.set(FakeClock.START.minus(Duration.ofHours(6)));
        assertEquals(before, clock.instant());
    }

    @Test
    void aTimeIsRecordedAsWallTimeAtTheSameDistanceFromNow() {
        Instant expiresOnTimeline = clock.instant().plusSeconds(50);
        wall.advance(Duration.ofHours(3)); // NTP's first sync steps the wall clock

        assertEquals(wall.instant().plusSeconds(50), timeline.toWall(expiresOnTimeline));
    }

    @Test
    void aRecordedWallTimeIsTakenOnceAndConvertedToTheTimeline() {
        Instant recordedExpiry = wall.instant().plusSeconds(80);
        nanos.addAndGet(Duration.ofSeconds(5).toNanos());
        wall.advance(Duration.ofSeconds(20)); // wall and timeline now disagree by 15 s

        Instant onTimeline = timeline.fromWall(recordedExpiry);

        assertEquals(Duration.ofSeconds(60), Duration.between(clock.instant(), onTimeline),
                "80 s after the record, which is 20 s of wall time ago");
        assertEquals(recordedExpiry, timeline.toWall(onTimeline), "and back");
    }

    @Test
    void oneClockForBothConvertsNothing() {
        Timeline same = Timeline.of(wall);
        Instant t = Instant.parse("2030-01-01T00:00:00Z");
        assertEquals(t, same.toWall(t));
        assertEquals(t, same.fromWall(t));
    }
}
