package dev.cnidhcp.daemon.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cnidhcp.cni.ErrorCode;
import dev.cnidhcp.daemon.cni.Answer;
import dev.cnidhcp.daemon.cni.CniHandler;
import dev.cnidhcp.daemon.cni.HostPaths;
import dev.cnidhcp.daemon.cni.Peer;
import dev.cnidhcp.daemon.cni.RequestHandler;
import dev.cnidhcp.daemon.cni.ResultRenderer;
import dev.cnidhcp.daemon.metrics.DaemonMetrics;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The socket server on a real Unix socket in a temporary directory, with real threads; peers' credentials are given. */
class SocketServerTest {
    private static final Logger SERVER_LOG = Logger.getLogger("dev.cnidhcp.daemon.server");

    static {
        SERVER_LOG.setLevel(Level.OFF); // refusals are logged as warnings
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int DAEMON_UID = 990;
    private static final Duration READ_TIMEOUT = Duration.ofMillis(300);
    private static final Peer ROOT = new Peer(1, 0, 0);

    @TempDir
    Path dir;
    private SocketServer server;
    /** Released at the end of every test, so that no hanging handler outlives it. */
    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void stop() {
        release.countDown();
        if (server != null) {
            server.close();
        }
    }

    private static byte[] request(String command, String containerId) {
        return new WireRequest(Map.of("CNI_COMMAND", command, "CNI_CONTAINERID", containerId),
                "{\"cniVersion\":\"1.0.0\"}").encode();
    }

    /** The daemon's handler: VERSION needs no leases, so it runs without any. */
    private static CniHandler versionOnly() {
        return new CniHandler(null, new ResultRenderer(), new HostPaths(""), Duration.ofSeconds(1),
                Clock.systemUTC(), new DaemonMetrics(), null);
    }

    private Path start(Peer everyPeer, RequestHandler handler, ExecutorService adds, ExecutorService others)
            throws IOException {
        Path path = dir.resolve("dhcp.sock");
        SocketPolicy policy = new SocketPolicy(PeerPolicy.NO_GROUP,
                new PeerPolicy(DAEMON_UID, PeerPolicy.NO_GROUP, pid -> Set.of()), fd -> everyPeer, READ_TIMEOUT);
        server = new SocketServer(path, handler, new RequestLanes(adds, others), policy);
        server.start();
        return path;
    }

    private Path start(Peer everyPeer) throws IOException {
        return start(everyPeer, versionOnly(), pool(2, 8), pool(2, 8));
    }

    private static ThreadPoolExecutor pool(int threads, int queue) {
        return new ThreadPoolExecutor(threads, threads, 1, TimeUnit.SECONDS,
                queue == 0 ? new SynchronousQueue<>() : new LinkedBlockingQueue<>(queue));
    }

    /** A handler whose ADDs wait for the end of the test (as ADDs do when no DHCP server answers). */
    private RequestHandler hangingAdds(AtomicInteger addsStarted, ConcurrentLinkedQueue<String> started) {
        return (request, peer) -> {
            String command = request.env().get("CNI_COMMAND");
            started.add(command + " " + request.env().get("CNI_CONTAINERID"));
            if (command.equals("ADD")) {
                addsStarted.incrementAndGet();
                await(release);
            }
            return Answer.of(new WireResponse(0, "{\"answered\":\"" + command + "\"}"));
        };
    }

    private static SocketChannel connect(Path path) throws IOException {
        SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX);
        c.connect(UnixDomainSocketAddress.of(path));
        return c;
    }

    /** What the plugin does before it waits: send, half-close. */
    private static SocketChannel send(Path path, byte[] request) throws IOException {
        SocketChannel c = connect(path);
        c.write(ByteBuffer.wrap(request));
        c.shutdownOutput();
        return c;
    }

    /** What the plugin does: send, half-close, read the answer to the end. */
    private static WireResponse call(Path path, byte[] request) throws IOException {
        try (SocketChannel c = send(path, request)) {
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
        Path path = start(ROOT);
        WireResponse r = call(path, request("VERSION", ""));
        assertEquals(0, r.exitCode(), r.stdout());
        assertTrue(json(r).has("supportedVersions"), r.stdout());
    }

    @Test
    void anotherUserIsRefusedWithCode105NamingItsUidAndGid() throws IOException {
        Path path = start(new Peer(4321, 65534, 65533));
        WireResponse r = call(path, request("VERSION", ""));
        assertEquals(1, r.exitCode());
        JsonNode error = json(r);
        assertEquals(ErrorCode.PERMISSION_DENIED, error.get("code").asInt(), r.stdout());
        String msg = error.get("msg").asText();
        assertTrue(msg.contains("uid 65534") && msg.contains("gid 65533"), msg);
        assertTrue(!error.has("supportedVersions"), "the request was not answered: " + r.stdout());
    }

    @Test
    void aClientThatNeverSendsIsClosedAfterTheReadTimeout() throws IOException {
        Path path = start(ROOT);
        try (SocketChannel silent = connect(path)) {
            long started = System.nanoTime();
            assertEquals(-1, silent.read(ByteBuffer.allocate(16)), "closed without an answer");
            long waitedMillis = (System.nanoTime() - started) / 1_000_000;
            assertTrue(waitedMillis >= READ_TIMEOUT.toMillis() - 50 && waitedMillis < 5000, waitedMillis + " ms");
        }
    }

    @Test
    void aSilentClientIsClosedAtItsReadTimeoutWhileEveryLaneIsBusy() throws IOException {
        AtomicInteger adds = new AtomicInteger();
        Path path = start(ROOT, hangingAdds(adds, new ConcurrentLinkedQueue<>()), pool(1, 0), pool(1, 0));
        try (SocketChannel hung = send(path, request("ADD", "hung")); SocketChannel silent = connect(path)) {
            long started = System.nanoTime();
            assertEquals(-1, silent.read(ByteBuffer.allocate(16)), "closed without an answer");
            long waitedMillis = (System.nanoTime() - started) / 1_000_000;
            assertTrue(waitedMillis < READ_TIMEOUT.toMillis() + 1000, waitedMillis + " ms");
        }
    }

    @Test
    void silentAndSlowClientsHoldNoThread() throws IOException {
        Path path = start(ROOT, versionOnly(), pool(1, 0), pool(1, 0));
        List<SocketChannel> idle = new ArrayList<>();
        try {
            for (int i = 0; i < 5; i++) {
                SocketChannel c = connect(path);
                if (i % 2 == 0) {
                    c.write(ByteBuffer.wrap(request("VERSION", ""), 0, 10)); // part of a request, never finished
                }
                idle.add(c);
            }
            long started = System.nanoTime();
            assertEquals(0, call(path, request("VERSION", "")).exitCode());
            assertTrue((System.nanoTime() - started) / 1_000_000 < READ_TIMEOUT.toMillis(),
                    "answered by the only request thread while five clients sent nothing whole");
        } finally {
            for (SocketChannel c : idle) {
                c.close();
            }
        }
    }

    @Test
    void whenTheAddLaneIsFullAnAddIsAnsweredBusyRetryAndADelStillRuns() throws IOException {
        AtomicInteger adds = new AtomicInteger();
        Path path = start(ROOT, hangingAdds(adds, new ConcurrentLinkedQueue<>()), pool(1, 0), pool(1, 0));
        try (SocketChannel hung = send(path, request("ADD", "first"))) {
            waitFor(() -> adds.get() == 1, "the first ADD runs");
            WireResponse r = call(path, request("ADD", "second"));
            assertEquals(1, r.exitCode());
            JsonNode error = json(r);
            assertEquals(ErrorCode.TRY_AGAIN_LATER, error.get("code").asInt(), r.stdout());
            assertTrue(error.get("msg").asText().contains("retry"), r.stdout());
            assertEquals(0, call(path, request("DEL", "first")).exitCode());
        }
    }

    @Test
    void twoHundredDelsAreAnsweredPromptlyWhile130AddsHang() throws Exception {
        AtomicInteger adds = new AtomicInteger();
        // the daemon's lanes: 128 ADD threads and a queue, 16 threads for the rest
        Path path = start(ROOT, hangingAdds(adds, new ConcurrentLinkedQueue<>()), pool(128, 1024), pool(16, 1024));
        List<SocketChannel> hung = new ArrayList<>();
        ExecutorService clients = Executors.newFixedThreadPool(20);
        try {
            for (int i = 0; i < 130; i++) {
                hung.add(send(path, request("ADD", "pod" + i)));
            }
            waitFor(() -> adds.get() == 128, "128 ADDs run, 2 wait");
            long started = System.nanoTime();
            List<Future<WireResponse>> dels = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                String id = "pod" + i;
                dels.add(clients.submit(() -> call(path, request("DEL", id))));
            }
            for (Future<WireResponse> del : dels) {
                WireResponse r = del.get(10, TimeUnit.SECONDS);
                assertEquals(0, r.exitCode(), r.stdout());
                assertTrue(r.stdout().contains("DEL"), r.stdout());
            }
            long millis = (System.nanoTime() - started) / 1_000_000;
            assertTrue(millis < 2000, "200 DELs answered in " + millis + " ms while ADDs hung");
            assertEquals(128, adds.get(), "no ADD finished meanwhile");
            release.countDown();
            for (SocketChannel c : hung) {
                assertEquals(0, readAnswer(c).exitCode(), "each ADD answered once released");
            }
            waitFor(() -> server.bytesInFlight() == 0, "every request's bytes released");
        } finally {
            clients.shutdownNow();
            for (SocketChannel c : hung) {
                c.close();
            }
        }
    }

    @Test
    void aRequestWhoseCallerHungUpWhileItWaitedIsNotStarted() throws Exception {
        AtomicInteger adds = new AtomicInteger();
        ConcurrentLinkedQueue<String> started = new ConcurrentLinkedQueue<>();
        ThreadPoolExecutor addLane = pool(1, 8);
        Path path = start(ROOT, hangingAdds(adds, started), addLane, pool(1, 8));
        try (SocketChannel first = send(path, request("ADD", "first"))) {
            waitFor(() -> adds.get() == 1, "the first ADD runs");
            SocketChannel gone = send(path, request("ADD", "gone"));
            waitFor(() -> addLane.getQueue().size() == 1, "the second ADD waits in the lane's queue");
            gone.close(); // the caller gives up (the plugin's deadline, or the runtime killed it)
            release.countDown();
            assertEquals(0, readAnswer(first).exitCode());
            waitFor(() -> addLane.getCompletedTaskCount() == 2, "both tasks have run");
            assertEquals(List.of("ADD first"), List.copyOf(started), "the ADD of a caller that had gone never started");
        }
    }

    @Test
    void anAddThatCompletesAfterItsCallerIsGoneIsUndone() throws Exception {
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch undone = new CountDownLatch(1);
        RequestHandler handler = (request, peer) -> {
            running.countDown();
            await(release);
            return new Answer(new WireResponse(0, "{\"ips\":[]}"), undone::countDown);
        };
        Path path = start(ROOT, handler, pool(1, 0), pool(1, 0));
        SocketChannel caller = send(path, request("ADD", "late"));
        assertTrue(running.await(5, TimeUnit.SECONDS));
        caller.close();
        release.countDown();
        assertTrue(undone.await(5, TimeUnit.SECONDS), "the lease of an ADD nobody received is released");
    }

    @Test
    void anAddWhoseCallerWaitsIsDeliveredAndNotUndone() throws Exception {
        AtomicInteger undone = new AtomicInteger();
        RequestHandler handler = (request, peer) ->
                new Answer(new WireResponse(0, "{\"ips\":[]}"), undone::incrementAndGet);
        Path path = start(ROOT, handler, pool(1, 0), pool(1, 0));
        assertEquals(0, call(path, request("ADD", "kept")).exitCode());
        assertEquals(0, undone.get());
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void waitFor(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out waiting until " + what);
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
