package dev.cnidhcp.daemon.admin;

import dev.cnidhcp.wire.AdminCommand;
import dev.cnidhcp.wire.WireResponse;

/**
 * Answers the read-only admin requests ({@link AdminCommand}) that {@code dhcp leases} and
 * {@code dhcp status} send over the daemon's socket: exit code 0 and a JSON document.
 */
public final class AdminRequests {
    private final LeaseListing listing;
    private final DaemonStatus status;

    public AdminRequests(LeaseListing listing, DaemonStatus status) {
        this.listing = listing;
        this.status = status;
    }

    /** The answer to an admin command; {@code command} must satisfy {@link AdminCommand#isAdmin}. */
    public WireResponse answer(String command) {
        return switch (command) {
            case AdminCommand.LEASES -> new WireResponse(0, listing.json());
            case AdminCommand.DAEMON_STATUS -> new WireResponse(0, status.json());
            default -> throw new IllegalArgumentException("command: " + command + " (expected: an admin command)");
        };
    }
}
