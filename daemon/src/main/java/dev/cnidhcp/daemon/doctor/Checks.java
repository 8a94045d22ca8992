package dev.cnidhcp.daemon.doctor;

import java.util.List;

/** The names of the checks {@code dhcp doctor} runs, in the order it runs them (docs/runbook.md). */
public final class Checks {
    public static final String CONFIG_FILES = "config.files";
    public static final String CONFIG_PARSE = "config.parse";
    public static final String CONFIG_IPAM = "config.ipam";
    public static final String CONFIG_BINARIES = "config.binaries";
    public static final String DAEMON_STATUS = "daemon.status";
    public static final String DAEMON_SOCKET = "daemon.socket";
    public static final String DAEMON_STATEDIR = "daemon.statedir";
    public static final String LEASE_STATE = "lease.state";
    public static final String LEASE_NETNS = "lease.netns";
    public static final String LEASE_INTERFACE = "lease.interface";
    public static final String LEASE_ADDRESS = "lease.address";
    public static final String LEASE_ROUTES = "lease.routes";
    public static final String LEASE_ARP = "lease.arp";
    public static final String LEASE6_STATE = "lease6.state";
    public static final String LEASE6_ADDRESS = "lease6.address";
    public static final String LEASES_UNIQUE = "leases.unique";
    public static final String LEASES6_UNIQUE = "leases6.unique";
    public static final String LEASES_EXCLUDE = "leases.exclude";
    public static final String NETWORK_FAILURES = "network.failures";

    public static final List<String> ALL = List.of(CONFIG_FILES, CONFIG_PARSE, CONFIG_IPAM, CONFIG_BINARIES,
            DAEMON_STATUS, DAEMON_SOCKET, DAEMON_STATEDIR, LEASE_STATE, LEASE_NETNS, LEASE_INTERFACE,
            LEASE_ADDRESS, LEASE_ROUTES, LEASE_ARP, LEASE6_STATE, LEASE6_ADDRESS, LEASES_UNIQUE, LEASES6_UNIQUE,
            LEASES_EXCLUDE, NETWORK_FAILURES);

    private Checks() {
    }
}
