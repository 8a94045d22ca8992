package dev.cnidhcp.daemon.metrics;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The daemon's counters, in plain JDK types so that any code can count without a metrics library.
 * One instance per daemon, passed in through constructors; a test passes a fresh one.
 *
 * <p>Threads: every method may be called from any thread at any time and never blocks.
 */
public final class DaemonMetrics {
    private final ConcurrentHashMap<String, LongAdder> dropped = new ConcurrentHashMap<>();

    /** A received DHCP packet was dropped; {@code reason} is a short constant (it becomes a label value). */
    public void droppedPacket(String reason) {
        dropped.computeIfAbsent(reason, r -> new LongAdder()).increment();
    }

    /** Dropped packets by reason, sorted by reason. */
    public Map<String, Long> droppedPackets() {
        Map<String, Long> out = new TreeMap<>();
        dropped.forEach((reason, count) -> out.put(reason, count.sum()));
        return out;
    }

    /** Every dropped packet, whatever the reason. */
    public long droppedPacketsTotal() {
        long total = 0;
        for (LongAdder count : dropped.values()) {
            total += count.sum();
        }
        return total;
    }
}
