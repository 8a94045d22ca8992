package dev.cnidhcp.daemon.cni;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Maps host paths to the paths the daemon sees: with {@code -hostprefix /host} (a daemon in a
 * container with the host's root mounted there), {@code /run/netns/x} becomes {@code /host/run/netns/x}.
 * CNI_NETNS is mapped (and checked) by {@link NetnsPathPolicy}.
 */
public record HostPaths(String hostPrefix) {
    public HostPaths {
        hostPrefix = hostPrefix == null ? "" : hostPrefix.replaceAll("/+$", "");
    }

    /** The daemon's own network namespace (that of its main thread, which never changes namespace). */
    public static final Path DAEMON_NETNS = Path.of("/proc/self/ns/net");

    /** The network namespace of a process, or null when the process is unknown. */
    public Path netnsOf(Peer peer) {
        return peer.known() ? Path.of(hostPrefix + "/proc/" + peer.pid() + "/ns/net") : null;
    }

    /**
     * A path naming the network namespace of {@code peer} that stays valid after the process exits:
     * the daemon's own namespace when it is that one, else a named namespace (/run/netns,
     * /var/run/netns, under the host prefix) with the same inode, else the process's path (valid only
     * while it lives); null when the peer is unknown.
     */
    public Path durableNetnsOf(Peer peer) {
        Path nsPath = netnsOf(peer);
        if (nsPath == null) {
            return null;
        }
        try {
            Object inode = Files.getAttribute(nsPath, "unix:ino");
            if (inode.equals(Files.getAttribute(DAEMON_NETNS, "unix:ino"))) {
                return DAEMON_NETNS;
            }
            for (Path dir : List.of(Path.of(hostPrefix + "/run/netns"), Path.of(hostPrefix + "/var/run/netns"))) {
                if (!Files.isDirectory(dir)) {
                    continue;
                }
                try (DirectoryStream<Path> names = Files.newDirectoryStream(dir)) {
                    for (Path named : names) {
                        try {
                            if (inode.equals(Files.getAttribute(named, "unix:ino"))) {
                                return named;
                            }
                        } catch (IOException e) {
                            // a name being created or removed: skip it
                        }
                    }
                }
            }
        } catch (IOException | UnsupportedOperationException e) {
            // the process is gone already, or no inodes here: keep its path
        }
        return nsPath;
    }
}
