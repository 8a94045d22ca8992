package dev.cnidhcp.daemon.lease;

import dev.cnidhcp.daemon.metrics.DaemonMetrics;

/**
 * What a {@link Lease6Machine} counts, apart from the protocol: its acquisitions, renewals, losses
 * and addresses declined after the kernel's duplicate address detection failed, as the family-6
 * series of {@link DaemonMetrics}.
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

    /** The kernel's duplicate address detection failed for the leased address; it is being declined. */
    void dadFailed() {
        metrics.dadFailed6();
    }
}
