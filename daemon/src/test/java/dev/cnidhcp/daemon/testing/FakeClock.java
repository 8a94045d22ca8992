package dev.cnidhcp.daemon.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A {@link Clock} that only moves when told: tests set or advance it, and the test peers
 * ({@link ScriptedDhcpServer#receive}, {@link ManualScheduler}) advance it instead of waiting. Thread-safe;
 * {@link #withZone} views share the same time.
 */
public final class FakeClock extends Clock {
    /** Where every test starts unless it says otherwise. */
    public static final Instant START = Instant.parse("2024-05-01T12:00:00Z");

    private final AtomicReference<Instant> now;
    private final ZoneId zone;

    public FakeClock() {
        this(START);
    }

    public FakeClock(Instant start) {
        this(new AtomicReference<>(start), ZoneOffset.UTC);
    }

    private FakeClock(AtomicReference<Instant> now, ZoneId zone) {
        this.now = now;
        this.zone = zone;
    }

    @Override
    public Instant instant() {
        return now.get();
    }

    @Override
    public long millis() {
        return now.get().toEpochMilli();
    }

    @Override
    public ZoneId getZone() {
        return zone;
    }

    @Override
    public Clock withZone(ZoneId other) {
        return other.equals(zone) ? this : new FakeClock(now, other);
    }

    /** Sets the time, forwards or backwards. */
    public void set(Instant instant) {
        now.set(instant);
    }

    /** Moves the time forward to {@code instant}; does nothing when the clock is already past it. */
    public void advanceTo(Instant instant) {
        now.accumulateAndGet(instant, (current, target) -> target.isAfter(current) ? target : current);
    }

    public Instant advance(Duration by) {
        if (by.isNegative()) {
            throw new IllegalArgumentException("advance by " + by + " (expected: not negative)");
        }
        return now.updateAndGet(current -> current.plus(by));
    }

    public Instant advanceMillis(long millis) {
        return advance(Duration.ofMillis(millis));
    }

    /** Time passed since {@code since}, on this clock. */
    public Duration since(Instant since) {
        return Duration.between(since, instant());
    }

    @Override
    public String toString() {
        return "FakeClock[" + now.get() + "]";
    }
}
