package dev.cnidhcp.daemon.cni;

import java.nio.file.Path;

/**
 * Maps host paths to the paths the daemon sees: with {@code -hostprefix /host} (a daemon in a
 * container with the host's root mounted there), {@code /run/netns/x} becomes {@code /host/run/netns/x}.
 */
public record HostPaths(String hostPrefix) {
    public HostPaths {
        hostPrefix = hostPrefix == null ? "" : hostPrefix.replaceAll("/+$", "");
    }

    /** The pod's namespace as given by CNI_NETNS, or null when it is empty. */
    public Path netns(String cniNetns) {
        return cniNetns == null || cniNetns.isEmpty() ? null : Path.of(hostPrefix + cniNetns);
    }

    /** The network namespace of a process, or null when the process is unknown. */
    public Path netnsOf(Peer peer) {
        return peer.known() ? Path.of(hostPrefix + "/proc/" + peer.pid() + "/ns/net") : null;
    }
}
