package dev.cnidhcp.daemon.dhcp6;

import java.net.Inet6Address;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One DHCPv6 lease of one IA_NA address, as the exchange learnt it.
 *
 * <p>{@code prefixLength} and {@code router} come from the interface's Router Advertisement (RFC 4861)
 * when one arrived within a short wait, else 128 and null. {@code serverUnicast}: option 12 (Server
 * Unicast), or null. Times: T1/T2 from the IA_NA (0 means "server left it to the client": 0.5 and 0.8
 * of the preferred lifetime are used), preferred/valid lifetimes from the IAADDR; {@code acquired}:
 * the client's clock when the REPLY arrived.
 */
public record Lease6(Inet6Address address, int prefixLength, Inet6Address router, byte[] serverDuid,
                     Inet6Address serverUnicast, List<Inet6Address> dnsServers, List<String> searchDomains,
                     Duration renewalTime, Duration rebindingTime, Duration preferredLifetime,
                     Duration validLifetime, Instant acquired) {

    public Lease6 {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(serverDuid, "serverDuid");
        Objects.requireNonNull(renewalTime, "renewalTime");
        Objects.requireNonNull(rebindingTime, "rebindingTime");
        Objects.requireNonNull(preferredLifetime, "preferredLifetime");
        Objects.requireNonNull(validLifetime, "validLifetime");
        Objects.requireNonNull(acquired, "acquired");
        if (address.isLinkLocalAddress() || address.isMulticastAddress() || address.isAnyLocalAddress()) {
            throw new IllegalArgumentException("address: " + address.getHostAddress()
                    + " (expected: a global or unique-local unicast address)");
        }
        if (prefixLength < 1 || prefixLength > 128) {
            throw new IllegalArgumentException("prefixLength: " + prefixLength + " (expected: 1..128)");
        }
        if (serverDuid.length == 0) {
            throw new IllegalArgumentException("serverDuid: empty (expected: the server's DUID)");
        }
        serverDuid = serverDuid.clone();
        dnsServers = List.copyOf(dnsServers);
        searchDomains = List.copyOf(searchDomains);
        requireNotNegative("renewalTime", renewalTime);
        requireNotNegative("rebindingTime", rebindingTime);
        requireNotNegative("preferredLifetime", preferredLifetime);
        if (validLifetime.isNegative() || validLifetime.isZero()) {
            throw new IllegalArgumentException("validLifetime: " + validLifetime + " (expected: positive)");
        }
        if (preferredLifetime.compareTo(validLifetime) > 0) { // RFC 8415 21.6: such an IAADDR is discarded
            throw new IllegalArgumentException("preferredLifetime: " + preferredLifetime
                    + " (expected: at most the valid lifetime " + validLifetime + ")");
        }
        if (!renewalTime.isZero() && !rebindingTime.isZero() && renewalTime.compareTo(rebindingTime) > 0) {
            throw new IllegalArgumentException("renewalTime: " + renewalTime
                    + " (expected: at most the rebinding time " + rebindingTime + ")");
        }
    }

    private static void requireNotNegative(String what, Duration d) {
        if (d.isNegative()) {
            throw new IllegalArgumentException(what + ": " + d + " (expected: not negative)");
        }
    }

    @Override
    public byte[] serverDuid() {
        return serverDuid.clone();
    }

    /** Whether {@code duid} (a SERVERID option's payload) names this lease's server. */
    public boolean fromServer(byte[] duid) {
        return Arrays.equals(serverDuid, duid);
    }

    /** This lease with what the link's Router Advertisement said (prefix length, default router or null). */
    public Lease6 withLink(int length, Inet6Address defaultRouter) {
        return new Lease6(address, length, defaultRouter, serverDuid, serverUnicast, dnsServers, searchDomains,
                renewalTime, rebindingTime, preferredLifetime, validLifetime, acquired);
    }

    /** The same lease acquired at {@code other} (records keep wall time, the machine its own timeline). */
    public Lease6 withAcquired(Instant other) {
        return new Lease6(address, prefixLength, router, serverDuid, serverUnicast, dnsServers, searchDomains,
                renewalTime, rebindingTime, preferredLifetime, validLifetime, other);
    }

    /** T1 as the client uses it: the server's, or half the preferred lifetime when it sent 0. */
    public Duration effectiveRenewalTime() {
        Duration t1 = renewalTime.isZero() ? preferredLifetime.dividedBy(2) : renewalTime;
        return min(t1, validLifetime);
    }

    /** T2 as the client uses it: the server's, or 0.8 of the preferred lifetime when it sent 0. */
    public Duration effectiveRebindingTime() {
        Duration t2 = rebindingTime.isZero() ? preferredLifetime.multipliedBy(4).dividedBy(5) : rebindingTime;
        Duration t1 = effectiveRenewalTime();
        return min(t2.compareTo(t1) < 0 ? t1 : t2, validLifetime);
    }

    /** acquired + T1. */
    public Instant renewAt() {
        return acquired.plus(effectiveRenewalTime());
    }

    /** acquired + T2. */
    public Instant rebindAt() {
        return acquired.plus(effectiveRebindingTime());
    }

    /** acquired + valid lifetime. */
    public Instant expiresAt() {
        return acquired.plus(validLifetime);
    }

    /** The address with its prefix length, e.g. {@code fd99::1234/64}. */
    public String cidr() {
        return Dhcp6Options.text(address) + "/" + prefixLength;
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Lease6 l && prefixLength == l.prefixLength && address.equals(l.address)
                && Objects.equals(router, l.router) && Arrays.equals(serverDuid, l.serverDuid)
                && Objects.equals(serverUnicast, l.serverUnicast) && dnsServers.equals(l.dnsServers)
                && searchDomains.equals(l.searchDomains) && renewalTime.equals(l.renewalTime)
                && rebindingTime.equals(l.rebindingTime) && preferredLifetime.equals(l.preferredLifetime)
                && validLifetime.equals(l.validLifetime) && acquired.equals(l.acquired);
    }

    @Override
    public int hashCode() {
        return Objects.hash(address, prefixLength, router, Arrays.hashCode(serverDuid), acquired);
    }
}
