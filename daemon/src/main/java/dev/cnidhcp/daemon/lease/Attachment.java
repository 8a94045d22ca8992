package dev.cnidhcp.daemon.lease;

import java.nio.file.Path;

/**
 * Where a lease lives: its key, the pod's network namespace (as the daemon sees it, host prefix
 * applied) and the client identifier to present.
 */
public record Attachment(LeaseKey key, Path netns, byte[] clientId) {
}
