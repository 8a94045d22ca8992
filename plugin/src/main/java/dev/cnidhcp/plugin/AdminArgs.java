package dev.cnidhcp.plugin;

import dev.cnidhcp.cni.CniRequest;

import java.nio.file.Path;
import java.util.Set;

/**
 * The command line of {@code dhcp leases [--json] [-socketpath PATH]} and
 * {@code dhcp status [-socketpath PATH]} (Go flag style, as the daemon's: {@code -name value},
 * {@code -name=value}, {@code --name}).
 *
 * @param verb       {@code leases} or {@code status}
 * @param json       {@code --json}: print the daemon's JSON instead of a table (leases only)
 * @param socketPath the daemon's socket, by default the plugin's default
 */
record AdminArgs(String verb, boolean json, Path socketPath) {
    static final String USAGE = "usage: dhcp leases [--json] [-socketpath PATH]\n"
            + "       dhcp status [-socketpath PATH]\n"
            + "       dhcp doctor [--json] [-socketpath PATH] [-confdir DIR] [-bindir DIR]\n"
            + "       dhcp daemon [flags]   (dhcp daemon -h lists them)\n"
            + "  -socketpath PATH  the daemon's socket (default " + CniRequest.DEFAULT_SOCKET_PATH + ")\n"
            + "  --json            leases: the daemon's JSON array instead of a table; doctor: the checks as JSON\n"
            + "  doctor: the node's troubleshooting checklist (config, binaries, daemon, each lease's pod)";

    /** Parses the arguments after the program name; throws naming what is wrong. */
    static AdminArgs parse(String... args) {
        if (args.length == 0 || !(args[0].equals("leases") || args[0].equals("status"))) {
            throw new IllegalArgumentException("expected 'leases', 'status', 'doctor' or 'daemon'");
        }
        String verb = args[0];
        CommandFlags flags = CommandFlags.parse(args, 1, verb.equals("leases") ? Set.of("json") : Set.of(),
                Set.of("socketpath"));
        boolean json = flags.switches().contains("json");
        String socket = flags.value("socketpath", CniRequest.DEFAULT_SOCKET_PATH);
        return new AdminArgs(verb, json, Path.of(socket));
    }
}
