package dev.cnidhcp.daemon.time;

/**
 * A source of elapsed time in nanoseconds that never steps: only differences between two readings
 * mean anything. {@link #SYSTEM} is the JVM's {@code System.nanoTime} ({@code CLOCK_MONOTONIC}); the
 * daemon prefers {@code CLOCK_BOOTTIME}, which also counts the time the machine was suspended, so a
 * lease that ran out during a suspend is seen as run out after the resume (as systemd-networkd's
 * {@code clock_boottime_or_monotonic()}).
 */
@FunctionalInterface
public interface Ticker {
    /** {@code System.nanoTime()}: monotonic, but stops while the machine is suspended. */
    Ticker SYSTEM = System::nanoTime;

    /** Nanoseconds since an arbitrary origin; never goes backwards. */
    long nanos();
}
