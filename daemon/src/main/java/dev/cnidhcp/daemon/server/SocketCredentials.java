package dev.cnidhcp.daemon.server;

import dev.cnidhcp.daemon.cni.Peer;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.logging.Logger;

/**
 * Reads SO_PEERCRED (pid, uid, gid) of a connected Unix socket by its descriptor. The JDK's own
 * {@code ExtendedSocketOptions.SO_PEERCRED} gives user and group but not the pid, which the daemon
 * needs to find the caller's network namespace; the socket server holds the descriptor itself
 * ({@link Connection}), so the kernel is asked directly.
 */
public final class SocketCredentials {
    private static final Logger LOG = Logger.getLogger(SocketCredentials.class.getName());

    private SocketCredentials() {
    }

    /** The peer of a connected socket, or {@link Peer#UNKNOWN} when it cannot be read. */
    public static Peer of(int fd) {
        byte[] ucred = new byte[12];
        int[] len = {12};
        if (SocketNative.LIBC.getsockopt(fd, SocketLibC.SOL_SOCKET, SocketLibC.SO_PEERCRED, ucred, len) != 0
                || len[0] != 12) {
            LOG.warning("getsockopt(SO_PEERCRED) failed: errno " + SocketNative.errno());
            return Peer.UNKNOWN;
        }
        ByteBuffer b = ByteBuffer.wrap(ucred).order(ByteOrder.nativeOrder());
        return new Peer(b.getInt(), b.getInt(), b.getInt());
    }
}
