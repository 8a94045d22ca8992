package dev.cnidhcp.testlab;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** What the machine running the lab tests can do. */
final class LabHost {
    /** Set by testlab/scripts/fresh-machine.sh for the {@code make test} it runs in its chroot. */
    static final String IN_CHROOT = "CNI_DHCP_LAB_IN_CHROOT";

    private LabHost() {
    }

    /**
     * Skips a test that runs a container runtime (podman, systemd-nspawn) when the lab runs inside
     * {@code make fresh-machine}'s chroot: there /sys is this machine's, mounted for its own network
     * namespace, and no init owns the cgroups, so containers see the host's interfaces and a booted
     * machine never leaves "offline". A chroot is not a machine; `make test` on one runs them.
     */
    static void assumeContainerRuntimesWork() {
        assumeTrue(System.getenv(IN_CHROOT) == null,
                "container runtimes are not run inside make fresh-machine's chroot (" + IN_CHROOT + " set)");
    }
}
