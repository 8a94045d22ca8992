package dev.cnidhcp.daemon.lease;

import dev.cnidhcp.daemon.dhcp.Lease;

import java.time.Duration;
import java.time.Instant;
import java.util.random.RandomGenerator;

/**
 * When a lease machine ({@link LeaseMachine}, {@link Lease6Machine}) tries again: pure arithmetic on
 * the lease timeline, apart from the transitions that use it.
 */
final class RetryPolicy {
    /** The first pause between attempts to get a lost lease back; doubled each time up to {@code -resendmax}. */
    static final Duration FIRST_BACKOFF = Duration.ofSeconds(4);
    /** The widest window over which leases resumed past T1 spread their first attempt. */
    static final Duration RESUME_SPREAD_MAX = Duration.ofSeconds(30);
    private static final Duration MAX_RETRY_FLOOR = Duration.ofSeconds(60);
    private static final Duration MIN_RETRY_FLOOR = Duration.ofSeconds(1);

    private RetryPolicy() {
    }

    /** At least 60 s between renewal attempts (RFC 2131 4.4.5), less for short leases: 1/16 of the lease, at least 1 s. */
    static Duration retryFloor(Lease lease) {
        return retryFloor(lease.leaseTime());
    }

    /** As {@link #retryFloor(Lease)} for a lease of {@code lifetime} (a DHCPv6 lease's: its valid lifetime). */
    static Duration retryFloor(Duration lifetime) {
        return max(MIN_RETRY_FLOOR, min(MAX_RETRY_FLOOR, lifetime.dividedBy(16)));
    }

    /**
     * The next RENEWING or REBINDING attempt after one failed at {@code now}: half the time left to
     * {@code boundary} (T2 or expiry), no sooner than the retry floor of a lease of {@code lifetime};
     * null when that would not come before the boundary (the boundary's own step comes next).
     */
    static Instant nextAttempt(Instant now, Instant boundary, Duration lifetime) {
        Duration wait = max(Duration.between(now, boundary).dividedBy(2), retryFloor(lifetime));
        Instant next = now.plus(wait);
        return next.isBefore(boundary) ? next : null;
    }

    /** A moment in [now, now + min(RESUME_SPREAD_MAX, (boundary - now) / 4)), drawn from {@code random}. */
    static Instant spread(Instant now, Instant boundary, RandomGenerator random) {
        long window = min(RESUME_SPREAD_MAX, Duration.between(now, boundary).dividedBy(4)).toMillis();
        return window <= 0 ? now : now.plusMillis(random.nextLong(window));
    }

    /** The pause after {@code backoff}: doubled, at most {@code max}. */
    static Duration nextBackoff(Duration backoff, Duration max) {
        return min(backoff.multipliedBy(2), max);
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
}
