package dev.cnidhcp.plugin;

import dev.cnidhcp.cni.ErrorCode;
import dev.cnidhcp.json.JsonException;
import dev.cnidhcp.json.MiniJson;
import dev.cnidhcp.wire.AdminCommand;
import dev.cnidhcp.wire.WireResponse;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;

/**
 * {@code dhcp leases} and {@code dhcp status}: one admin request over the daemon's socket
 * ({@link AdminCommand}), its answer printed for people (or as JSON). Exit codes: 0 success (status:
 * healthy), 1 status: unhealthy, 2 no answer from the daemon (or a bad command line).
 */
public final class AdminCli {
    /** How long to wait for the daemon before giving up (a liveness probe must not hang). */
    static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(10);

    private final PrintStream out;
    private final PrintStream err;
    private final Clock clock;
    private final ZoneId zone;

    public AdminCli(PrintStream out, PrintStream err, Clock clock, ZoneId zone) {
        this.out = out;
        this.err = err;
        this.clock = clock;
        this.zone = zone;
    }

    /** Runs one command ({@code leases ...} or {@code status ...}) and returns the exit code. */
    public int run(String... args) {
        AdminArgs parsed;
        try {
            parsed = AdminArgs.parse(args);
        } catch (IllegalArgumentException e) {
            err.println("dhcp: " + e.getMessage());
            err.println(AdminArgs.USAGE);
            return 2;
        }
        boolean status = parsed.verb().equals("status");
        String command = status ? AdminCommand.DAEMON_STATUS : AdminCommand.LEASES;
        String text;
        Object answer;
        try {
            text = ask(parsed.socketPath(), command);
            answer = MiniJson.parse(text);
        } catch (BusyException e) {
            // Every request thread is taken (e.g. ADDs waiting for an absent server): the daemon is
            // alive, and a liveness probe must not restart it in the middle of that.
            (status ? out : err).println("busy: the DHCP lease daemon at " + parsed.socketPath()
                    + " answered, but every request thread is in use; retry for details");
            return status ? 0 : 2;
        } catch (IOException | JsonException e) {
            (status ? out : err).println("unreachable: no answer from the DHCP lease daemon at " + parsed.socketPath()
                    + ": " + e.getMessage() + " (is it running? 'dhcp daemon -socketpath " + parsed.socketPath() + "')");
            return 2;
        }
        if (status) {
            if (!(answer instanceof Map<?, ?> report)) {
                out.println("unreachable: the daemon at " + parsed.socketPath() + " answered something else than a status");
                return 2;
            }
            out.print(new StatusReport(clock, zone).render(report));
            return Boolean.TRUE.equals(report.get("healthy")) ? 0 : 1;
        }
        if (!(answer instanceof List<?> leases)) {
            err.println("dhcp: the daemon at " + parsed.socketPath() + " answered something else than a lease list");
            return 2;
        }
        out.print(parsed.json() ? text + "\n" : new LeasesTable(clock, zone).render(leases));
        return 0;
    }

    /** One round trip, at most {@link #ANSWER_TIMEOUT}; the answer's JSON text. */
    private static String ask(Path socket, String command) throws IOException {
        String[] text = new String[1];
        IOException[] failure = new IOException[1];
        Thread call = new Thread(() -> {
            try {
                WireResponse response = new DaemonClient(socket, ANSWER_TIMEOUT.plusSeconds(1)).call(AdminCommand.request(command));
                if (response.exitCode() != 0) {
                    if (isTryAgainLater(response.stdout())) {
                        throw new BusyException(response.stdout());
                    }
                    throw new IOException("it refused " + command + ": " + response.stdout());
                }
                text[0] = response.stdout();
            } catch (IOException e) {
                failure[0] = e;
            } catch (RuntimeException e) {
                failure[0] = new IOException(e.getMessage(), e);
            }
        }, "admin-request");
        call.setDaemon(true);
        call.start();
        try {
            call.join(ANSWER_TIMEOUT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
        if (call.isAlive()) {
            throw new IOException("no answer within " + ANSWER_TIMEOUT.toSeconds() + " s");
        }
        if (failure[0] != null) {
            throw failure[0];
        }
        return text[0];
    }

    private static boolean isTryAgainLater(String error) {
        try {
            return MiniJson.parse(error) instanceof Map<?, ?> json && json.get("code") instanceof Long code
                    && code == ErrorCode.TRY_AGAIN_LATER;
        } catch (JsonException e) {
            return false;
        }
    }

    /** The daemon answered "try again later" (11): it is up, but has no free request thread. */
    private static final class BusyException extends IOException {
        BusyException(String answer) {
            super(answer);
        }
    }
}
