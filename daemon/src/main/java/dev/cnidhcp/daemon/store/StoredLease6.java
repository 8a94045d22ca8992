package dev.cnidhcp.daemon.store;

import dev.cnidhcp.daemon.dhcp6.Binding6;
import dev.cnidhcp.daemon.lease.Attachment;

import java.util.Objects;

/**
 * One DHCPv6 record of the lease store, kept beside (not inside) the attachment's IPv4 record.
 *
 * @param attachment key, namespaces, client id, options, families
 * @param binding    the DUID and IAID, and the lease itself (with the instant of its REPLY)
 */
public record StoredLease6(Attachment attachment, Binding6 binding) {
    public StoredLease6 {
        Objects.requireNonNull(attachment, "attachment");
        Objects.requireNonNull(binding, "binding");
    }
}
