package dev.cnidhcp.daemon.netns;

import java.io.FileDescriptor;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.ProtocolFamily;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.spi.SelectorProvider;

/**
 * A listening socket the daemon did not open but inherited as a file descriptor (systemd socket
 * activation passes it as fd 3). {@link #adoptListeningUnix} checks that the descriptor really is a
 * listening AF_UNIX stream socket and wraps it as a {@link ServerSocketChannel}.
 *
 * <p>Why not {@code System.inheritedChannel()}: it only looks at fd 0, and closing the channel it
 * returns points fds 0, 1 and 2 at /dev/null, which would silence the daemon's log (stderr) at exit.
 * The channel is made the way the JDK makes that one, by the constructor of
 * {@code sun.nio.ch.ServerSocketChannelImpl} for an existing bound descriptor (reachable with
 * {@code --add-opens java.base/sun.nio.ch=ALL-UNNAMED}, which the launcher passes).
 */
public final class InheritedSocket {
    private InheritedSocket() {
    }

    /**
     * The listening AF_UNIX stream socket at {@code fd} as a blocking channel; the descriptor is set
     * close-on-exec (as sd_listen_fds(3) does) and blocking.
     *
     * @throws IOException naming what {@code fd} is instead (not open, not a socket, another address
     *                     family or type, not listening), or why the JVM cannot wrap it
     */
    public static ServerSocketChannel adoptListeningUnix(int fd) throws IOException {
        int domain = intOption(fd, LibC.SO_DOMAIN);
        if (domain != LibC.AF_UNIX) {
            throw new IOException("fd " + fd + " is a socket of address family " + domain
                    + ", not a Unix socket (AF_UNIX " + LibC.AF_UNIX + ")");
        }
        int type = intOption(fd, LibC.SO_TYPE);
        if (type != LibC.SOCK_STREAM) {
            throw new IOException("fd " + fd + " is a Unix socket of type " + type
                    + ", not a stream socket (the socket unit needs ListenStream=)");
        }
        if (intOption(fd, LibC.SO_ACCEPTCONN) == 0) {
            throw new IOException("fd " + fd + " is a Unix stream socket that is not listening");
        }
        LibC libc = Native.LIBC;
        int fdFlags = libc.fcntl(fd, LibC.F_GETFD, 0);
        int statusFlags = libc.fcntl(fd, LibC.F_GETFL, 0);
        if (fdFlags < 0 || statusFlags < 0
                || libc.fcntl(fd, LibC.F_SETFD, fdFlags | LibC.FD_CLOEXEC) != 0
                || libc.fcntl(fd, LibC.F_SETFL, statusFlags & ~LibC.O_NONBLOCK) != 0) {
            throw Native.failure("fcntl", "fd " + fd);
        }
        return wrap(fd);
    }

    /** One int-valued SOL_SOCKET option of {@code fd}. */
    private static int intOption(int fd, int option) throws IOException {
        byte[] value = new byte[4];
        int[] len = {4};
        if (Native.LIBC.getsockopt(fd, LibC.SOL_SOCKET, option, value, len) != 0) {
            int errno = Native.errno();
            if (errno == LibC.EBADF) {
                throw new NativeException("fd " + fd + " is not open", errno);
            }
            if (errno == LibC.ENOTSOCK) {
                throw new NativeException("fd " + fd + " is not a socket", errno);
            }
            throw Native.failure("getsockopt", "fd " + fd);
        }
        return ByteBuffer.wrap(value).order(ByteOrder.nativeOrder()).getInt();
    }

    private static ServerSocketChannel wrap(int fd) throws IOException {
        try {
            Method newFd = Class.forName("sun.nio.ch.IOUtil").getMethod("newFD", int.class);
            newFd.setAccessible(true);
            Constructor<?> bound = Class.forName("sun.nio.ch.ServerSocketChannelImpl").getDeclaredConstructor(
                    SelectorProvider.class, ProtocolFamily.class, FileDescriptor.class, boolean.class);
            bound.setAccessible(true);
            return (ServerSocketChannel) bound.newInstance(SelectorProvider.provider(), StandardProtocolFamily.UNIX,
                    newFd.invoke(null, fd), true);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IOException("cannot wrap fd " + fd + " as a channel: " + e.getCause(), e.getCause());
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IOException("cannot wrap fd " + fd + " as a channel (start the JVM with --add-opens"
                    + " java.base/sun.nio.ch=ALL-UNNAMED, as dist/bin/dhcp does): " + e, e);
        }
    }
}
