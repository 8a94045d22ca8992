package dev.cnidhcp.daemon.store;

import dev.cnidhcp.daemon.lease.Attachment;
import dev.cnidhcp.daemon.lease.Binding;

/**
 * One record of the lease store: where the lease lives and what was granted, enough to resume its
 * state machine after a restart.
 *
 * @param attachment   key, pod namespace, client id and options
 * @param binding      MAC and the lease itself (with the instant it was granted)
 * @param runtimeNetns the namespace the ADD came from ("" when unknown), for releases when the pod is gone
 */
public record StoredLease(Attachment attachment, Binding binding, String runtimeNetns) {
    public StoredLease {
        runtimeNetns = runtimeNetns == null ? "" : runtimeNetns;
    }
}
