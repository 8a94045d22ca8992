package dev.cnidhcp.daemon.lease;

import java.util.Objects;

/** Identifies one lease: one interface of one container on one network. */
public record LeaseKey(String containerId, String networkName, String ifname) {
    public LeaseKey {
        Objects.requireNonNull(containerId, "containerId");
        Objects.requireNonNull(networkName, "networkName");
        Objects.requireNonNull(ifname, "ifname");
    }

    /** How logs name the lease: {@code container=ID ifname=IF network=NAME}. */
    @Override
    public String toString() {
        return "container=" + containerId + " ifname=" + ifname + " network=" + networkName;
    }
}
