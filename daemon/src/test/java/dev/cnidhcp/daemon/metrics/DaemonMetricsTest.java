package dev.cnidhcp.daemon.metrics;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DaemonMetricsTest {
    private final DaemonMetrics metrics = new DaemonMetrics();

    @Test
    void everyCounterStartsAtZero() {
        assertEquals(0, metrics.acquisitionsOk() + metrics.acquisitionsFailed() + metrics.renewalsOk()
                + metrics.renewalsFailed() + metrics.naks() + metrics.declines() + metrics.timeouts() + metrics.noOffers()
                + metrics.droppedPacketsTotal());
        assertEquals(Map.of(), metrics.droppedPackets());
        assertEquals(Map.of(), metrics.requests());
        assertEquals(0, metrics.addDurations().count());
        assertTrue(metrics.lastAcquisitionFailure().isEmpty());
    }

    @Test
    void eachMethodCountsItsOwnCounter() {
        metrics.acquired();
        metrics.acquired();
        metrics.renewed();
        metrics.renewalFailed();
        metrics.nak();
        metrics.declined();
        metrics.timeout();
        metrics.timeout();
        metrics.timeout();
        metrics.noOffer();

        assertEquals(2, metrics.acquisitionsOk());
        assertEquals(1, metrics.renewalsOk());
        assertEquals(1, metrics.renewalsFailed());
        assertEquals(1, metrics.naks());
        assertEquals(1, metrics.declines());
        assertEquals(3, metrics.timeouts());
        assertEquals(1, metrics.noOffers());
        assertEquals(0, metrics.acquisitionsFailed());
    }

    @Test
    void failedAcquisitionIsCountedAndTheLastOneKept() {
        Instant first = Instant.parse("2026-01-01T00:00:00Z");
        metrics.acquisitionFailed(first, "container=a ifname=eth0 network=n", "no DHCPOFFER");
        metrics.acquisitionFailed(first.plusSeconds(5), "container=b ifname=eth0 network=n", "DHCPNAK");

        assertEquals(2, metrics.acquisitionsFailed());
        assertEquals(new DaemonMetrics.Failure(first.plusSeconds(5), "container=b ifname=eth0 network=n", "DHCPNAK"),
                metrics.lastAcquisitionFailure().orElseThrow());
    }

    @Test
    void droppedPacketsAreCountedByReason() {
        metrics.droppedPacket("xid");
        metrics.droppedPacket("cookie");
        metrics.droppedPacket("xid");

        assertEquals(Map.of("cookie", 1L, "xid", 2L), metrics.droppedPackets());
        assertEquals(List.of("cookie", "xid"), List.copyOf(metrics.droppedPackets().keySet()), "sorted by reason");
        assertEquals(3, metrics.droppedPacketsTotal());
    }

    @Test
    void requestsAreCountedByCommandAndCode() {
        metrics.request("ADD", 0);
        metrics.request("ADD", 0);
        metrics.request("ADD", 100);
        metrics.request("DEL", 0);

        assertEquals(Map.of(new DaemonMetrics.Request("ADD", 0), 2L, new DaemonMetrics.Request("ADD", 100), 1L,
                new DaemonMetrics.Request("DEL", 0), 1L), metrics.requests());
    }

    @Test
    void addDurationsFallInTheFirstBucketWhoseBoundHoldsThem() {
        metrics.addAnswered(Duration.ofMillis(30));   // <= 0.05
        metrics.addAnswered(Duration.ofMillis(50));   // <= 0.05 (bounds are inclusive)
        metrics.addAnswered(Duration.ofMillis(200));  // <= 0.25
        metrics.addAnswered(Duration.ofSeconds(300)); // above every bound

        DaemonMetrics.Durations d = metrics.addDurations();
        assertArrayEquals(new double[] {0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120}, d.upperBounds());
        assertArrayEquals(new long[] {2, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1}, d.counts());
        assertEquals(4, d.count());
        assertEquals(300.28, d.sumSeconds(), 1e-9);
    }
}
