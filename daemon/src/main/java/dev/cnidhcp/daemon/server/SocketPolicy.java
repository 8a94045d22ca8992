package dev.cnidhcp.daemon.server;

import dev.cnidhcp.daemon.cni.Peer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.IntFunction;

/**
 * How the socket server guards itself: the socket file's group ({@link PeerPolicy#NO_GROUP}: mode
 * 0600, else 0660 with that group), who may talk to it, how a peer is identified, and how long a
 * client may take to send its request (from its accept to its half-close); the same time bounds
 * writing the answer. {@code credentials} reads a connected socket's peer by its descriptor.
 */
public record SocketPolicy(int socketGroup, PeerPolicy peers, IntFunction<Peer> credentials,
                           Duration readTimeout) {
    /** Long enough for any plugin on a loaded node; a plugin sends its request right after connecting. */
    public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(10);

    public SocketPolicy {
        if (readTimeout.isNegative() || readTimeout.isZero()) {
            throw new IllegalArgumentException("readTimeout: " + readTimeout + " (expected: positive)");
        }
    }

    /** The daemon's policy: peers by SO_PEERCRED, groups from /proc under {@code hostPrefix}. */
    public static SocketPolicy of(int socketGroup, String hostPrefix) {
        return new SocketPolicy(socketGroup, PeerPolicy.of(ownUid(), socketGroup, hostPrefix), SocketCredentials::of,
                DEFAULT_READ_TIMEOUT);
    }

    /** The daemon's effective user id: the owner of its /proc entry. */
    static int ownUid() {
        try {
            return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        } catch (IOException | RuntimeException e) {
            return 0; // no /proc: only root (and uid 0 peers) is allowed, which is the safe side
        }
    }
}
