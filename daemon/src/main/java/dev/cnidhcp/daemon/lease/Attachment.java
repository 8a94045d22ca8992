package dev.cnidhcp.daemon.lease;

import dev.cnidhcp.daemon.dhcp.ClientOptions;
import dev.cnidhcp.daemon.dhcp.Route;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Where a lease lives and how it presents itself: its key, the pod's network namespace (as the daemon
 * sees it, host prefix applied), the client identifier, and the options the client requests and
 * provides, and the static routes of the config ({@code ipam.routes}), which the pod got with the
 * lease's and which the daemon puts back when it brings the link up again after a lost lease.
 */
public record Attachment(LeaseKey key, Path netns, byte[] clientId, ClientOptions options, List<Route> staticRoutes) {
    public Attachment {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(options, "options");
        clientId = clientId.clone();
        staticRoutes = List.copyOf(staticRoutes);
    }

    /** An attachment without static routes. */
    public Attachment(LeaseKey key, Path netns, byte[] clientId, ClientOptions options) {
        this(key, netns, clientId, options, List.of());
    }

    @Override
    public byte[] clientId() {
        return clientId.clone();
    }
}
