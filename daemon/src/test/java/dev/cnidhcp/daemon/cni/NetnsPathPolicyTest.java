package dev.cnidhcp.daemon.cni;

import dev.cnidhcp.cni.CniException;
import dev.cnidhcp.cni.ErrorCode;
import dev.cnidhcp.daemon.netns.FileKind;
import dev.cnidhcp.daemon.netns.NamespaceFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The CNI_NETNS rule on real files: this process's own namespaces, files of every kind in a temporary
 * directory, {@code /dev/null}. Under a host prefix (a temporary directory standing for the host's
 * root), files named {@code ns-*} stand for network namespaces, since none can be made there without
 * root; everything else is examined for real.
 */
class NetnsPathPolicyTest {
    private static final long PID = ProcessHandle.current().pid();

    @TempDir
    Path dir;

    private static NetnsPathPolicy real() {
        return NetnsPathPolicy.of(new HostPaths(""));
    }

    /** Under a host prefix: {@code ns-*} files are network namespaces, the rest is examined for real. */
    private NetnsPathPolicy underPrefix() {
        return new NetnsPathPolicy(new HostPaths(dir.toString()), file -> file.getFileName().toString().startsWith("ns-")
                && Files.isRegularFile(file) ? FileKind.NETWORK_NAMESPACE : NamespaceFiles.examine(file));
    }

    private Path hostFile(String hostPath, String content) throws IOException {
        Path p = dir.resolve(hostPath.substring(1));
        Files.createDirectories(p.getParent());
        return Files.writeString(p, content);
    }

    private static CniException refused(NetnsPathPolicy policy, String cniNetns, String why) {
        CniException e = assertThrows(CniException.class, () -> policy.check(cniNetns));
        assertEquals(ErrorCode.INVALID_ENVIRONMENT, e.code());
        assertTrue(e.getMessage().startsWith("CNI_NETNS " + cniNetns + " "), e.getMessage());
        assertTrue(e.getMessage().contains(why), e.getMessage());
        assertTrue(e.getMessage().contains("expected: an absolute path to a network namespace file"), e.getMessage());
        return e;
    }

    private static CniException refusedForDel(NetnsPathPolicy policy, String cniNetns, String why) {
        CniException e = assertThrows(CniException.class, () -> policy.checkForDel(cniNetns));
        assertEquals(ErrorCode.INVALID_ENVIRONMENT, e.code());
        assertTrue(e.getMessage().contains(cniNetns) && e.getMessage().contains(why), e.getMessage());
        return e;
    }

    @Test
    void aProcessNetworkNamespaceIsAcceptedAsWritten() throws Exception {
        String ns = "/proc/" + PID + "/ns/net";
        assertEquals(Path.of(ns), real().check(ns));
        String thread = "/proc/" + PID + "/task/" + PID + "/ns/net";
        assertEquals(Path.of(thread), real().check(thread));
    }

    @Test
    void aLinkAnywhereToANetworkNamespaceIsAcceptedAndResolved() throws Exception {
        Path link = Files.createSymbolicLink(dir.resolve("sandbox"), Path.of("/proc/" + PID + "/ns/net"));
        assertEquals(Path.of("/proc/" + PID + "/ns/net"), real().check(link.toString()));
    }

    @Test
    void otherNamespaceTypesAreRefusedNamingTheirType() {
        refused(real(), "/proc/" + PID + "/ns/mnt", "is a mount namespace, not a network namespace");
        refused(real(), "/proc/" + PID + "/ns/uts", "is a UTS namespace, not a network namespace");
        refused(real(), "/proc/" + PID + "/ns/ipc", "is an IPC namespace, not a network namespace");
        refused(real(), "/proc/" + PID + "/ns/pid", "is a PID namespace, not a network namespace");
        refused(real(), "/proc/" + PID + "/ns/user", "is a user namespace, not a network namespace");
        refusedForDel(real(), "/proc/" + PID + "/ns/mnt", "is a mount namespace, not a network namespace");
    }

    @Test
    void aRegularFileIsRefusedForAddAndDel() throws Exception {
        Path file = Files.writeString(dir.resolve("net"), "not a namespace");
        refused(real(), file.toString(), "is a regular file, not a namespace");
        refusedForDel(real(), file.toString(), "is a regular file, not a namespace");
    }

    @Test
    void anEmptyRegularFileIsRefusedForAddAndCountsAsGoneForDel() throws Exception {
        Path unmounted = Files.createFile(dir.resolve("unmounted"));
        refused(real(), unmounted.toString(), "is an empty regular file, not a namespace");
        assertEquals(unmounted, real().checkForDel(unmounted.toString()));
    }

    @Test
    void aDirectoryIsRefused() {
        refused(real(), dir.toString(), "is a directory, not a namespace");
        refusedForDel(real(), dir.toString(), "is a directory, not a namespace");
    }

    @Test
    void aCharacterDeviceIsRefusedWithoutBeingOpened() {
        refused(real(), "/dev/null", "is a character device, not a namespace");
        refusedForDel(real(), "/dev/null", "is a character device, not a namespace");
    }

    /** An open for reading of a FIFO without a writer would block: the check must not open it. */
    @Test
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void aFifoIsRefusedWithoutBlockingOnIt() throws Exception {
        Path fifo = dir.resolve("fifo");
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
        assertEquals(0, mkfifo.waitFor());
        refused(real(), fifo.toString(), "is a FIFO, not a namespace");
        refusedForDel(real(), fifo.toString(), "is a FIFO, not a namespace");
    }

    @Test
    void aSocketIsRefused() throws Exception {
        Path socket = dir.resolve("sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            refused(real(), socket.toString(), "is a socket, not a namespace");
        }
    }

    @Test
    void aLinkToAFileThatIsNotANamespaceIsRefusedNamingTheTarget() throws Exception {
        Path target = Files.writeString(dir.resolve("secret"), "x");
        Path link = Files.createSymbolicLink(dir.resolve("looks-like-a-netns"), target);
        refused(real(), link.toString(), "is a regular file (through its links: " + target + "), not a namespace");
    }

    @Test
    void aMissingFilePassesForAddAndDel() throws Exception {
        // DEL of a pod whose namespace is gone must succeed; ADD fails later when it enters the namespace
        Path gone = dir.resolve("gone");
        assertEquals(gone, real().check(gone.toString()));
        assertEquals(gone, real().checkForDel(gone.toString()));
        assertEquals(dir.resolve("no/such/dir/ns"), real().check(dir.resolve("no/such/dir/ns").toString()));
        assertEquals(Path.of("/proc/999999999/ns/net"), real().check("/proc/999999999/ns/net"));
    }

    @Test
    void aDanglingLinkCountsAsMissing() throws Exception {
        Path link = Files.createSymbolicLink(dir.resolve("dangling"), dir.resolve("nothing"));
        assertEquals(link, real().check(link.toString()));
        assertEquals(link, real().checkForDel(link.toString()));
    }

    @Test
    void aLoopOfLinksIsRefused() throws Exception {
        Files.createSymbolicLink(dir.resolve("a"), dir.resolve("b"));
        Files.createSymbolicLink(dir.resolve("b"), dir.resolve("a"));
        refused(real(), dir.resolve("a").toString(), "cannot be resolved (more than 40 symbolic links");
    }

    @Test
    void anEmptyValueIsNoNamespace() throws Exception {
        assertNull(real().check(""));
        assertNull(real().check(null));
        assertNull(real().checkForDel(""));
    }

    @Test
    void pathsThatAreNotWrittenPlainlyAreRefused() {
        String why = "is not an absolute path written plainly";
        refused(real(), "relative/run/netns/x", why);
        refused(real(), "/run/netns/../../etc/shadow", why);
        refused(real(), "/run/netns/./x", why);
        refused(real(), "//run/netns/x", why);
        refused(real(), "/run/netns/x/", why);
        refused(real(), "/", why);
    }

    @Test
    void theDaemonsOwnProcessIsRefusedHoweverItIsReached() throws Exception {
        refused(real(), "/proc/self/ns/net", "names the daemon's own process");
        refused(real(), "/proc/thread-self/ns/net", "names the daemon's own process");
        Path link = Files.createSymbolicLink(dir.resolve("self"), Path.of("/proc/self/ns/net"));
        refused(real(), link.toString(), "leads to /proc/self/ns/net, the daemon's own process");
    }

    @Test
    void underAHostPrefixANamespaceAnywhereIsAccepted() throws Exception {
        Path docker = hostFile("/var/run/docker/netns/ns-1a2b3c", "");
        assertEquals(docker, underPrefix().check("/var/run/docker/netns/ns-1a2b3c"));
        Path named = hostFile("/run/netns/ns-pod1", "");
        assertEquals(named, underPrefix().check("/run/netns/ns-pod1"));
    }

    @Test
    void underAHostPrefixAbsoluteLinksAreResolvedBelowThePrefix() throws Exception {
        // as on most hosts: /var/run -> /run (absolute), which is the host's /run, not the daemon's
        Path ns = hostFile("/run/docker/netns/ns-1a2b3c", "");
        Files.createDirectories(dir.resolve("var"));
        Files.createSymbolicLink(dir.resolve("var/run"), Path.of("/run"));
        assertEquals(ns, underPrefix().check("/var/run/docker/netns/ns-1a2b3c"));
        // .. in a link's target stops at the prefix
        Files.createSymbolicLink(dir.resolve("run/up"), Path.of("../../../../run/docker/netns/ns-1a2b3c"));
        assertEquals(ns, underPrefix().check("/run/up"));
    }

    @Test
    void underAHostPrefixAFileThatIsNotANamespaceIsRefusedNamingThePrefix() throws Exception {
        hostFile("/run/netns/plain", "x");
        CniException e = refused(underPrefix(), "/run/netns/plain", "is a regular file, not a namespace");
        assertTrue(e.getMessage().contains("under the host prefix " + dir), e.getMessage());
        assertEquals(dir.resolve("run/netns/gone"), underPrefix().check("/run/netns/gone"));
    }

    @Test
    void plainlyWrittenMeansAbsoluteWithoutDotsOrEmptyParts() {
        assertTrue(NetnsPathPolicy.plainlyWritten("/var/run/docker/netns/1a2b3c"));
        assertTrue(NetnsPathPolicy.plainlyWritten("/proc/1/task/2/ns/net"));
        assertTrue(NetnsPathPolicy.plainlyWritten("/x..y/.hidden"));
        assertEquals(false, NetnsPathPolicy.plainlyWritten("/var/run/netns/.."));
        assertEquals(false, NetnsPathPolicy.plainlyWritten("/run/netns/"));
        assertEquals(false, NetnsPathPolicy.plainlyWritten("run/netns/x"));
    }
}
