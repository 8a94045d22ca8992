package dev.cnidhcp.daemon.lease;

import dev.cnidhcp.daemon.metrics.DaemonMetrics;

/**
 * What a {@link Lease6Machine} counts, apart from the protocol: its acquisitions, renewals and
 * losses, as the family-6 series of {@link DaemonMetrics}.
 *
 * <p>Threads: called by one machine under its lock; the counters take any thread.
 */
final class Lease6Events implements LeaseCounter {
    private final DaemonMetrics metrics;

    Lease6Events(DaemonMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void acquired() {
        metrics.acquired6();
    }

    @Override
    public void regained() {
        metrics.acquired6();
    }

    @Override
    public void acquisitionFailed(Exception e) {
        metrics.acquisitionFailed6();
    }

    @Override
    public void renewed() {
        metrics.renewed6();
    }

    @Override
    public void renewalFailed() {
        metrics.renewalFailed6();
    }

    void lost() {
        metrics.lost6();
    }
}
