package dev.cnidhcp.daemon.dhcp;

import java.net.Inet4Address;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What a DHCPACK granted: the address and everything the pod needs with it, plus the lease times.
 *
 * @param address       the leased address (yiaddr)
 * @param prefixLength  from option 1
 * @param serverId      option 54, where renewals and releases go
 * @param gateway       the first router of option 3, or null
 * @param routes        option 121 when present, else option 33 plus a default route via the gateway
 * @param dnsServers    option 6
 * @param domain        option 15, or "" when absent
 * @param searchDomains option 119
 * @param leaseTime     option 51
 * @param renewalTime   T1: option 58, else (missing, zero, not below T2) half the lease
 * @param rebindingTime T2: option 59, else (missing, zero, not below the lease) 7/8 of the lease;
 *                      always above T1, so RENEWING always comes before REBINDING
 * @param acquired      when the client first sent the REQUEST that the ACK answers, the start of the
 *                      lease's times (RFC 2131 4.4.1: "the time at which the original request was
 *                      sent"). The first transmission, not the last: the ACK may answer any
 *                      transmission of that REQUEST, and the server counts its lease from when it
 *                      received the one it answered, never before the first was sent; counting from
 *                      the first therefore never lets the client believe in a lease the server has
 *                      already let go, counting from the last or from the ACK's arrival could.
 */
public record Lease(Inet4Address address, int prefixLength, Inet4Address serverId, Inet4Address gateway,
                    List<Route> routes, List<Inet4Address> dnsServers, String domain, List<String> searchDomains,
                    Duration leaseTime, Duration renewalTime, Duration rebindingTime, Instant acquired) {

    public Lease {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(serverId, "serverId");
        if (prefixLength < 0 || prefixLength > 32) {
            throw new IllegalArgumentException("prefixLength: " + prefixLength + " (expected: 0..32)");
        }
        routes = List.copyOf(routes);
        dnsServers = List.copyOf(dnsServers);
        searchDomains = List.copyOf(searchDomains);
        domain = domain == null ? "" : domain;
        if (leaseTime.isNegative() || leaseTime.isZero()) {
            throw new IllegalArgumentException("leaseTime: " + leaseTime + " (expected: positive)");
        }
    }

    /** The same lease with its times counted from {@code other} (a conversion between clocks). */
    public Lease withAcquired(Instant other) {
        return new Lease(address, prefixLength, serverId, gateway, routes, dnsServers, domain, searchDomains,
                leaseTime, renewalTime, rebindingTime, other);
    }

    public Instant renewAt() {
        return acquired.plus(renewalTime);
    }

    public Instant rebindAt() {
        return acquired.plus(rebindingTime);
    }

    public Instant expiresAt() {
        return acquired.plus(leaseTime);
    }

    /** The address in CIDR notation, e.g. {@code 10.1.0.5/24}. */
    public String cidr() {
        return address.getHostAddress() + "/" + prefixLength;
    }
}
