package dev.cnidhcp.daemon.netns;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Recognising a network namespace file by its file system, on this process's own namespaces. */
class NamespaceFilesTest {
    @TempDir
    Path dir;

    @Test
    void theProcessesNetworkNamespaceIsOne() throws IOException {
        assertTrue(NamespaceFiles.isNetworkNamespace(Path.of("/proc/" + ProcessHandle.current().pid() + "/ns/net")));
    }

    @Test
    void anotherKindOfNamespaceIsNot() throws IOException {
        assertFalse(NamespaceFiles.isNetworkNamespace(Path.of("/proc/" + ProcessHandle.current().pid() + "/ns/uts")));
    }

    @Test
    void aRegularFileIsNot() throws IOException {
        assertFalse(NamespaceFiles.isNetworkNamespace(Files.writeString(dir.resolve("net"), "x")));
        assertFalse(NamespaceFiles.isNetworkNamespace(Path.of("/proc/self/status")));
    }

    @Test
    void aMissingFileCannotBeExamined() {
        assertThrows(IOException.class, () -> NamespaceFiles.isNetworkNamespace(dir.resolve("none")));
    }
}
