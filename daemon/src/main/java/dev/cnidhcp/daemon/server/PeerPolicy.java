package dev.cnidhcp.daemon.server;

import dev.cnidhcp.daemon.cni.Peer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongFunction;

/**
 * Who may use the daemon's socket, decided from the peer's SO_PEERCRED: root, the daemon's own
 * user, and, with {@code -socketgroup}, a process whose group or one of whose supplementary groups
 * (the {@code Groups:} line of {@code /proc/PID/status}) is that group. Everyone else is refused,
 * and so is a peer whose credentials could not be read.
 */
public final class PeerPolicy {
    /** No {@code -socketgroup}. */
    public static final int NO_GROUP = -1;

    private final int ownUid;
    private final int group;
    private final LongFunction<Set<Integer>> supplementaryGroups;

    /**
     * @param ownUid              the daemon's user id
     * @param group               the {@code -socketgroup} gid, or {@link #NO_GROUP}
     * @param supplementaryGroups a process's supplementary groups by pid (empty when unknown)
     */
    public PeerPolicy(int ownUid, int group, LongFunction<Set<Integer>> supplementaryGroups) {
        this.ownUid = ownUid;
        this.group = group;
        this.supplementaryGroups = supplementaryGroups;
    }

    /** The policy of a daemon running as {@code ownUid}, reading {@code /proc} under {@code hostPrefix}. */
    public static PeerPolicy of(int ownUid, int group, String hostPrefix) {
        return new PeerPolicy(ownUid, group, pid -> readGroups(Path.of(hostPrefix + "/proc/" + pid + "/status")));
    }

    /** Why {@code peer} is refused, or empty when it may use the socket. */
    public Optional<String> refusal(Peer peer) {
        if (peer.uid() < 0) {
            return Optional.of("the caller's credentials (SO_PEERCRED) could not be read, so it is refused");
        }
        if (peer.uid() == 0 || peer.uid() == ownUid) {
            return Optional.empty();
        }
        if (group != NO_GROUP && (peer.gid() == group
                || peer.known() && supplementaryGroups.apply(peer.pid()).contains(group))) {
            return Optional.empty();
        }
        String who = "process " + peer.pid() + " (uid " + peer.uid() + ", gid " + peer.gid() + ")";
        String allowed = "root" + (ownUid != 0 ? ", uid " + ownUid : "")
                + (group != NO_GROUP ? " and members of group " + group : "");
        String how = group != NO_GROUP
                ? "add the user to group " + group + " (then start the process anew), or run it as root"
                : "run it as root, or start the daemon with -socketgroup GROUP and make the user a member of GROUP";
        return Optional.of("permission denied: " + who + " may not use the DHCP daemon (allowed: " + allowed
                + "); " + how);
    }

    /** The supplementary groups from a {@code /proc/PID/status} file; empty when it cannot be read. */
    static Set<Integer> readGroups(Path status) {
        try {
            return parseGroups(Files.readString(status, StandardCharsets.ISO_8859_1));
        } catch (IOException | RuntimeException e) {
            return Set.of();
        }
    }

    /** The numbers of the {@code Groups:} line of a status text ("Groups:\t4 24 27"); empty without one. */
    static Set<Integer> parseGroups(String status) {
        Set<Integer> groups = new HashSet<>();
        for (String line : status.split("\n")) {
            if (line.startsWith("Groups:")) {
                for (String gid : line.substring("Groups:".length()).trim().split("\\s+")) {
                    if (!gid.isEmpty()) {
                        try {
                            groups.add(Integer.parseUnsignedInt(gid));
                        } catch (NumberFormatException e) {
                            // not a number: ignore the entry
                        }
                    }
                }
            }
        }
        return groups;
    }
}
