package dev.cnidhcp.testlab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The built {@code dist/bin/dhcp} as a runtime executes it: errors are the spec's JSON on stdout with
 * the right code and a non-zero exit, and nothing but that JSON appears on stdout. The forwarder's own
 * errors come without a daemon; the checks of the invocation are the daemon's, so those cases run
 * against the built daemon, started in a network namespace of its own (it only answers on its Unix
 * socket here) and stopped after each test.
 */
@Tag("lab")
class DistPluginTest {
    private static final Path DHCP = Path.of(System.getProperty("dist.dir", "../dist"), "bin", "dhcp");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    record Out(int exit, JsonNode json, String stderr) {
    }

    private Out run(Map<String, String> env, String stdin) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(DHCP.toString());
        pb.environment().keySet().removeIf(k -> k.startsWith("CNI_"));
        pb.environment().putAll(env);
        Path out = tmp.resolve("out");
        Path err = tmp.resolve("err");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process p = pb.start();
        p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        return new Out(p.exitValue(), JSON.readTree(Files.readString(out)), Files.readString(err));
    }

    private String config(String version) {
        return config(version, tmp.resolve("none.sock"));
    }

    private static String config(String version, Path socket) {
        return "{\"cniVersion\":\"" + version + "\",\"name\":\"net1\",\"type\":\"bridge\","
                + "\"ipam\":{\"type\":\"dhcp\",\"daemonSocketPath\":\"" + socket + "\"}}";
    }

    /** The built daemon on a socket in the test's directory, in a network namespace of its own. */
    private static final class Daemon implements AutoCloseable {
        final Path socket;
        private final Process process;

        Daemon(Path dir) throws IOException, InterruptedException {
            socket = dir.resolve("daemon.sock");
            process = new ProcessBuilder("unshare", "--net", DHCP.toString(), "daemon", "-socketpath", socket.toString(),
                    "-statedir", dir.resolve("state").toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("daemon.log").toFile()).start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!Files.exists(socket)) { // bounded: the daemon's JVM starts in about a second
                assertTrue(process.isAlive(), "the daemon exited: " + Files.readString(dir.resolve("daemon.log")));
                assertTrue(System.nanoTime() < deadline, "no daemon socket after 30 s");
                Thread.sleep(50);
            }
        }

        @Override
        public void close() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }

    private static Map<String, String> addEnv() {
        return Map.of("CNI_COMMAND", "ADD", "CNI_CONTAINERID", "c1", "CNI_NETNS", "/run/netns/none",
                "CNI_IFNAME", "eth0", "CNI_PATH", "/opt/cni/bin");
    }

    /**
     * bin/dhcp is the native forwarder: an ELF executable that answers a CNI call with no JVM at all,
     * so no Java on PATH and a JAVA_HOME that does not exist change nothing.
     */
    @Test
    void aCniCallRunsTheNativeForwarderWithoutAnyJvm() throws Exception {
        byte[] head = new byte[4];
        try (var in = Files.newInputStream(DHCP)) {
            assertEquals(4, in.read(head));
        }
        assertEquals("\u007fELF", new String(head, StandardCharsets.ISO_8859_1));
        Map<String, String> env = new java.util.HashMap<>(addEnv());
        env.put("PATH", "/nonexistent");
        env.put("JAVA_HOME", "/nonexistent");
        Out out = run(env, config("1.0.0"));
        assertEquals(11, out.json().get("code").asInt(), out.stderr());
        assertEquals("", out.stderr());
    }

    /**
     * A 20 MB network configuration: the plugin reads 1 MiB of it and answers error 7 naming the
     * limit, as JSON on stdout. It exits without reading the rest, so the writer sees a broken pipe,
     * which is expected.
     */
    @Test
    void twentyMegabytesOnStdinIsCode7NamingTheLimit() throws Exception {
        ProcessBuilder pb = new ProcessBuilder(DHCP.toString());
        pb.environment().keySet().removeIf(k -> k.startsWith("CNI_"));
        pb.environment().putAll(addEnv());
        Path out = tmp.resolve("out");
        Path err = tmp.resolve("err");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process p = pb.start();
        Thread writer = new Thread(() -> {
            byte[] chunk = new byte[1 << 20];
            java.util.Arrays.fill(chunk, (byte) ' ');
            try (var stdin = p.getOutputStream()) {
                for (int i = 0; i < 20; i++) {
                    stdin.write(chunk);
                }
            } catch (IOException e) {
                // the plugin stopped reading at its limit
            }
        }, "stdin-writer");
        writer.start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        writer.join(10_000);
        JsonNode json = JSON.readTree(Files.readString(out));
        assertEquals(1, p.exitValue());
        assertEquals(7, json.get("code").asInt(), Files.readString(err));
        assertTrue(json.get("msg").asText().contains("1048576 bytes"), json.toString());
    }

    @Test
    void versionListsAllSevenSpecVersions() throws Exception {
        Out out = run(Map.of("CNI_COMMAND", "VERSION"), "{\"cniVersion\":\"1.0.0\"}");
        assertEquals(0, out.exit());
        assertEquals("1.0.0", out.json().get("cniVersion").asText());
        assertEquals("[\"0.1.0\",\"0.2.0\",\"0.3.0\",\"0.3.1\",\"0.4.0\",\"1.0.0\",\"1.1.0\"]",
                out.json().get("supportedVersions").toString());
    }

    @Test
    void unreachableDaemonIsCode11NamingTheSocketAndHowToStartIt() throws Exception {
        Out out = run(addEnv(), config("1.0.0"));
        assertEquals(1, out.exit());
        assertEquals(11, out.json().get("code").asInt());
        assertTrue(out.json().get("msg").asText().contains(tmp.resolve("none.sock").toString()), out.json().toString());
        assertTrue(out.json().get("details").asText().contains("dhcp daemon"), out.json().toString());
    }

    @Test
    void missingEnvironmentIsCode4NamingEveryMissingVariable() throws Exception {
        try (Daemon daemon = new Daemon(tmp)) {
            Out out = run(Map.of("CNI_COMMAND", "ADD", "CNI_IFNAME", "eth0"), config("1.0.0", daemon.socket));
            assertEquals(1, out.exit());
            assertEquals(4, out.json().get("code").asInt(), out.json().toString());
            String msg = out.json().get("msg").asText();
            assertTrue(msg.contains("CNI_CONTAINERID") && msg.contains("CNI_NETNS"), msg);
        }
    }

    /**
     * A configuration that is not JSON names no socket the forwarder could read: it tries the default
     * one (where the node's daemon would answer error 6), and with none there says so in the details.
     */
    @Test
    void malformedConfigGoesToTheDefaultSocketAndSaysSoWhenNoDaemonIsThere() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeFalse(Files.exists(Path.of("/run/cni/dhcp.sock")), "a daemon at the default socket");
        Out out = run(addEnv(), "{\"cniVersion\": \"1.0.0\", ");
        assertEquals(1, out.exit());
        assertEquals(11, out.json().get("code").asInt());
        assertTrue(out.json().get("msg").asText().startsWith("cannot reach the DHCP lease daemon at /run/cni/dhcp.sock: "));
        assertTrue(out.json().get("details").asText().contains("is not a JSON object"), out.json().toString());
    }

    @Test
    void unsupportedVersionIsCode1() throws Exception {
        try (Daemon daemon = new Daemon(tmp)) {
            Out out = run(addEnv(), config("9.9.9", daemon.socket));
            assertEquals(1, out.exit());
            assertEquals(1, out.json().get("code").asInt(), out.json().toString());
            assertTrue(out.json().get("msg").asText().contains("9.9.9"));
        }
    }
}
