package dev.cnidhcp.daemon.doctor;

import dev.cnidhcp.daemon.netns.IfInet6;

import java.util.List;

/**
 * What a pod's network namespace shows for one DHCPv6 lease ({@link Pod6Probe}).
 *
 * @param netnsExists     whether the namespace file exists
 * @param interfaceExists whether the lease's interface is in it
 * @param addresses       the interface's IPv6 addresses with their flags ({@code if_inet6})
 */
record Pod6State(boolean netnsExists, boolean interfaceExists, List<IfInet6.Entry> addresses) {
    Pod6State {
        addresses = List.copyOf(addresses);
    }

    static Pod6State noNamespace() {
        return new Pod6State(false, false, List.of());
    }

    static Pod6State noInterface() {
        return new Pod6State(true, false, List.of());
    }
}
