package dev.cnidhcp.daemon.dhcp6;

import java.util.Objects;

/** A lease and the identity it was obtained with. */
public record Binding6(Identity6 identity, Lease6 lease) {
    public Binding6 {
        Objects.requireNonNull(identity, "identity");
        Objects.requireNonNull(lease, "lease");
    }
}
