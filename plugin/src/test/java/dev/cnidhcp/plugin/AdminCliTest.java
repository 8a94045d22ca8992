package dev.cnidhcp.plugin;

import dev.cnidhcp.wire.WireRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code dhcp leases} and {@code dhcp status} against a stand-in daemon on a Unix socket. */
class AdminCliTest {
    private static final String HEALTHY = "{\"healthy\":true,\"problems\":[],\"warnings\":[],"
            + "\"socket\":{\"path\":\"/s\",\"present\":true},\"stateDir\":{\"path\":\"/d\",\"writable\":true,\"error\":\"\"},"
            + "\"leases\":{\"total\":0,\"byState\":{},\"lost\":0,\"initReboot\":0},\"lastAcquisitionFailure\":null}";

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return new AdminCli(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8),
                Clock.fixed(Instant.parse("2026-11-27T06:30:00Z"), ZoneOffset.UTC), ZoneOffset.UTC).run(args);
    }

    private String stdout() {
        return out.toString(StandardCharsets.UTF_8);
    }

    /** Answers one request with {@code answer} and hands over what it received. */
    private CompletableFuture<WireRequest> daemon(Path socket, String answer) throws IOException {
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        CompletableFuture<WireRequest> received = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try (server; SocketChannel client = server.accept()) {
                ByteArrayOutputStream request = new ByteArrayOutputStream();
                ByteBuffer buf = ByteBuffer.allocate(4096);
                while (client.read(buf) >= 0) {
                    request.write(buf.array(), 0, buf.position());
                    buf.clear();
                }
                client.write(ByteBuffer.wrap(answer.getBytes(StandardCharsets.UTF_8)));
                received.complete(WireRequest.decode(request.toByteArray()));
            } catch (Exception e) {
                received.completeExceptionally(e);
            }
        }, "stand-in-daemon");
        thread.setDaemon(true);
        thread.start();
        return received;
    }

    @Test
    void statusSendsDaemonStatusAndExits0WhenHealthy() throws Exception {
        Path socket = dir.resolve("d.sock");
        CompletableFuture<WireRequest> received = daemon(socket, "0\n" + HEALTHY);

        assertEquals(0, run("status", "-socketpath", socket.toString()));

        assertEquals(new WireRequest(Map.of("CNI_COMMAND", "DAEMON-STATUS", "DHCP_ADMIN", "1"), ""), received.get(5, TimeUnit.SECONDS));
        assertTrue(stdout().startsWith("healthy\n"), stdout());
    }

    @Test
    void statusExits1WhenUnhealthy() throws Exception {
        Path socket = dir.resolve("d.sock");
        daemon(socket, "0\n" + HEALTHY.replace("\"healthy\":true", "\"healthy\":false"));

        assertEquals(1, run("status", "-socketpath", socket.toString()));
        assertTrue(stdout().startsWith("unhealthy\n"), stdout());
    }

    @Test
    void statusExits2NamingTheSocketWhenNoDaemonListens() {
        Path socket = dir.resolve("absent.sock");

        assertEquals(2, run("status", "-socketpath", socket.toString()));
        assertTrue(stdout().startsWith("unreachable: no answer from the DHCP lease daemon at " + socket), stdout());
    }

    @Test
    void statusExits2WhenTheDaemonRefusesTheRequest() throws Exception {
        Path socket = dir.resolve("d.sock");
        daemon(socket, "1\n{\"code\":4,\"msg\":\"unknown CNI_COMMAND 'DAEMON-STATUS'\"}");

        assertEquals(2, run("status", "-socketpath", socket.toString()));
        assertTrue(stdout().contains("unknown CNI_COMMAND"), stdout());
    }

    /** A liveness probe must not restart a daemon whose request threads are all waiting on a server. */
    @Test
    void statusExits0WhenTheDaemonAnswersBusy() throws Exception {
        Path socket = dir.resolve("d.sock");
        daemon(socket, "1\n{\"cniVersion\":\"1.1.0\",\"code\":11,\"msg\":\"the DHCP daemon is busy\"}");

        assertEquals(0, run("status", "-socketpath", socket.toString()));
        assertTrue(stdout().startsWith("busy:"), stdout());
    }

    @Test
    void leasesJsonPrintsTheDaemonsArray() throws Exception {
        Path socket = dir.resolve("d.sock");
        String list = "[{\"container\":\"a\",\"state\":\"bound\"}]";
        CompletableFuture<WireRequest> received = daemon(socket, "0\n" + list);

        assertEquals(0, run("leases", "--json", "-socketpath", socket.toString()));

        assertEquals("LEASES", received.get(5, TimeUnit.SECONDS).env().get("CNI_COMMAND"));
        assertEquals(list + "\n", stdout());
    }

    @Test
    void leasesTableHasAHeader() throws Exception {
        Path socket = dir.resolve("d.sock");
        daemon(socket, "0\n[]");

        assertEquals(0, run("leases", "-socketpath", socket.toString()));
        assertTrue(stdout().startsWith("CONTAINER  NETWORK"), stdout());
    }

    @Test
    void leasesWithoutDaemonExits2OnStderr() {
        assertEquals(2, run("leases", "-socketpath", dir.resolve("absent.sock").toString()));
        assertEquals("", stdout());
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("absent.sock"));
    }

    @Test
    void badCommandLineExits2WithUsage() {
        assertEquals(2, run("leases", "--frob"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("usage: dhcp leases"));
    }

    @Test
    void anUnknownCommandIsAnsweredWithTheUsageOfEveryCommandDoctorIncluded() {
        assertEquals(2, run("frobnicate"));
        String usage = err.toString(StandardCharsets.UTF_8);
        assertTrue(usage.contains("expected 'leases', 'status', 'doctor' or 'daemon'"), usage);
        assertTrue(usage.contains("dhcp doctor [--json] [-socketpath PATH] [-confdir DIR] [-bindir DIR]"), usage);
    }
}
