package dev.cnidhcp.plugin;

import dev.cnidhcp.cni.CniException;
import dev.cnidhcp.cni.CniRequest;
import dev.cnidhcp.cni.Command;
import dev.cnidhcp.cni.CniVersion;
import dev.cnidhcp.cni.ErrorCode;
import dev.cnidhcp.wire.WireRequest;
import dev.cnidhcp.wire.WireResponse;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * The CNI executable's logic: answer VERSION, check the invocation, forward it to the daemon in one
 * round trip, print the daemon's answer. Kept free of any library so that a start costs only the JVM.
 */
public final class Plugin {
    /** The most network configuration read from stdin; more is refused with error 7 naming the limit. */
    public static final int MAX_STDIN_BYTES = 1 << 20;
    /**
     * How long the plugin waits for the daemon's answer by default: a little over the daemon's longest
     * ADD ({@code -resendtimeout}, 208 s by default), so that the daemon's own answer comes first.
     */
    public static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(240);
    /** Sets the deadline in seconds, for a daemon run with a longer {@code -resendtimeout}. */
    public static final String DEADLINE_VARIABLE = "CNI_DHCP_PLUGIN_TIMEOUT";

    private final Map<String, String> env;
    private final InputStream stdin;
    private final PrintStream stdout;

    public Plugin(Map<String, String> env, InputStream stdin, PrintStream stdout) {
        this.env = env;
        this.stdin = stdin;
        this.stdout = stdout;
    }

    /** Runs one invocation and returns the process exit code. */
    public int run() {
        String config;
        try {
            byte[] bytes = stdin.readNBytes(MAX_STDIN_BYTES + 1);
            if (bytes.length > MAX_STDIN_BYTES) {
                return fail(new CniException(ErrorCode.INVALID_NETWORK_CONFIG, "the network configuration on stdin is"
                        + " larger than the limit of " + MAX_STDIN_BYTES + " bytes (1 MiB)"), CniVersion.LATEST);
            }
            config = new String(bytes, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return fail(new CniException(ErrorCode.IO_FAILURE, "cannot read the network configuration from stdin: "
                    + e.getMessage()), CniVersion.LATEST);
        }
        if ("VERSION".equalsIgnoreCase(env.get("CNI_COMMAND"))) { // as Command.parse, any case
            stdout.print(CniVersion.versionInfoJson(CniRequest.versionOf(config, CniVersion.LATEST)));
            stdout.flush();
            return 0;
        }
        CniRequest request;
        try {
            request = CniRequest.parse(env, config);
        } catch (CniException e) {
            return fail(e, CniRequest.versionOf(config)); // the config is parsed again only on this path
        }
        String socketPath = request.socketPath();
        Duration deadline;
        try {
            deadline = deadline(env.get(DEADLINE_VARIABLE));
        } catch (CniException e) {
            return fail(e, request.cniVersion());
        }
        WireRequest wire = WireRequest.of(env, config);
        WireResponse response;
        try {
            response = new DaemonClient(Path.of(socketPath), deadline).call(wire);
        } catch (DaemonClient.TooLargeException e) {
            return fail(new CniException(ErrorCode.INVALID_NETWORK_CONFIG, e.getMessage()), request.cniVersion());
        } catch (DaemonClient.DeadlineException e) {
            return fail(new CniException(ErrorCode.TRY_AGAIN_LATER, "the DHCP lease daemon at " + socketPath
                    + " did not answer within the plugin's deadline of " + deadline.toSeconds() + " s",
                    "is the daemon overloaded or stuck? A daemon run with a -resendtimeout above "
                            + DEFAULT_DEADLINE.toSeconds() + " s needs " + DEADLINE_VARIABLE + " (seconds) set"
                            + " higher in the runtime's environment"), request.cniVersion());
        } catch (IOException | RuntimeException e) {
            // STATUS reports "cannot serve ADD" (50); every other command is worth retrying (11).
            int code = request.command() == Command.STATUS ? ErrorCode.STATUS_CANNOT_SERVE_ADD : ErrorCode.TRY_AGAIN_LATER;
            return fail(new CniException(code, "cannot reach the DHCP lease daemon at " + socketPath + ": "
                    + describe(e), "start it with 'dhcp daemon -socketpath " + socketPath
                            + "' (systemd: 'systemctl start cni-dhcp.socket')"), request.cniVersion());
        }
        stdout.print(response.stdout());
        stdout.flush();
        return response.exitCode();
    }

    /** The deadline from {@value #DEADLINE_VARIABLE}, or the default when it is unset. */
    static Duration deadline(String seconds) throws CniException {
        if (seconds == null || seconds.isEmpty()) {
            return DEFAULT_DEADLINE;
        }
        try {
            long n = Long.parseLong(seconds.trim());
            if (n > 0 && n <= 86_400) {
                return Duration.ofSeconds(n);
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new CniException(ErrorCode.INVALID_ENVIRONMENT, DEADLINE_VARIABLE + "=\"" + seconds
                + "\" is not a number of seconds (1..86400)");
    }

    private int fail(CniException e, String version) {
        stdout.print(e.toJson(version));
        stdout.flush();
        return 1;
    }

    private static String describe(Exception e) {
        String message = e.getMessage();
        return message == null ? e.getClass().getSimpleName() : message;
    }
}
