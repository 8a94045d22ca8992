package dev.cnidhcp.daemon.netns;

import dev.cnidhcp.daemon.cni.Peer;

import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SocketChannel;
import java.util.logging.Logger;

/**
 * Reads SO_PEERCRED (pid, uid, gid) of a connected Unix socket. The JDK's own
 * {@code ExtendedSocketOptions.SO_PEERCRED} gives user and group but not the pid, which the daemon
 * needs to find the caller's network namespace; so this asks the kernel directly, on the channel's
 * file descriptor (reachable with {@code --add-opens java.base/sun.nio.ch=ALL-UNNAMED}, which the
 * launcher passes).
 */
public final class SocketCredentials {
    private static final Logger LOG = Logger.getLogger(SocketCredentials.class.getName());
    private static final Method FD_VAL = fdValMethod();

    private SocketCredentials() {
    }

    /** The peer of a connected channel, or {@link Peer#UNKNOWN} when it cannot be read. */
    public static Peer of(SocketChannel channel) {
        if (FD_VAL == null) {
            return Peer.UNKNOWN;
        }
        try {
            int fd = (int) FD_VAL.invoke(channel);
            byte[] ucred = new byte[12];
            int[] len = {12};
            if (Native.LIBC.getsockopt(fd, LibC.SOL_SOCKET, LibC.SO_PEERCRED, ucred, len) != 0) {
                LOG.warning("getsockopt(SO_PEERCRED) failed: errno " + Native.errno());
                return Peer.UNKNOWN;
            }
            ByteBuffer b = ByteBuffer.wrap(ucred).order(ByteOrder.nativeOrder());
            return new Peer(b.getInt(), b.getInt(), b.getInt());
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warning("cannot read the peer's credentials: " + e);
            return Peer.UNKNOWN;
        }
    }

    private static Method fdValMethod() {
        try {
            Method m = Class.forName("sun.nio.ch.SelChImpl").getMethod("getFDVal");
            m.setAccessible(true);
            return m;
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warning("peer credentials unavailable (start the JVM with --add-opens java.base/sun.nio.ch=ALL-UNNAMED): "
                    + e);
            return null;
        }
    }
}
