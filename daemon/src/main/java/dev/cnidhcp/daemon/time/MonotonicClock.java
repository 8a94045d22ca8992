package dev.cnidhcp.daemon.time;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * The daemon's timeline for intervals: instants that advance with a {@link Ticker} and never step,
 * whatever happens to the wall clock (NTP's first sync, an operator's {@code date -s}, a VM restored
 * from a snapshot). It reads as the wall time at which it was started plus the ticks since, so its
 * instants look like wall time in logs while the wall clock has not been stepped; they are converted
 * to wall time ({@link Timeline}) wherever a time is recorded or shown.
 *
 * <p>Lease timers (T1, T2, expiry), retransmission and every deadline run on this clock; only lease
 * records and listings use wall time. Thread-safe and immutable.
 */
public final class MonotonicClock extends Clock {
    private final Instant origin;
    private final long originNanos;
    private final Ticker ticker;

    private MonotonicClock(Instant origin, long originNanos, Ticker ticker) {
        this.origin = origin;
        this.originNanos = originNanos;
        this.ticker = ticker;
    }

    /** A clock that starts at {@code wall}'s time now and from then on follows {@code ticker} only. */
    public static MonotonicClock start(Clock wall, Ticker ticker) {
        return new MonotonicClock(wall.instant(), ticker.nanos(), ticker);
    }

    @Override
    public Instant instant() {
        return origin.plusNanos(ticker.nanos() - originNanos);
    }

    @Override
    public long millis() {
        return instant().toEpochMilli();
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    /** Always UTC: this clock has no use for zones. */
    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }

    @Override
    public String toString() {
        return "MonotonicClock[" + instant() + "]";
    }
}
