package dev.cnidhcp.plugin;

import dev.cnidhcp.json.JsonException;
import dev.cnidhcp.json.MiniJson;
import dev.cnidhcp.wire.WireRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PluginTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    private static Map<String, String> addEnv() {
        Map<String, String> env = new HashMap<>();
        env.put("CNI_COMMAND", "ADD");
        env.put("CNI_CONTAINERID", "c0ffee");
        env.put("CNI_NETNS", "/var/run/netns/pod1");
        env.put("CNI_IFNAME", "eth0");
        env.put("CNI_PATH", "/opt/cni/bin");
        return env;
    }

    private static String config(String version, Path socket) {
        return "{\"cniVersion\":\"" + version + "\",\"name\":\"net1\",\"type\":\"macvlan\","
                + "\"ipam\":{\"type\":\"dhcp\",\"daemonSocketPath\":" + MiniJson.quote(socket.toString()) + "}}";
    }

    private int run(Map<String, String> env, String stdin) {
        return run(env, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
    }

    private int run(Map<String, String> env, InputStream stdin) {
        return new Plugin(env, stdin, new PrintStream(out, true, StandardCharsets.UTF_8)).run();
    }

    private String stdout() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private Map<?, ?> stdoutJson() throws JsonException {
        return (Map<?, ?>) MiniJson.parse(stdout());
    }

    // --- VERSION ---

    @Test
    void versionIsAnsweredWithoutAnyDaemon() throws JsonException {
        int exit = run(Map.of("CNI_COMMAND", "VERSION"), config("0.4.0", dir.resolve("absent.sock")));
        assertEquals(0, exit);
        Map<?, ?> json = stdoutJson();
        assertEquals("0.4.0", json.get("cniVersion"));
        assertEquals(List.of("0.1.0", "0.2.0", "0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0"),
                json.get("supportedVersions"));
    }

    @Test
    void versionWithEmptyStdinAnswersLatest() throws JsonException {
        assertEquals(0, run(Map.of("CNI_COMMAND", "VERSION"), ""));
        assertEquals("1.1.0", stdoutJson().get("cniVersion"));
    }

    @Test
    void versionOfAConfigWithoutCniVersionAnswersLatest() throws JsonException {
        assertEquals(0, run(Map.of("CNI_COMMAND", "VERSION"), "{}"));
        assertEquals("1.1.0", stdoutJson().get("cniVersion"));
    }

    @Test
    void lowercaseVersionIsAnsweredLikeVersion() throws JsonException {
        int exit = run(Map.of("CNI_COMMAND", "version"), config("1.0.0", dir.resolve("absent.sock")));
        assertEquals(0, exit);
        assertEquals("1.0.0", stdoutJson().get("cniVersion"));
        assertEquals(7, ((List<?>) stdoutJson().get("supportedVersions")).size());
    }

    // --- errors found before the daemon is asked ---

    @Test
    void stdinThatIsNotJsonIsCode6ErrorOnStdoutAndExit1() throws JsonException {
        int exit = run(addEnv(), "{\"cniVersion\":\"1.0.0\",");
        assertEquals(1, exit);
        Map<?, ?> json = stdoutJson();
        assertEquals(6L, json.get("code"));
        assertEquals("1.1.0", json.get("cniVersion"));
        assertTrue(((String) json.get("msg")).contains("not valid JSON"), stdout());
    }

    @Test
    void missingEnvironmentIsCode4InTheConfigVersion() throws JsonException {
        Map<String, String> env = addEnv();
        env.remove("CNI_NETNS");
        int exit = run(env, config("0.3.1", dir.resolve("absent.sock")));
        assertEquals(1, exit);
        Map<?, ?> json = stdoutJson();
        assertEquals(4L, json.get("code"));
        assertEquals("0.3.1", json.get("cniVersion"));
        assertTrue(((String) json.get("msg")).contains("CNI_NETNS"), stdout());
    }

    @Test
    void unknownCommandIsCode4() throws JsonException {
        assertEquals(1, run(Map.of("CNI_COMMAND", "FROB"), config("1.0.0", dir.resolve("absent.sock"))));
        assertEquals(4L, stdoutJson().get("code"));
    }

    @Test
    void adminCommandsCannotBeSentThroughThePluginPath() throws Exception {
        Path socket = dir.resolve("d.sock");
        try (ServerSocketChannel daemon = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            daemon.bind(UnixDomainSocketAddress.of(socket));
            daemon.configureBlocking(false);
            for (String command : List.of("LEASES", "DAEMON-STATUS")) {
                out.reset();
                Map<String, String> env = addEnv();
                env.put("CNI_COMMAND", command);

                assertEquals(1, run(env, config("1.0.0", socket)), command);
                assertEquals(4L, stdoutJson().get("code"), stdout());
                assertEquals(null, daemon.accept(), command + " never reached the daemon");
            }
        }
    }

    @Test
    void unreadableStdinIsCode5() throws JsonException {
        InputStream broken = new InputStream() {
            @Override
            public int read() throws IOException {
                throw new IOException("boom");
            }
        };
        assertEquals(1, run(addEnv(), broken));
        Map<?, ?> json = stdoutJson();
        assertEquals(5L, json.get("code"));
        assertTrue(((String) json.get("msg")).contains("boom"), stdout());
    }

    @Test
    void unreachableDaemonIsCode11NamingTheSocketPath() throws JsonException {
        Path socket = dir.resolve("no-daemon.sock");
        int exit = run(addEnv(), config("1.0.0", socket));
        assertEquals(1, exit);
        Map<?, ?> json = stdoutJson();
        assertEquals(11L, json.get("code"));
        assertEquals("1.0.0", json.get("cniVersion"));
        assertTrue(((String) json.get("msg")).contains(socket.toString()), stdout());
        assertTrue(((String) json.get("details")).contains("-socketpath " + socket), stdout());
    }

    // --- forwarding to a daemon ---

    /** A one-shot daemon on a Unix socket: reads the request until EOF, then answers. */
    private static final class OneShotDaemon implements AutoCloseable {
        final CompletableFuture<byte[]> received = new CompletableFuture<>();
        private final ServerSocketChannel server;
        private final Thread thread;

        OneShotDaemon(Path socket, String answer) throws IOException {
            server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            server.bind(UnixDomainSocketAddress.of(socket));
            thread = new Thread(() -> serve(answer), "fake-daemon");
            thread.setDaemon(true);
            thread.start();
        }

        private void serve(String answer) {
            try (SocketChannel client = server.accept()) {
                ByteArrayOutputStream request = new ByteArrayOutputStream();
                ByteBuffer buf = ByteBuffer.allocate(4096);
                while (client.read(buf) >= 0) {
                    request.write(buf.array(), 0, buf.position());
                    buf.clear();
                }
                ByteBuffer reply = ByteBuffer.wrap(answer.getBytes(StandardCharsets.UTF_8));
                while (reply.hasRemaining()) {
                    client.write(reply);
                }
                received.complete(request.toByteArray());
            } catch (IOException | RuntimeException e) {
                received.completeExceptionally(e);
            }
        }

        WireRequest request() throws Exception {
            return WireRequest.decode(received.get(5, TimeUnit.SECONDS));
        }

        @Override
        public void close() throws Exception {
            server.close();
            thread.join(5000);
        }
    }

    @Test
    void daemonAnswerIsPrintedExactlyAndItsExitCodeReturned() throws Exception {
        Path socket = dir.resolve("d.sock");
        String body = "{\"cniVersion\":\"1.0.0\",\"ips\":[{\"address\":\"10.1.0.5/24\"}],\"dns\":{}}";
        try (OneShotDaemon daemon = new OneShotDaemon(socket, "0\n" + body)) {
            int exit = run(addEnv(), config("1.0.0", socket));
            assertEquals(0, exit);
            assertEquals(body, stdout());
            daemon.request();
        }
    }

    @Test
    void daemonErrorAnswerIsPrintedAndExitIs1() throws Exception {
        Path socket = dir.resolve("d.sock");
        String error = "{\"cniVersion\":\"1.0.0\",\"code\":100,\"msg\":\"no lease\"}";
        try (OneShotDaemon daemon = new OneShotDaemon(socket, "1\n" + error)) {
            assertEquals(1, run(addEnv(), config("1.0.0", socket)));
            assertEquals(error, stdout());
        }
    }

    @Test
    void daemonReceivesOnlyCniVariablesAndTheStdinVerbatim() throws Exception {
        Path socket = dir.resolve("d.sock");
        Map<String, String> env = addEnv();
        env.put("HOME", "/root");
        env.put("PATH", "/usr/bin");
        String stdin = config("1.0.0", socket) + "\n";
        try (OneShotDaemon daemon = new OneShotDaemon(socket, "0\n")) {
            assertEquals(0, run(env, stdin));
            WireRequest request = daemon.request();
            assertEquals(stdin, request.stdin());
            assertEquals("ADD", request.env().get("CNI_COMMAND"));
            assertEquals("c0ffee", request.env().get("CNI_CONTAINERID"));
            assertFalse(request.env().containsKey("HOME"));
            assertFalse(request.env().containsKey("PATH"));
            assertEquals("", stdout());
        }
    }

    @Test
    void malformedDaemonAnswerIsCode11() throws Exception {
        Path socket = dir.resolve("d.sock");
        try (OneShotDaemon daemon = new OneShotDaemon(socket, "garbage")) {
            assertEquals(1, run(addEnv(), config("1.0.0", socket)));
            Map<?, ?> json = stdoutJson();
            assertEquals(11L, json.get("code"));
            assertTrue(((String) json.get("msg")).contains("malformed answer"), stdout());
        }
    }

    // --- bounds: stdin size, the plugin's deadline ---

    /** An endless stdin that counts what was taken from it. */
    private static final class EndlessInput extends InputStream {
        long read;

        @Override
        public int read() {
            read++;
            return ' ';
        }

        @Override
        public int read(byte[] b, int off, int len) {
            java.util.Arrays.fill(b, off, off + len, (byte) ' ');
            read += len;
            return len;
        }
    }

    @Test
    void stdinLargerThanOneMebibyteIsCode7NamingTheLimitAndIsNotReadToTheEnd() throws JsonException {
        EndlessInput stdin = new EndlessInput();
        int exit = run(addEnv(), stdin);
        assertEquals(1, exit);
        Map<?, ?> json = stdoutJson();
        assertEquals(7L, json.get("code"), stdout());
        assertTrue(((String) json.get("msg")).contains(Plugin.MAX_STDIN_BYTES + " bytes"), stdout());
        assertTrue(stdin.read <= Plugin.MAX_STDIN_BYTES + 8192L, "read " + stdin.read + " bytes");
    }

    @Test
    void twentyMegabytesOfStdinIsCode7() throws JsonException {
        byte[] big = new byte[20 << 20];
        java.util.Arrays.fill(big, (byte) ' ');
        assertEquals(1, run(addEnv(), new ByteArrayInputStream(big)));
        assertEquals(7L, stdoutJson().get("code"), stdout());
    }

    @Test
    void aConfigOfExactlyTheLimitReachesTheDaemon() throws Exception {
        Path socket = dir.resolve("d.sock");
        String config = config("1.0.0", socket);
        String padded = config + " ".repeat(Plugin.MAX_STDIN_BYTES - config.length());
        try (OneShotDaemon daemon = new OneShotDaemon(socket, "0\n{}")) {
            assertEquals(0, run(addEnv(), padded), stdout());
            assertEquals(padded, daemon.request().stdin());
        }
    }

    @Test
    void aDaemonThatNeverAnswersIsCode11NamingThePluginsDeadline() throws Exception {
        Path socket = dir.resolve("mute.sock");
        try (ServerSocketChannel mute = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            mute.bind(UnixDomainSocketAddress.of(socket)); // accepts nothing, answers nothing
            Map<String, String> env = addEnv();
            env.put(Plugin.DEADLINE_VARIABLE, "1");
            long started = System.nanoTime();
            int exit = run(env, config("1.0.0", socket));
            long millis = (System.nanoTime() - started) / 1_000_000;
            assertEquals(1, exit);
            Map<?, ?> json = stdoutJson();
            assertEquals(11L, json.get("code"), stdout());
            assertTrue(((String) json.get("msg")).contains("deadline of 1 s"), stdout());
            assertTrue(millis >= 900 && millis < 5000, millis + " ms");
        }
    }

    @Test
    void theDeadlineIsTwoHundredFortySecondsUnlessTheVariableSetsIt() throws Exception {
        assertEquals(java.time.Duration.ofSeconds(240), Plugin.deadline(null));
        assertEquals(java.time.Duration.ofSeconds(600), Plugin.deadline("600"));
    }

    @Test
    void aDeadlineVariableThatIsNoNumberOfSecondsIsCode4() throws JsonException {
        Map<String, String> env = addEnv();
        env.put(Plugin.DEADLINE_VARIABLE, "4m");
        assertEquals(1, run(env, config("1.0.0", dir.resolve("x.sock"))));
        assertEquals(4L, stdoutJson().get("code"), stdout());
        assertTrue(stdout().contains(Plugin.DEADLINE_VARIABLE), stdout());
    }
}
