package dev.cnidhcp.daemon.testing;

import dev.cnidhcp.daemon.config.Route6;
import dev.cnidhcp.daemon.dhcp6.Identity6;
import dev.cnidhcp.daemon.dhcp6.Lease6;

import java.net.Inet6Address;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** DHCPv6 leases and identities for tests. */
public final class Leases6 {
    /** A DUID-LL (type 3, hardware type 1) of 02:00:00:00:00:01. */
    public static final Identity6 IDENTITY = new Identity6(new byte[] {0, 3, 0, 1, 2, 0, 0, 0, 0, 1}, 0x1234abcd);
    public static final byte[] SERVER_DUID = {0, 3, 0, 1, 2, 0, 0, 0, 0, 2};

    private Leases6() {
    }

    public static Inet6Address ip6(String text) {
        return Route6.parseAddress(text, "test");
    }

    /**
     * {@code address}/64 via fe80::1 with one name server and one search domain; T1 30 min, T2 48 min,
     * preferred 1 h, valid 2 h.
     */
    public static Lease6 lease(String address, Instant acquired) {
        return new Lease6(ip6(address), 64, ip6("fe80::1"), SERVER_DUID, null, List.of(ip6("fd99::53")),
                List.of("v6.example.org"), Duration.ofMinutes(30), Duration.ofMinutes(48), Duration.ofHours(1),
                Duration.ofHours(2), acquired);
    }

    /** {@code address}/128 without router, DNS or search list (no Router Advertisement arrived). */
    public static Lease6 bare(String address, Instant acquired) {
        return new Lease6(ip6(address), 128, null, SERVER_DUID, null, List.of(), List.of(), Duration.ofMinutes(30),
                Duration.ofMinutes(48), Duration.ofHours(1), Duration.ofHours(2), acquired);
    }
}
