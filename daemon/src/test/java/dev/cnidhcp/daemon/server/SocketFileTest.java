package dev.cnidhcp.daemon.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SocketFileTest {
    @TempDir
    Path dir;

    private List<Path> files() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.toList();
        }
    }

    @Test
    void socketIsMode0600AndNoStagingDirectoryIsLeft() throws IOException {
        Path path = dir.resolve("dhcp.sock");
        try (Listener ignored = SocketFile.bind(path, PeerPolicy.NO_GROUP)) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(path)));
            assertEquals(List.of(path), files());
        }
    }

    @Test
    void socketGroupGivesMode0660AndThatGroup() throws IOException {
        int gid = (Integer) Files.getAttribute(dir, "unix:gid");
        Path path = dir.resolve("dhcp.sock");
        try (Listener ignored = SocketFile.bind(path, gid)) {
            assertEquals("rw-rw----", PosixFilePermissions.toString(Files.getPosixFilePermissions(path)));
            assertEquals(gid, Files.getAttribute(path, "unix:gid"));
            assertEquals(List.of(path), files());
        }
    }

    @Test
    void theStagingDirectoryIsPrivateAndItsNameShort() throws IOException {
        Path staging = SocketFile.privateDirectory(dir);
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(staging)));
        assertEquals(8, staging.getFileName().toString().length());
    }
}
