package dev.cnidhcp.daemon.netns;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Recognising files by what the kernel says of them, on this process's own namespaces and real files. */
class NamespaceFilesTest {
    private static final String NS = "/proc/" + ProcessHandle.current().pid() + "/ns/";

    @TempDir
    Path dir;

    @Test
    void theProcessesNetworkNamespaceIsOne() throws IOException {
        assertEquals(FileKind.NETWORK_NAMESPACE, NamespaceFiles.examine(Path.of(NS + "net")));
        assertEquals(FileKind.NETWORK_NAMESPACE, NamespaceFiles.examine(Path.of("/proc/self/ns/net")));
    }

    @Test
    void everyOtherNamespaceTypeIsNamed() throws IOException {
        assertEquals(FileKind.MOUNT_NAMESPACE, NamespaceFiles.examine(Path.of(NS + "mnt")));
        assertEquals(FileKind.UTS_NAMESPACE, NamespaceFiles.examine(Path.of(NS + "uts")));
        assertEquals(FileKind.IPC_NAMESPACE, NamespaceFiles.examine(Path.of(NS + "ipc")));
        assertEquals(FileKind.PID_NAMESPACE, NamespaceFiles.examine(Path.of(NS + "pid")));
        assertEquals(FileKind.USER_NAMESPACE, NamespaceFiles.examine(Path.of(NS + "user")));
        assertEquals(FileKind.CGROUP_NAMESPACE, NamespaceFiles.examine(Path.of(NS + "cgroup")));
        assertTrue(FileKind.MOUNT_NAMESPACE.isNamespace());
    }

    @Test
    void filesThatAreNoNamespaceAreNamedByTheirKind() throws Exception {
        assertEquals(FileKind.REGULAR_FILE, NamespaceFiles.examine(Files.writeString(dir.resolve("net"), "x")));
        assertEquals(FileKind.EMPTY_FILE, NamespaceFiles.examine(Files.createFile(dir.resolve("empty"))));
        assertEquals(FileKind.DIRECTORY, NamespaceFiles.examine(dir));
        assertEquals(FileKind.CHARACTER_DEVICE, NamespaceFiles.examine(Path.of("/dev/null")));
        assertTrue(!FileKind.REGULAR_FILE.isNamespace() && !FileKind.EMPTY_FILE.isNamespace());
    }

    /** Opening a FIFO without a writer for reading blocks: neither call may do it. */
    @Test
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void aFifoIsNamedAndNeverOpened() throws Exception {
        Path fifo = dir.resolve("fifo");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start().waitFor());
        assertEquals(FileKind.FIFO, NamespaceFiles.examine(fifo));
        IOException e = assertThrows(IOException.class, () -> NamespaceFiles.openNetworkNamespace(fifo));
        assertEquals(fifo + " is a FIFO, not a network namespace", e.getMessage());
    }

    @Test
    void aMissingFileOrDirectoryIsMissing() throws IOException {
        assertEquals(FileKind.MISSING, NamespaceFiles.examine(dir.resolve("none")));
        assertEquals(FileKind.MISSING, NamespaceFiles.examine(dir.resolve("none/net")));
        Path file = Files.writeString(dir.resolve("file"), "x");
        assertEquals(FileKind.MISSING, NamespaceFiles.examine(file.resolve("net")), "a file on the way");
    }

    @Test
    void onlyANetworkNamespaceIsOpened() throws IOException {
        int fd = NamespaceFiles.openNetworkNamespace(Path.of(NS + "net"));
        assertTrue(fd >= 0);
        assertEquals(0, Native.LIBC.close(fd));
        IOException mnt = assertThrows(IOException.class, () -> NamespaceFiles.openNetworkNamespace(Path.of(NS + "mnt")));
        assertEquals(NS + "mnt is a mount namespace, not a network namespace", mnt.getMessage());
        IOException dev = assertThrows(IOException.class, () -> NamespaceFiles.openNetworkNamespace(Path.of("/dev/null")));
        assertEquals("/dev/null is a character device, not a network namespace", dev.getMessage());
        assertThrows(IOException.class, () -> NamespaceFiles.openNetworkNamespace(dir.resolve("none")));
    }
}
