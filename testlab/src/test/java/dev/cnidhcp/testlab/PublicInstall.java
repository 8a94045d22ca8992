package dev.cnidhcp.testlab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The built distribution installed (by its own {@code lib/install-dist}, as {@code make install} does)
 * in a temporary directory every user can traverse, so that a test can run the plugin as another user
 * wherever the checkout lives: under {@code /root} (mode 0700) that user could not even reach it.
 * Removed again by {@link #close()}. Made and closed by the test class that owns it, on its thread.
 */
final class PublicInstall implements AutoCloseable {
    private final Path dir;
    /** The installed launcher, {@code bin/dhcp}. */
    final Path dhcp;

    private PublicInstall(Path dir) {
        this.dir = dir;
        this.dhcp = dir.resolve("cni-dhcp/bin/dhcp");
    }

    /** Installs {@code dist} (a built dist/ directory) in a new world-readable temporary directory. */
    static PublicInstall of(Path dist) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("cni-dhcp-public");
        PublicInstall install = new PublicInstall(dir);
        try {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
            for (Path p = dir.toRealPath().getParent(); p != null; p = p.getParent()) {
                if (!Files.getPosixFilePermissions(p).contains(PosixFilePermission.OTHERS_EXECUTE)) {
                    throw new IOException(p + " is not traversable by other users; point java.io.tmpdir elsewhere");
                }
            }
            Command.run(List.of(dist.resolve("lib/install-dist").toString(), dir.resolve("cni-dhcp").toString()),
                    Map.of(), "", 120).expectSuccess();
            return install;
        } catch (IOException | InterruptedException | RuntimeException | Error e) {
            install.close();
            throw e;
        }
    }

    /** Removes the directory and everything in it. */
    @Override
    public void close() throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
