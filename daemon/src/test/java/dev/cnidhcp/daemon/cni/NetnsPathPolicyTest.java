package dev.cnidhcp.daemon.cni;

import dev.cnidhcp.cni.CniException;
import dev.cnidhcp.cni.ErrorCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The CNI_NETNS rule under a host prefix in a temporary directory. Files named {@code ns-*} stand for
 * network namespaces (the real test, nsfs, is {@code NamespaceFilesTest}'s).
 */
class NetnsPathPolicyTest {
    @TempDir
    Path host;

    private NetnsPathPolicy policy() {
        return new NetnsPathPolicy(new HostPaths(host.toString()),
                file -> file.getFileName().toString().startsWith("ns-"));
    }

    private Path file(String hostPath) throws IOException {
        Path p = host.resolve(hostPath.substring(1));
        Files.createDirectories(p.getParent());
        return Files.writeString(p, "");
    }

    private CniException refused(String cniNetns) {
        CniException e = assertThrows(CniException.class, () -> policy().check(cniNetns));
        assertEquals(ErrorCode.INVALID_ENVIRONMENT, e.code());
        assertTrue(e.getMessage().contains(cniNetns), e.getMessage());
        assertTrue(e.getMessage().contains("/run/netns/NAME") && e.getMessage().contains("/proc/PID/ns/net"),
                e.getMessage());
        return e;
    }

    @Test
    void aNamedNamespaceIsAllowed() throws Exception {
        Path ns = file("/run/netns/ns-pod1");
        assertEquals(ns.toRealPath(), policy().check("/run/netns/ns-pod1"));
        Path old = file("/var/run/netns/ns-pod2");
        assertEquals(old.toRealPath(), policy().check("/var/run/netns/ns-pod2"));
    }

    @Test
    void aProcessNamespaceIsAllowed() throws Exception {
        NetnsPathPolicy anyFileIsANamespace = new NetnsPathPolicy(new HostPaths(host.toString()), f -> true);
        Path ns = file("/proc/1234/ns/net");
        assertEquals(ns.toRealPath(), anyFileIsANamespace.check("/proc/1234/ns/net"));
        Path thread = file("/proc/1234/task/1240/ns/net");
        assertEquals(thread.toRealPath(), anyFileIsANamespace.check("/proc/1234/task/1240/ns/net"));
    }

    @Test
    void withoutHostPrefixTheCallersOwnNamespaceIsAllowed() throws Exception {
        String own = "/proc/" + ProcessHandle.current().pid() + "/ns/net";
        assertEquals(Path.of(own), NetnsPathPolicy.of(new HostPaths("")).check(own));
    }

    @Test
    void anEmptyValueIsNoNamespace() throws Exception {
        assertNull(policy().check(""));
        assertNull(policy().check(null));
    }

    @Test
    void aMissingNamespaceInAnAllowedPlacePasses() throws Exception {
        // DEL of a pod whose namespace is gone must succeed
        assertEquals(host.resolve("run/netns/gone"), policy().check("/run/netns/gone"));
        assertEquals(host.resolve("proc/99999999/ns/net"), policy().check("/proc/99999999/ns/net"));
    }

    @Test
    void pathsOutsideTheKnownPlacesAreRefused() {
        refused("/etc/shadow");
        refused("/tmp/ns-x");
        refused("relative/run/netns/x");
        refused("/run/netns");
        refused("/run/netns/a/b");
        refused("/proc/self/ns/net");
        refused("/proc/1/ns/mnt");
        refused("/proc/1/root/etc/shadow");
        refused("/proc/x1/ns/net");
    }

    @Test
    void pathsThatAreNotWrittenPlainlyAreRefused() {
        refused("/run/netns/../../etc/shadow");
        refused("/run/netns/./x");
        refused("//run/netns/x");
        refused("/run/netns/x/");
    }

    @Test
    void aSymbolicLinkIsFollowedAndItsTargetMustBeInAnAllowedPlace() throws Exception {
        Path secret = file("/etc/ns-looks-like-a-namespace");
        Files.createDirectories(host.resolve("run/netns"));
        Files.createSymbolicLink(host.resolve("run/netns/evil"), secret);
        assertTrue(refused("/run/netns/evil").getMessage().contains("outside the allowed places"));
    }

    @Test
    void aSymbolicLinkWithinTheAllowedPlacesIsResolved() throws Exception {
        Path ns = file("/run/netns/ns-real");
        Files.createSymbolicLink(host.resolve("run/netns/alias"), ns);
        assertEquals(ns.toRealPath(), policy().check("/run/netns/alias"));
    }

    @Test
    void aDirectoryLinkIsResolvedToo() throws Exception {
        Path ns = file("/run/netns/ns-pod");
        Files.createDirectories(host.resolve("var"));
        Files.createSymbolicLink(host.resolve("var/run"), host.resolve("run")); // as on most systems
        assertEquals(ns.toRealPath(), policy().check("/var/run/netns/ns-pod"));
    }

    @Test
    void anExistingFileThatIsNotANamespaceIsRefused() throws Exception {
        file("/run/netns/plain-file");
        assertTrue(refused("/run/netns/plain-file").getMessage().contains("not a network namespace"));
    }

    @Test
    void forDelAFileLeftBehindByAnUnmountedNamespaceCountsAsGone() throws Exception {
        file("/run/netns/unmounted");
        assertEquals(host.resolve("run/netns/unmounted"), policy().checkForDel("/run/netns/unmounted"));
    }

    @Test
    void forDelPathsOutsideTheKnownPlacesAreStillRefused() throws Exception {
        assertThrows(CniException.class, () -> policy().checkForDel("/etc/shadow"));
        Path secret = file("/etc/ns-x");
        Files.createDirectories(host.resolve("run/netns"));
        Files.createSymbolicLink(host.resolve("run/netns/evil"), secret);
        assertThrows(CniException.class, () -> policy().checkForDel("/run/netns/evil"));
    }

    @Test
    void allowedFormsAreExactlyTheKnownPlaces() {
        assertTrue(NetnsPathPolicy.allowedForm("/run/netns/x"));
        assertTrue(NetnsPathPolicy.allowedForm("/var/run/netns/cni-1234-abcd"));
        assertTrue(NetnsPathPolicy.allowedForm("/proc/1/ns/net"));
        assertTrue(NetnsPathPolicy.allowedForm("/proc/1/task/2/ns/net"));
        assertFalse(NetnsPathPolicy.allowedForm("/proc/1/task/ns/net"));
        assertFalse(NetnsPathPolicy.allowedForm("/var/run/netns/.."));
        assertFalse(NetnsPathPolicy.allowedForm("/run/netns/"));
    }
}
