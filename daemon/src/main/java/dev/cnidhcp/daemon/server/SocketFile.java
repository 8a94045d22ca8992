package dev.cnidhcp.daemon.server;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Creates the listening socket file with its final mode and group from the first moment it has its
 * name: the socket is bound inside a fresh private directory (mode 0700, next to the final path),
 * given mode 0600, or 0660 and its group, and only then renamed onto the final path. No other user
 * can connect in between: the JVM has no umask, and a plain bind followed by chmod leaves a window in
 * which the file has the umask's mode.
 */
public final class SocketFile {
    private SocketFile() {
    }

    /**
     * Binds a Unix socket at {@code path}, which must not exist; mode 0600, or 0660 with group
     * {@code gid} when it is not {@link PeerPolicy#NO_GROUP}.
     */
    public static ServerSocketChannel bind(Path path, int gid) throws IOException {
        Path parent = path.toAbsolutePath().getParent();
        Path privateDir = privateDirectory(parent);
        Path staging = privateDir.resolve("s");
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            server.bind(UnixDomainSocketAddress.of(staging));
            if (gid != PeerPolicy.NO_GROUP) {
                Files.setAttribute(staging, "unix:gid", gid);
                Files.setPosixFilePermissions(staging, PosixFilePermissions.fromString("rw-rw----"));
            } else {
                Files.setPosixFilePermissions(staging, PosixFilePermissions.fromString("rw-------"));
            }
            Files.move(staging, path, StandardCopyOption.ATOMIC_MOVE);
            return server;
        } catch (IOException | RuntimeException e) {
            server.close();
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
