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
 * <p>{@code prefixLength} and {@code router} come from the interface's Router Advertisement (RFC
 * 4861) when one arrived within a short wait, else 128 and null. {@code serverUnicast}: option 12
 * (Server Unicast), or null. Times: T1/T2 from the IA_NA (0 means "server left it to the client":
 * 0.5 and 0.8 of the preferred lifetime are used, {@link Dhcp6Messages#leaseOf}), preferred and
 * valid lifetimes from the IAADDR; {@code acquired}: the client's clock when the REPLY arrived.
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
        if (prefixLength < 1 || prefixLength > 128) {
            throw new IllegalArgumentException("prefixLength: " + prefixLength + " (expected: 1..128)");
        }
        if (serverDuid.length < 3 || serverDuid.length > Duids.MAX_DUID) {
            throw new IllegalArgumentException("serverDuid: " + serverDuid.length + " bytes (expected: 3.."
                    + Duids.MAX_DUID + ")");
        }
        if (validLifetime.isNegative() || validLifetime.isZero()) {
            throw new IllegalArgumentException("validLifetime: " + validLifetime + " (expected: positive)");
        }
        if (preferredLifetime.isNegative() || preferredLifetime.compareTo(validLifetime) > 0) {
            throw new IllegalArgumentException("preferredLifetime: " + preferredLifetime + " (expected: 0.."
                    + validLifetime + ")");
        }
        if (renewalTime.isNegative() || renewalTime.compareTo(rebindingTime) > 0) {
            throw new IllegalArgumentException("renewalTime: " + renewalTime + " (expected: 0.." + rebindingTime + ")");
        }
        serverDuid = serverDuid.clone();
        dnsServers = List.copyOf(dnsServers);
        searchDomains = List.copyOf(searchDomains);
    }

    @Override
    public byte[] serverDuid() {
        return serverDuid.clone();
    }

    /** Whether {@code duid} (a SERVERID option's payload) names this lease's server. */
    public boolean fromServer(byte[] duid) {
        return Arrays.equals(serverDuid, duid);
    }

    /** acquired + T1. */
    public Instant renewAt() {
        return acquired.plus(renewalTime);
    }

    /** acquired + T2. */
    public Instant rebindAt() {
        return acquired.plus(rebindingTime);
    }

    /** acquired + valid lifetime. */
    public Instant expiresAt() {
        return acquired.plus(validLifetime);
    }

    /** This lease with what the link's Router Advertisement said (prefix length, default router or null). */
    public Lease6 withLink(int length, Inet6Address defaultRouter) {
        return new Lease6(address, length, defaultRouter, serverDuid, serverUnicast, dnsServers, searchDomains,
                renewalTime, rebindingTime, preferredLifetime, validLifetime, acquired);
    }

    /** {@code address/prefixLength}, without a scope. */
    public String cidr() {
        return Dhcp6Options.text(address) + "/" + prefixLength;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Lease6 l && address.equals(l.address) && prefixLength == l.prefixLength
                && Objects.equals(router, l.router) && Arrays.equals(serverDuid, l.serverDuid)
                && Objects.equals(serverUnicast, l.serverUnicast) && dnsServers.equals(l.dnsServers)
                && searchDomains.equals(l.searchDomains) && renewalTime.equals(l.renewalTime)
                && rebindingTime.equals(l.rebindingTime) && preferredLifetime.equals(l.preferredLifetime)
                && validLifetime.equals(l.validLifetime) && acquired.equals(l.acquired);
    }

    @Override
    public int hashCode() {
        return Objects.hash(address, prefixLength, acquired, Arrays.hashCode(serverDuid));
    }
}
