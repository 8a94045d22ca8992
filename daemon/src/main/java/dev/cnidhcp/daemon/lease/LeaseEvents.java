package dev.cnidhcp.daemon.lease;

import dev.cnidhcp.daemon.dhcp.NoLeaseException;
import dev.cnidhcp.daemon.metrics.DaemonMetrics;

/**
 * What a {@link LeaseMachine} counts, apart from the protocol: the IPv4 series of
 * {@link DaemonMetrics}, with the network's last ADD and last failure for STATUS.
 *
 * <p>Threads: called by one machine under its lock; the counters take any thread.
 */
final class LeaseEvents implements LeaseCounter {
    private final LeaseContext context;
    private final LeaseKey key;

    /** Counts in the context's metrics, at the instants of its clock, for the attachment {@code key}. */
    LeaseEvents(LeaseContext context, LeaseKey key) {
        this.context = context;
        this.key = key;
    }

    @Override
    public void acquired() {
        context.metrics().added(context.clock().instant(), key.networkName());
    }

    @Override
    public void regained() {
        context.metrics().acquired();
    }

    @Override
    public void acquisitionFailed(Exception e) {
        context.metrics().acquisitionFailed(context.clock().instant(), key.networkName(), key.toString(), LeaseMachine.describe(e),
                e instanceof NoLeaseException refused && refused.noOffer());
    }

    @Override
    public void renewed() {
        context.metrics().renewed();
    }

    @Override
    public void renewalFailed() {
        context.metrics().renewalFailed();
    }

    /** A DHCPNAK refused the lease (the NAK itself is counted where it arrived). */
    void refused() {
        context.metrics().nakOf(key.networkName());
    }
}
