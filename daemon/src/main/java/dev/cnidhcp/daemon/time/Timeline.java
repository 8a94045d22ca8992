package dev.cnidhcp.daemon.time;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Converts between the monotonic timeline that lease timers run on and wall time, the only time
 * that means anything outside this process: lease records on disk (read back by a daemon started
 * later, maybe after a reboot) and what listings show an operator.
 *
 * <p>A conversion maps an instant by its distance from "now" on each clock, so an instant converted
 * right after a wall-clock step lands where the lease really is: a lease that expires in 50 s on the
 * monotonic clock is recorded as expiring 50 s after the wall clock's "now", whatever that reads.
 * Thread-safe.
 */
public final class Timeline {
    private final Clock monotonic;
    private final Clock wall;

    /**
     * @param monotonic the clock lease times are kept on (a {@link MonotonicClock} in the daemon)
     * @param wall      the clock records and listings use ({@code Clock.systemUTC()} in the daemon)
     */
    public Timeline(Clock monotonic, Clock wall) {
        this.monotonic = monotonic;
        this.wall = wall;
    }

    /** One clock for both (tests, and tools that have no monotonic timeline): conversions are identity. */
    public static Timeline of(Clock clock) {
        return new Timeline(clock, clock);
    }

    public Clock monotonic() {
        return monotonic;
    }

    public Clock wall() {
        return wall;
    }

    /** An instant of the monotonic timeline as wall time, for a record or a listing. */
    public Instant toWall(Instant onTimeline) {
        if (monotonic == wall) {
            return onTimeline;
        }
        return wall.instant().plus(Duration.between(monotonic.instant(), onTimeline));
    }

    /** A wall time (read from a record) on the monotonic timeline: taken as wall time once, here. */
    public Instant fromWall(Instant wallTime) {
        if (monotonic == wall) {
            return wallTime;
        }
        return monotonic.instant().plus(Duration.between(wall.instant(), wallTime));
    }
}
