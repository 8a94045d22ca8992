package dev.cnidhcp.daemon.store;

import dev.cnidhcp.daemon.lease.Attachment;
import dev.cnidhcp.daemon.lease.Binding;

/**
 * One record of the lease store: where the lease lives and what was granted, enough to resume its
 * state machine after a restart.
 *
 * @param attachment key, pod namespace, runtime namespace, client id, options, static routes
 * @param binding    MAC and the lease itself (with the instant it was granted)
 */
public record StoredLease(Attachment attachment, Binding binding) {
}
