package dev.cnidhcp.testlab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The daemon's guards end to end (docs/security.md): the socket's mode, the peer check for a process
 * of another user (run with {@code setpriv}), {@code -socketgroup}, the CNI_NETNS rule, and the read
 * deadline. The plugin runs in the lab's node namespace as a runtime would run it; as the other user it
 * runs from a {@link PublicInstall}, since that user may not reach the checkout (e.g. under /root).
 */
@Tag("lab")
@Timeout(120)
class SecurityLabTest {
    private static final Path DIST = Path.of(System.getProperty("dist.dir", "../dist")).toAbsolutePath();
    private static final Path DHCP = DIST.resolve("bin/dhcp");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int NOBODY = 65534;
    private static final int SOCKET_GROUP = 4242;

    @RegisterExtension
    static final SharedLab LAB = new SharedLab();

    /** dist/ where user {@link #NOBODY} can run it; made before the first test, removed after the last. */
    private static PublicInstall forNobody;

    @BeforeAll
    static void installForNobody() throws Exception {
        forNobody = PublicInstall.of(DIST);
    }

    @AfterAll
    static void removeInstallForNobody() throws IOException {
        if (forNobody != null) {
            forNobody.close();
        }
    }

    private static Lab lab() {
        return LAB.get();
    }

    private static Path socket() {
        return lab().dir.resolve("dhcp.sock");
    }

    /** Puts the daemon back as the other tests expect it (default flags) after a test changed them. */
    @AfterEach
    void defaultDaemon() throws IOException {
        if (!"rw-------".equals(mode(socket()))) {
            restartDaemon("");
        }
    }

    private static void restartDaemon(String flags) throws IOException {
        lab().stopDaemon();
        lab().script(List.of("start-daemon", lab().name), "", Map.of("LAB_DAEMON_FLAGS", flags)).expectSuccess();
    }

    private static String mode(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    record Out(int exit, String stdout, String stderr) {
        JsonNode json() throws IOException {
            return JSON.readTree(stdout);
        }
    }

    /** Runs our plugin (dist/bin/dhcp) in the node namespace, as root. */
    private static Out plugin(Map<String, String> env, String config) throws Exception {
        return plugin(List.of(), DHCP, env, config);
    }

    /** Runs the plugin {@code dhcp} in the node namespace, through {@code user} (e.g. setpriv ...) when given. */
    private static Out plugin(List<String> user, Path dhcp, Map<String, String> env, String config) throws Exception {
        List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", lab().name + "-node"));
        command.addAll(user);
        command.add(dhcp.toString());
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().keySet().removeIf(k -> k.startsWith("CNI_"));
        pb.environment().putAll(env);
        Path out = Files.createTempFile("plugin-out", ".txt");
        Path err = Files.createTempFile("plugin-err", ".txt");
        try {
            Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            p.getOutputStream().write(config.getBytes(StandardCharsets.UTF_8));
            p.getOutputStream().close();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("plugin did not finish within 60 s");
            }
            return new Out(p.exitValue(), Files.readString(out), Files.readString(err));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** Runs the plugin as user {@link #NOBODY} with only {@code groups}, from {@link #forNobody}. */
    private static Out pluginAsNobody(Map<String, String> env, String config, String... groups) throws Exception {
        return plugin(asNobody(groups), forNobody.dhcp, env, config);
    }

    private static List<String> asNobody(String... groups) {
        List<String> setpriv = new ArrayList<>(List.of("setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY));
        setpriv.add(groups.length == 0 ? "--clear-groups" : "--groups=" + String.join(",", groups));
        return setpriv;
    }

    private static String config(String version) throws IOException {
        return lab().netconf("dhcp", version).toString();
    }

    private static Map<String, String> statusEnv() {
        return Map.of("CNI_COMMAND", "STATUS", "CNI_PATH", "/opt/cni/bin");
    }

    private static Map<String, String> addEnv(String netns) {
        return Map.of("CNI_COMMAND", "ADD", "CNI_CONTAINERID", lab().name + "-sec", "CNI_NETNS", netns,
                "CNI_IFNAME", "eth0", "CNI_PATH", "/opt/cni/bin");
    }

    @Test
    void theSocketIsOnlyForItsOwnerByDefault() throws IOException {
        assertEquals("rw-------", mode(socket()));
    }

    @Test
    void aProcessOfAnotherUserIsRefusedWithCode105EvenWhenTheSocketFileIsOpenedUp() throws Exception {
        Files.setPosixFilePermissions(socket(), PosixFilePermissions.fromString("rw-rw-rw-")); // as a careless chmod
        Files.setPosixFilePermissions(lab().dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        try {
            Out out = pluginAsNobody(statusEnv(), config("1.1.0"));
            assertNotEquals(0, out.exit(), out.stdout() + out.stderr());
            JsonNode error = out.json();
            assertEquals(105, error.get("code").asInt(), out.stdout());
            String msg = error.get("msg").asText();
            assertTrue(msg.contains("uid " + NOBODY) && msg.contains("gid " + NOBODY), msg);
            assertTrue(lab().awaitLog("refused a connection", Duration.ofSeconds(5)), lab().diagnostics());
        } finally {
            Files.setPosixFilePermissions(socket(), PosixFilePermissions.fromString("rw-------"));
        }
    }

    @Test
    void socketGroupLetsMembersInAndKeepsOthersOut() throws Exception {
        restartDaemon("-socketgroup " + SOCKET_GROUP);
        assertEquals("rw-rw----", mode(socket()));
        assertEquals(SOCKET_GROUP, Files.getAttribute(socket(), "unix:gid"));
        Files.setPosixFilePermissions(lab().dir, PosixFilePermissions.fromString("rwxr-xr-x"));

        Out member = pluginAsNobody(statusEnv(), config("1.1.0"), String.valueOf(SOCKET_GROUP));
        assertEquals(0, member.exit(), member.stdout() + member.stderr() + lab().diagnostics());

        Out other = pluginAsNobody(statusEnv(), config("1.1.0"));
        assertNotEquals(0, other.exit(), "the file's mode keeps a non-member out: " + other.stdout());
    }

    @Test
    void aNetnsThatIsARegularFileIsRefusedWithCode4() throws Exception {
        Out out = plugin(addEnv("/etc/hostname"), config("1.0.0"));
        assertNotEquals(0, out.exit());
        JsonNode error = out.json();
        assertEquals(4, error.get("code").asInt(), out.stdout());
        assertTrue(error.get("msg").asText().contains("/etc/hostname"), out.stdout());
    }

    @Test
    void silentClientsDoNotBlockOthersAndAreClosedAfterTheReadDeadline() throws Exception {
        List<SocketChannel> silent = new ArrayList<>();
        try {
            for (int i = 0; i < 5; i++) {
                SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX);
                c.connect(UnixDomainSocketAddress.of(socket()));
                silent.add(c);
            }
            long started = System.nanoTime();
            Out status = plugin(statusEnv(), config("1.1.0"));
            assertEquals(0, status.exit(), status.stdout() + status.stderr());
            assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(8), "answered while the silent ones wait");

            // the daemon closes each silent connection after its 10 s read deadline, without an answer
            for (SocketChannel c : silent) {
                assertEquals(-1, c.read(ByteBuffer.allocate(64)));
            }
            assertTrue(System.nanoTime() - started >= TimeUnit.SECONDS.toNanos(9), "not before the deadline");
            assertTrue(lab().awaitLog("no complete request within", Duration.ofSeconds(5)), lab().diagnostics());
        } finally {
            for (SocketChannel c : silent) {
                c.close();
            }
        }
    }
}
