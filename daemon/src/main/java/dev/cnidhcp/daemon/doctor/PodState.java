package dev.cnidhcp.daemon.doctor;

import dev.cnidhcp.daemon.dhcp.Route;

import java.net.Inet4Address;
import java.util.List;

/**
 * What a pod's network namespace shows for one lease ({@link PodProbe}).
 *
 * @param netnsExists     whether the namespace file exists
 * @param interfaceExists whether the lease's interface is in it
 * @param address         the interface's IPv4 address, or null when it has none
 * @param routes          the namespace's IPv4 routes through the interface (main table)
 * @param arpClaimant     the MAC of another host that answered ARP for the leased address, or null
 * @param arpError        why the ARP probe could not run, or ""
 */
record PodState(boolean netnsExists, boolean interfaceExists, Inet4Address address, List<Route> routes,
                String arpClaimant, String arpError) {
    PodState {
        routes = List.copyOf(routes);
    }

    static PodState noNamespace() {
        return new PodState(false, false, null, List.of(), null, "");
    }

    static PodState noInterface() {
        return new PodState(true, false, null, List.of(), null, "");
    }
}
