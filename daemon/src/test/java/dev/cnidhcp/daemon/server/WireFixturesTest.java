package dev.cnidhcp.daemon.server;

import dev.cnidhcp.daemon.cni.Answer;
import dev.cnidhcp.daemon.cni.CniHandler;
import dev.cnidhcp.daemon.cni.HostPaths;
import dev.cnidhcp.daemon.cni.Peer;
import dev.cnidhcp.daemon.cni.RequestHandler;
import dev.cnidhcp.daemon.cni.ResultRenderer;
import dev.cnidhcp.daemon.metrics.DaemonMetrics;
import dev.cnidhcp.json.JsonException;
import dev.cnidhcp.wire.AdminCommand;
import dev.cnidhcp.wire.WireRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.BlockingQueue;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The daemon's side of the golden wire fixtures in {@code testdata/wire}: each fixture request is
 * sent as the plugin sends it (write, half-close, read to the end) to a real {@link SocketServer}
 * whose handler is the daemon's {@link CniHandler}; what the handler is given must be the CNI
 * variables and the stdin the request was made of, and where the fixture has an answer the bytes
 * that come back must be exactly it. Malformed requests and the size bound are answered as their
 * fixtures say. The plugin's side is the plugin module's WireFixturesTest.
 */
class WireFixturesTest {
    private static final Path FIXTURES = Path.of(System.getProperty("wire.fixtures", "../testdata/wire"));
    private static final Logger DAEMON_LOG = Logger.getLogger("dev.cnidhcp.daemon");

    static {
        DAEMON_LOG.setLevel(Level.OFF); // requests without a lease manager behind them fail loudly
    }

    @TempDir
    Path dir;
    private SocketServer server;
    private Path socket;
    private final BlockingQueue<WireRequest> received = new LinkedBlockingQueue<>();

    @BeforeEach
    void start() throws IOException {
        // No lease manager: the fixtures' answers are decided by the CNI checks, before any lease.
        CniHandler cni = new CniHandler(null, new ResultRenderer(), new HostPaths(""), Duration.ofSeconds(1),
                Clock.systemUTC(), new DaemonMetrics(), null);
        RequestHandler recording = new RequestHandler() {
            @Override
            public Answer answer(WireRequest request, Peer peer) {
                received.add(request);
                return AdminCommand.isAdmin(request) ? Answer.of(new dev.cnidhcp.wire.WireResponse(0, "[]"))
                        : cni.answer(request, peer);
            }

            @Override
            public Answer undecodable(JsonException e) {
                return cni.undecodable(e);
            }
        };
        socket = dir.resolve("dhcp.sock");
        Peer root = new Peer(1, 0, 0);
        SocketPolicy policy = new SocketPolicy(PeerPolicy.NO_GROUP, new PeerPolicy(0, PeerPolicy.NO_GROUP, pid -> Set.of()),
                fd -> root, Duration.ofSeconds(10));
        server = new SocketServer(socket, recording, new RequestLanes(pool(), pool()), policy);
        server.start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private static ThreadPoolExecutor pool() {
        return new ThreadPoolExecutor(2, 2, 1, TimeUnit.SECONDS, new LinkedBlockingQueue<>(8));
    }

    /** What the plugin does: write the request, half-close, read the answer to the end. */
    private byte[] roundTrip(byte[] request) throws IOException {
        try (SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            c.connect(UnixDomainSocketAddress.of(socket));
            ByteBuffer out = ByteBuffer.wrap(request);
            while (out.hasRemaining()) {
                c.write(out);
            }
            c.shutdownOutput();
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            ByteBuffer in = ByteBuffer.allocate(8192);
            while (c.read(in) >= 0) {
                answer.write(in.array(), 0, in.position());
                in.clear();
            }
            return answer.toByteArray();
        }
    }

    private WireRequest takeReceived() throws InterruptedException {
        WireRequest request = received.poll(5, TimeUnit.SECONDS);
        assertNotNull(request, "the handler was given no request");
        return request;
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String text(Path file) {
        return new String(read(file), StandardCharsets.UTF_8);
    }

    private static List<String> cases(Path where, String suffix) {
        try (Stream<Path> files = Files.list(where)) {
            List<String> names = new ArrayList<>();
            files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(suffix)).sorted()
                    .forEach(n -> names.add(n.substring(0, n.length() - suffix.length())));
            assertFalse(names.isEmpty(), "no " + suffix + " fixtures in " + where.toAbsolutePath());
            return names;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The CNI_* entries of a NUL-separated environment; the first of duplicate keys counts. */
    private static Map<String, String> cniVariables(byte[] environ) {
        Map<String, String> env = new LinkedHashMap<>();
        int start = 0;
        for (int i = 0; i < environ.length; i++) {
            if (environ[i] == 0) {
                String entry = new String(environ, start, i - start, StandardCharsets.UTF_8);
                int eq = entry.indexOf('=');
                if (entry.startsWith("CNI_")) {
                    env.putIfAbsent(entry.substring(0, eq), entry.substring(eq + 1));
                }
                start = i + 1;
            }
        }
        return new TreeMap<>(env);
    }

    private static String show(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    @TestFactory
    Stream<DynamicTest> eachRequestReachesTheHandlerAsItsCniVariablesAndStdinAndIsAnsweredAsItsFixtureSays() {
        Path requests = FIXTURES.resolve("requests");
        return cases(requests, ".request.json").stream().map(name -> DynamicTest.dynamicTest(name, () -> {
            byte[] answer = roundTrip(read(requests.resolve(name + ".request.json")));
            WireRequest got = takeReceived();
            assertEquals(cniVariables(read(requests.resolve(name + ".environ"))), new TreeMap<>(got.env()));
            assertEquals(text(requests.resolve(name + ".stdin")), got.stdin());
            Path expected = requests.resolve(name + ".answer.txt");
            if (Files.exists(expected)) {
                assertEquals(text(expected), show(answer));
                assertTrue(Arrays.equals(read(expected), answer), "byte for byte");
            }
        }));
    }

    @TestFactory
    Stream<DynamicTest> eachMalformedRequestIsAnsweredExactlyAsItsFixtureSays() {
        Path malformed = FIXTURES.resolve("malformed-requests");
        return cases(malformed, ".request.json").stream().map(name -> DynamicTest.dynamicTest(name, () -> {
            byte[] answer = roundTrip(read(malformed.resolve(name + ".request.json")));
            assertEquals(text(malformed.resolve(name + ".answer.txt")), show(answer));
            assertTrue(received.isEmpty(), "a malformed request reaches no handler");
        }));
    }

    @Test
    void theAdminRequestsAreRecognizedAsAdminRequests() throws Exception {
        for (String name : List.of("leases", "daemon-status")) {
            assertEquals("0\n[]", show(roundTrip(read(FIXTURES.resolve("admin/" + name + ".request.json")))), name);
            assertTrue(AdminCommand.isAdmin(takeReceived()), name);
        }
    }

    /** plain-add's request with its stdin padded by spaces so that the request is {@code size} bytes. */
    private static byte[] paddedRequest(int size) {
        String request = text(FIXTURES.resolve("requests/plain-add.request.json"));
        int close = request.length() - 2; // before the stdin's closing quote and the final brace
        byte[] head = request.substring(0, close).getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[size];
        System.arraycopy(head, 0, out, 0, head.length);
        Arrays.fill(out, head.length, size - 2, (byte) ' ');
        out[size - 2] = '"';
        out[size - 1] = '}';
        return out;
    }

    @Test
    void aRequestOfExactlyTheLimitIsDecoded() throws Exception {
        byte[] request = paddedRequest(WireRequest.MAX_BYTES);
        roundTrip(request);
        WireRequest got = takeReceived();
        assertEquals("ADD", got.env().get("CNI_COMMAND"));
        String config = text(FIXTURES.resolve("requests/plain-add.stdin"));
        assertEquals(config + " ".repeat(got.stdin().length() - config.length()), got.stdin());
        assertEquals(WireRequest.MAX_BYTES, got.encode().length, "the same request, re-encoded");
    }

    @Test
    void aRequestOneByteOverTheLimitIsAnsweredError5AndReachesNoHandler() throws Exception {
        byte[] answer = roundTrip(paddedRequest(WireRequest.MAX_BYTES + 1));
        assertEquals("1\n{\"cniVersion\":\"1.1.0\",\"code\":5,\"msg\":\"request larger than 2097152 bytes\"}", show(answer));
        assertTrue(received.isEmpty());
    }
}
