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
import java.util.Map;

/**
 * The CNI executable's logic: answer VERSION, check the invocation, forward it to the daemon in one
 * round trip, print the daemon's answer. Kept free of any library so that a start costs only the JVM.
 */
public final class Plugin {
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
            config = new String(stdin.readAllBytes(), StandardCharsets.UTF_8);
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
        WireResponse response;
        try {
            response = new DaemonClient(Path.of(socketPath)).call(WireRequest.of(env, config));
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
