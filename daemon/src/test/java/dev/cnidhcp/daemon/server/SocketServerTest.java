package dev.cnidhcp.daemon.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cnidhcp.cni.ErrorCode;
import dev.cnidhcp.daemon.cni.CniHandler;
import dev.cnidhcp.daemon.cni.HostPaths;
import dev.cnidhcp.daemon.cni.Peer;
import dev.cnidhcp.daemon.cni.ResultRenderer;
import dev.cnidhcp.wire.WireRequest;
import dev.cnidhcp.wire.WireResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The socket server on a real Unix socket in a temporary directory; peers' credentials are given. */
class SocketServerTest {
    private static final Logger SERVER_LOG = Logger.getLogger("dev.cnidhcp.daemon.server");

    static {
        SERVER_LOG.setLevel(Level.OFF); // refusals are logged as warnings
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int DAEMON_UID = 990;
    private static final Duration READ_TIMEOUT = Duration.ofMillis(300);
    private static final byte[] VERSION_REQUEST = new WireRequest(Map.of("CNI_COMMAND", "VERSION"),
            "{\"cniVersion\":\"1.0.0\"}").encode();

    @TempDir
    Path dir;
    private SocketServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    /** VERSION needs no leases, so the handler runs without any. */
    private Path start(Peer everyPeer, ExecutorService requests) throws IOException {
        Path path = dir.resolve("dhcp.sock");
        CniHandler handler = new CniHandler(null, new ResultRenderer(), new HostPaths(""), Duration.ofSeconds(1),
                Clock.systemUTC(), new dev.cnidhcp.daemon.metrics.DaemonMetrics(), null);
        SocketPolicy policy = new SocketPolicy(PeerPolicy.NO_GROUP,
                new PeerPolicy(DAEMON_UID, PeerPolicy.NO_GROUP, pid -> Set.of()), channel -> everyPeer, READ_TIMEOUT);
        server = new SocketServer(path, handler, requests, policy);
        server.start();
        return path;
    }

    private static ExecutorService pool(int threads) {
        return new ThreadPoolExecutor(threads, threads, 1, TimeUnit.SECONDS, new LinkedBlockingQueue<>(8));
    }

    private static SocketChannel connect(Path path) throws IOException {
        SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX);
        c.connect(UnixDomainSocketAddress.of(path));
        return c;
    }

    /** What the plugin does: send, half-close, read the answer to the end. */
    private static WireResponse call(Path path) throws IOException {
        try (SocketChannel c = connect(path)) {
            c.write(ByteBuffer.wrap(VERSION_REQUEST));
            c.shutdownOutput();
            return readAnswer(c);
        }
    }

    private static WireResponse readAnswer(SocketChannel c) throws IOException {
        ByteArrayOutputStream answer = new ByteArrayOutputStream();
        ByteBuffer in = ByteBuffer.allocate(4096);
        while (c.read(in) >= 0) {
            answer.write(in.array(), 0, in.position());
            in.clear();
        }
        return WireResponse.decode(answer.toByteArray());
    }

    private static JsonNode json(WireResponse r) throws IOException {
        return JSON.readTree(r.stdout());
    }

    @Test
    void rootIsAnswered() throws IOException {
        Path path = start(new Peer(1, 0, 0), pool(2));
        WireResponse r = call(path);
        assertEquals(0, r.exitCode(), r.stdout());
        assertTrue(json(r).has("supportedVersions"), r.stdout());
    }

    @Test
    void anotherUserIsRefusedWithCode105NamingItsUidAndGid() throws IOException {
        Path path = start(new Peer(4321, 65534, 65533), pool(2));
        WireResponse r = call(path);
        assertEquals(1, r.exitCode());
        JsonNode error = json(r);
        assertEquals(ErrorCode.PERMISSION_DENIED, error.get("code").asInt(), r.stdout());
        String msg = error.get("msg").asText();
        assertTrue(msg.contains("uid 65534") && msg.contains("gid 65533"), msg);
        assertTrue(!error.has("supportedVersions"), "the request was not answered: " + r.stdout());
    }

    @Test
    void aClientThatNeverSendsIsClosedAfterTheReadTimeout() throws IOException {
        Path path = start(new Peer(1, 0, 0), pool(2));
        try (SocketChannel silent = connect(path)) {
            long started = System.nanoTime();
            assertEquals(-1, silent.read(ByteBuffer.allocate(16)), "closed without an answer");
            long waitedMillis = (System.nanoTime() - started) / 1_000_000;
            assertTrue(waitedMillis >= READ_TIMEOUT.toMillis() - 50 && waitedMillis < 5000, waitedMillis + " ms");
        }
    }

    @Test
    void aSlowClientDoesNotBlockOthers() throws IOException {
        Path path = start(new Peer(1, 0, 0), pool(2));
        try (SocketChannel slow = connect(path)) {
            slow.write(ByteBuffer.wrap(VERSION_REQUEST, 0, 10)); // part of a request, never finished
            long started = System.nanoTime();
            assertEquals(0, call(path).exitCode());
            assertTrue((System.nanoTime() - started) / 1_000_000 < READ_TIMEOUT.toMillis(),
                    "answered while the slow client still held its thread");
        }
    }

    @Test
    void aSlowClientHoldsTheOnlyThreadOnlyUntilItsReadTimeout() throws IOException {
        Path path = start(new Peer(1, 0, 0), pool(1));
        try (SocketChannel silent = connect(path)) {
            long started = System.nanoTime();
            assertEquals(0, call(path).exitCode()); // queued behind the silent client, then answered
            long waitedMillis = (System.nanoTime() - started) / 1_000_000;
            assertTrue(waitedMillis < READ_TIMEOUT.toMillis() + 2000, waitedMillis + " ms");
        }
    }

    @Test
    void whenEveryThreadIsBusyAndNothingCanQueueTheAnswerIsBusyRetry() throws IOException {
        ExecutorService noQueue = new ThreadPoolExecutor(1, 1, 1, TimeUnit.SECONDS, new SynchronousQueue<>());
        Path path = start(new Peer(1, 0, 0), noQueue);
        try (SocketChannel silent = connect(path)) {
            sleep(100); // the silent client now holds the only thread
            WireResponse r = call(path);
            assertEquals(1, r.exitCode());
            JsonNode error = json(r);
            assertEquals(ErrorCode.TRY_AGAIN_LATER, error.get("code").asInt(), r.stdout());
            assertTrue(error.get("msg").asText().contains("retry"), r.stdout());
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
