package dev.cnidhcp.daemon.doctor;

import dev.cnidhcp.daemon.netns.IfInet6;

import java.util.List;

/**
 * What a pod's network namespace shows for one DHCPv6 lease ({@link Pod6Probe}).
 *
 * @param netnsExists     whether the namespace file exists
 * @param interfaceExists whether the lease's interface is in it
 * @param addresses       the interface's IPv6 addresses with their flags ({@code if_inet6})
 * @param acceptDad       the larger of the interface's and {@code all}'s {@code net.ipv6.conf.*.accept_dad}
 *                        in the pod's namespace: 0 when the kernel does no duplicate address
 *                        detection on it (the bridge plugin sets the interface's to 0 unless its config
 *                        has {@code "enabledad": true}); 1 (the kernel's default) when it could not be read
 */
record Pod6State(boolean netnsExists, boolean interfaceExists, List<IfInet6.Entry> addresses, int acceptDad) {
    /** The kernel's default {@code accept_dad}: duplicate address detection on. */
    static final int KERNEL_DEFAULT_ACCEPT_DAD = 1;

    Pod6State {
        addresses = List.copyOf(addresses);
        if (acceptDad < 0) {
            throw new IllegalArgumentException("acceptDad: " + acceptDad + " (expected: not negative)");
        }
    }

    /** An interface with the kernel's default {@code accept_dad}. */
    Pod6State(boolean netnsExists, boolean interfaceExists, List<IfInet6.Entry> addresses) {
        this(netnsExists, interfaceExists, addresses, KERNEL_DEFAULT_ACCEPT_DAD);
    }

    /** Whether the kernel runs duplicate address detection on the interface ({@code accept_dad} above 0). */
    boolean dadEnabled() {
        return acceptDad > 0;
    }

    static Pod6State noNamespace() {
        return new Pod6State(false, false, List.of());
    }

    static Pod6State noInterface() {
        return new Pod6State(true, false, List.of());
    }
}
