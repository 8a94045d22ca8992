package dev.cnidhcp.daemon.metrics;

import java.time.Duration;
import java.util.concurrent.atomic.LongAdder;

/**
 * Durations counted into fixed buckets (upper bounds in seconds, plus one bucket above them all)
 * with their sum: what a Prometheus classic histogram needs. Thread-safe, never blocks.
 */
final class DurationHistogram {
    private final double[] upperBounds;
    private final LongAdder[] buckets;
    private final LongAdder nanos = new LongAdder();

    DurationHistogram(double... upperBounds) {
        for (int i = 1; i < upperBounds.length; i++) {
            if (upperBounds[i] <= upperBounds[i - 1]) {
                throw new IllegalArgumentException("upperBounds: not increasing at " + upperBounds[i]);
            }
        }
        this.upperBounds = upperBounds.clone();
        this.buckets = new LongAdder[upperBounds.length + 1];
        for (int i = 0; i < buckets.length; i++) {
            buckets[i] = new LongAdder();
        }
    }

    void record(Duration took) {
        double seconds = took.toNanos() / 1e9;
        int bucket = 0;
        while (bucket < upperBounds.length && seconds > upperBounds[bucket]) {
            bucket++;
        }
        buckets[bucket].increment();
        nanos.add(took.toNanos());
    }

    DaemonMetrics.Durations snapshot() {
        long[] counts = new long[buckets.length];
        long count = 0;
        for (int i = 0; i < counts.length; i++) {
            counts[i] = buckets[i].sum();
            count += counts[i];
        }
        return new DaemonMetrics.Durations(upperBounds.clone(), counts, count, nanos.sum() / 1e9);
    }
}
