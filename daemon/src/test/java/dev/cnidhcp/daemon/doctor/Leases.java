package dev.cnidhcp.daemon.doctor;

import dev.cnidhcp.daemon.dhcp.Route;

import java.time.Instant;
import java.util.List;

/** Held leases for the tests, as the daemon's LEASES answer would give them. */
final class Leases {
    static final Route DEFAULT = Route.parse("0.0.0.0/0", "10.99.0.1");
    static final Route EXTRA = Route.parse("10.98.0.0/16", "10.99.0.1");

    private Leases() {
    }

    static HeldLease bound(String container, String address, Instant acquired) {
        return new HeldLease(container, "lan", "eth0", "/run/netns/" + container, "bound", false, "",
                Route.parseAddress(address, "a"), 24, Route.parseAddress("10.99.0.1", "gw"), acquired,
                List.of(EXTRA, DEFAULT), List.of());
    }
}
