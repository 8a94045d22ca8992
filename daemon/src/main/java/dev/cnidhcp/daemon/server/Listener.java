package dev.cnidhcp.daemon.server;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A listening AF_UNIX stream socket by its descriptor (non-blocking, close-on-exec): one the daemon
 * bound ({@link SocketFile#bind}) or one it inherited from systemd ({@link InheritedSocket}). Only the
 * {@code cni-io} thread accepts on it; {@link #close} is called once, after that thread has ended.
 */
final class Listener implements AutoCloseable {
    private final int fd;

    Listener(int fd) {
        if (fd < 0) {
            throw new IllegalArgumentException("fd: " + fd + " (expected: >= 0)");
        }
        this.fd = fd;
    }

    int fd() {
        return fd;
    }

    /** The next waiting connection's descriptor (non-blocking, close-on-exec), or -1 when none waits. */
    int accept() throws IOException {
        while (true) {
            int conn = SocketNative.LIBC.accept4(fd, null, null, SocketLibC.SOCK_NONBLOCK | SocketLibC.SOCK_CLOEXEC);
            if (conn >= 0) {
                return conn;
            }
            int errno = SocketNative.errno();
            if (errno == SocketLibC.EAGAIN) {
                return -1;
            }
            if (errno != SocketLibC.EINTR) {
                throw SocketNative.failure("accept4", "listening fd " + fd, errno);
            }
        }
    }

    /** The path the socket is bound to, or empty for an abstract or unnamed socket. */
    Optional<Path> boundPath() {
        byte[] addr = new byte[SocketLibC.SOCKADDR_UN_SIZE];
        int[] len = {addr.length};
        if (SocketNative.LIBC.getsockname(fd, addr, len) != 0 || len[0] <= 2 || addr[2] == 0) {
            return Optional.empty();
        }
        int end = 2;
        while (end < Math.min(len[0], addr.length) && addr[end] != 0) {
            end++;
        }
        return Optional.of(Path.of(new String(addr, 2, end - 2, StandardCharsets.UTF_8)));
    }

    /** A {@code struct sockaddr_un} for {@code path}; a path of more than 107 bytes is refused. */
    static byte[] address(Path path) throws IOException {
        byte[] name = path.toString().getBytes(StandardCharsets.UTF_8);
        if (name.length >= SocketLibC.SOCKADDR_UN_SIZE - 2) {
            throw new IOException("socket path " + path + " is " + name.length
                    + " bytes long; a Unix socket's path has at most 107");
        }
        byte[] addr = new byte[SocketLibC.SOCKADDR_UN_SIZE];
        ByteBuffer.wrap(addr).order(ByteOrder.nativeOrder()).putShort((short) SocketLibC.AF_UNIX);
        System.arraycopy(name, 0, addr, 2, name.length);
        return addr;
    }

    @Override
    public void close() {
        SocketNative.LIBC.close(fd);
    }
}
