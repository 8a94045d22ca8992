package dev.cnidhcp.daemon.lease;

import dev.cnidhcp.daemon.dhcp.ClientIdentity;
import dev.cnidhcp.daemon.dhcp.Lease;

/** A lease together with the identity (MAC and client id) it was granted to. */
public record Binding(ClientIdentity identity, Lease lease) {
}
