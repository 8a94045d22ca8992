package dev.cnidhcp.daemon.server;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A listening socket the daemon did not open but inherited as a file descriptor (systemd socket
 * activation passes it as fd 3). {@link #adoptListeningUnix} checks that the descriptor really is a
 * listening AF_UNIX stream socket and serves it as it is: the socket server works on descriptors, so
 * nothing has to be wrapped in a JDK channel (no reflection, no {@code --add-opens}).
 *
 * <p>Why not {@code System.inheritedChannel()}: it only looks at fd 0, and closing the channel it
 * returns points fds 0, 1 and 2 at /dev/null, which would silence the daemon's log (stderr) at exit.
 */
public final class InheritedSocket {
    private InheritedSocket() {
    }

    /**
     * The listening AF_UNIX stream socket at {@code fd}; the descriptor is set close-on-exec (as
     * sd_listen_fds(3) does) and non-blocking (the server polls it).
     *
     * @throws IOException naming what {@code fd} is instead (not open, not a socket, another address
     *                     family or type, not listening)
     */
    static Listener adoptListeningUnix(int fd) throws IOException {
        int domain = intOption(fd, SocketLibC.SO_DOMAIN);
        if (domain != SocketLibC.AF_UNIX) {
            throw new IOException("fd " + fd + " is a socket of address family " + domain
                    + ", not a Unix socket (AF_UNIX " + SocketLibC.AF_UNIX + ")");
        }
        int type = intOption(fd, SocketLibC.SO_TYPE);
        if (type != SocketLibC.SOCK_STREAM) {
            throw new IOException("fd " + fd + " is a Unix socket of type " + type
                    + ", not a stream socket (the socket unit needs ListenStream=)");
        }
        if (intOption(fd, SocketLibC.SO_ACCEPTCONN) == 0) {
            throw new IOException("fd " + fd + " is a Unix stream socket that is not listening");
        }
        SocketLibC libc = SocketNative.LIBC;
        int fdFlags = libc.fcntl(fd, SocketLibC.F_GETFD, 0);
        int statusFlags = libc.fcntl(fd, SocketLibC.F_GETFL, 0);
        if (fdFlags < 0 || statusFlags < 0
                || libc.fcntl(fd, SocketLibC.F_SETFD, fdFlags | SocketLibC.FD_CLOEXEC) != 0
                || libc.fcntl(fd, SocketLibC.F_SETFL, statusFlags | SocketLibC.O_NONBLOCK) != 0) {
            throw SocketNative.failure("fcntl", "fd " + fd);
        }
        return new Listener(fd);
    }

    /** One int-valued SOL_SOCKET option of {@code fd}. */
    private static int intOption(int fd, int option) throws IOException {
        byte[] value = new byte[4];
        int[] len = {4};
        if (SocketNative.LIBC.getsockopt(fd, SocketLibC.SOL_SOCKET, option, value, len) != 0) {
            int errno = SocketNative.errno();
            if (errno == SocketLibC.EBADF) {
                throw new IOException("fd " + fd + " is not open");
            }
            if (errno == SocketLibC.ENOTSOCK) {
                throw new IOException("fd " + fd + " is not a socket");
            }
            throw SocketNative.failure("getsockopt", "fd " + fd, errno);
        }
        return ByteBuffer.wrap(value).order(ByteOrder.nativeOrder()).getInt();
    }
}
