package dev.cnidhcp.daemon.lease;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * What {@link AbstractLeaseMachine} needs to know of one address family's lease types: pure
 * functions of them, and how the log names the lease. Each machine has one, as a constant.
 *
 * @param name          how the log names the lease: "lease", "DHCPv6 lease"
 * @param reclaimedWhen when the server takes back a lease that could not be released, for the log
 * @param lease         the lease of a binding
 * @param withLease     the binding with an extended lease
 * @param rebindAt      T2
 * @param expiresAt     the end of the lease (the valid lifetime of a DHCPv6 one)
 * @param lifetime      the lease's length, from which the floor between renewal attempts is derived
 * @param cidr          the address with its prefix length, for the log
 * @param address       the address alone, for the log
 * @param <B>           a lease together with the identity it was granted to
 * @param <L>           the lease itself
 */
record LeaseKind<B, L>(String name, String reclaimedWhen, Function<B, L> lease, BiFunction<B, L, B> withLease,
                       Function<L, Instant> rebindAt, Function<L, Instant> expiresAt, Function<L, Duration> lifetime,
                       Function<L, String> cidr, Function<L, String> address) {
    LeaseKind {
        for (Object part : new Object[] {name, reclaimedWhen, lease, withLease, rebindAt, expiresAt, lifetime, cidr,
                address}) {
            Objects.requireNonNull(part, "every part of a LeaseKind");
        }
    }
}
