package dev.cnidhcp.daemon.testing;

import dev.cnidhcp.daemon.time.Ticker;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/** A {@link Ticker} that follows {@code System.nanoTime} plus whatever jumps a test adds. */
public final class SteppableTicker implements Ticker {
    private final AtomicLong offset = new AtomicLong();

    @Override
    public long nanos() {
        return System.nanoTime() + offset.get();
    }

    /** Moves the ticker forward at once, as boot time does after a suspend. */
    public void jump(Duration by) {
        offset.addAndGet(by.toNanos());
    }
}
