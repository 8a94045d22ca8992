package dev.cnidhcp.daemon.lease;

import dev.cnidhcp.daemon.dhcp.ClientOptions;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where a lease lives and how it presents itself: its key, the pod's network namespace (as the daemon
 * sees it, host prefix applied), the client identifier, and the options the client requests and
 * provides.
 */
public record Attachment(LeaseKey key, Path netns, byte[] clientId, ClientOptions options) {
    public Attachment {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(options, "options");
        clientId = clientId.clone();
    }

    @Override
    public byte[] clientId() {
        return clientId.clone();
    }
}
