package dev.cnidhcp.daemon.server;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Creates the listening socket file with its final mode and group from the first moment it has its
 * name: the socket is bound (and listening) inside a fresh private directory (mode 0700, next to the final path),
 * given mode 0600, or 0660 and its group, and only then renamed onto the final path. No other user
 * can connect in between: the JVM has no umask, and a plain bind followed by chmod leaves a window in
 * which the file has the umask's mode.
 */
public final class SocketFile {
    /** Connections the kernel queues before the daemon accepts them (the kernel caps it at somaxconn). */
    static final int BACKLOG = 1024;

    private SocketFile() {
    }

    /**
     * Binds a Unix socket at {@code path}, which must not exist; mode 0600, or 0660 with group
     * {@code gid} when it is not {@link PeerPolicy#NO_GROUP}.
     */
    static Listener bind(Path path, int gid) throws IOException {
        Path parent = path.toAbsolutePath().getParent();
        Path privateDir = privateDirectory(parent);
        Path staging = privateDir.resolve("s");
        int fd = SocketNative.LIBC.socket(SocketLibC.AF_UNIX,
                SocketLibC.SOCK_STREAM | SocketLibC.SOCK_NONBLOCK | SocketLibC.SOCK_CLOEXEC, 0);
        if (fd < 0) {
            Files.deleteIfExists(privateDir);
            throw SocketNative.failure("socket", "AF_UNIX for " + path);
        }
        try {
            byte[] address = Listener.address(staging);
            if (SocketNative.LIBC.bind(fd, address, address.length) != 0) {
                throw SocketNative.failure("bind", staging.toString());
            }
            if (SocketNative.LIBC.listen(fd, BACKLOG) != 0) {
                throw SocketNative.failure("listen", staging.toString());
            }
            if (gid != PeerPolicy.NO_GROUP) {
                Files.setAttribute(staging, "unix:gid", gid);
                Files.setPosixFilePermissions(staging, PosixFilePermissions.fromString("rw-rw----"));
            } else {
                Files.setPosixFilePermissions(staging, PosixFilePermissions.fromString("rw-------"));
            }
            Files.move(staging, path, StandardCopyOption.ATOMIC_MOVE);
            return new Listener(fd);
        } catch (IOException | RuntimeException e) {
            SocketNative.LIBC.close(fd);
            Files.deleteIfExists(staging);
            throw e;
        } finally {
            Files.deleteIfExists(privateDir);
        }
    }

    /**
     * A new directory of mode 0700 (the umask can only take bits away) in {@code parent}, with a
     * short name: a Unix socket's path has at most 107 bytes, and the staging path should not be
     * much longer than the final one.
     */
    static Path privateDirectory(Path parent) throws IOException {
        for (int attempt = 0; ; attempt++) {
            Path dir = parent.resolve(String.format(".s%06x", ThreadLocalRandom.current().nextInt(1 << 24)));
            try {
                return Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString("rwx------")));
            } catch (FileAlreadyExistsException e) {
                if (attempt >= 100) {
                    throw e;
                }
            }
        }
    }
}
