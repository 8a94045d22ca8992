package dev.cnidhcp.daemon.lease;

import dev.cnidhcp.daemon.metrics.DaemonMetrics;
import dev.cnidhcp.daemon.time.Scheduler;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * What every {@link LeaseMachine} of a daemon shares.
 *
 * @param transport      the DHCP exchanges on pod interfaces
 * @param scheduler      the lease timers (never drops one)
 * @param clock          the lease timeline: monotonic in the daemon ({@code MonotonicClock})
 * @param attemptTimeout how long one background exchange may take ({@code -timeout})
 * @param backoffMax     the longest pause between attempts to get a lost lease back ({@code -resendmax})
 * @param journal        where leases are made durable
 * @param metrics        what the machines count
 * @param random         spreads timers that fall due together (at resume); seeded in tests
 * @param transport6     the DHCPv6 exchanges on pod interfaces ({@link Lease6Machine}); {@link NoDhcp6}
 *                       where none is given
 */
public record LeaseContext(LeaseTransport transport, Scheduler scheduler, Clock clock, Duration attemptTimeout,
                           Duration backoffMax, LeaseJournal journal, DaemonMetrics metrics, RandomGenerator random,
                           Lease6Transport transport6) {
    public LeaseContext {
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(transport6, "transport6");
        Objects.requireNonNull(scheduler, "scheduler");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(journal, "journal");
        Objects.requireNonNull(metrics, "metrics");
        Objects.requireNonNull(random, "random");
        if (attemptTimeout.isNegative() || attemptTimeout.isZero()) {
            throw new IllegalArgumentException("attemptTimeout: " + attemptTimeout + " (expected: positive)");
        }
        if (backoffMax.isNegative() || backoffMax.isZero()) {
            throw new IllegalArgumentException("backoffMax: " + backoffMax + " (expected: positive)");
        }
    }

    /** Without DHCPv6 ({@link NoDhcp6}). */
    public LeaseContext(LeaseTransport transport, Scheduler scheduler, Clock clock, Duration attemptTimeout,
                        Duration backoffMax, LeaseJournal journal, DaemonMetrics metrics, RandomGenerator random) {
        this(transport, scheduler, clock, attemptTimeout, backoffMax, journal, metrics, random, new NoDhcp6());
    }

    /** No journal, fresh metrics, an unseeded spread. */
    public static LeaseContext of(LeaseTransport transport, Scheduler scheduler, Clock clock, Duration attemptTimeout,
                                  Duration backoffMax) {
        return new LeaseContext(transport, scheduler, clock, attemptTimeout, backoffMax, LeaseJournal.NONE,
                new DaemonMetrics(), new SplittableRandom());
    }

    public LeaseContext withJournal(LeaseJournal other) {
        return new LeaseContext(transport, scheduler, clock, attemptTimeout, backoffMax, other, metrics, random,
                transport6);
    }

    public LeaseContext withMetrics(DaemonMetrics other) {
        return new LeaseContext(transport, scheduler, clock, attemptTimeout, backoffMax, journal, other, random,
                transport6);
    }

    public LeaseContext withRandom(RandomGenerator other) {
        return new LeaseContext(transport, scheduler, clock, attemptTimeout, backoffMax, journal, metrics, other,
                transport6);
    }

    public LeaseContext withTransport6(Lease6Transport other) {
        return new LeaseContext(transport, scheduler, clock, attemptTimeout, backoffMax, journal, metrics, random,
                other);
    }
}
