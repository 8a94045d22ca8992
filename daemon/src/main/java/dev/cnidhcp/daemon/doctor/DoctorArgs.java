package dev.cnidhcp.daemon.doctor;

import dev.cnidhcp.cni.CniRequest;
import dev.cnidhcp.plugin.CommandFlags;

import java.nio.file.Path;
import java.util.Set;

/**
 * The command line of {@code dhcp doctor [--json] [-socketpath P] [-confdir D] [-bindir D]} (Go flag
 * style, as the daemon's: {@code -name value}, {@code -name=value}, {@code --name}).
 */
record DoctorArgs(boolean json, Path socketPath, Path confDir, Path binDir) {
    static final String DEFAULT_CONF_DIR = "/etc/cni/net.d";
    static final String DEFAULT_BIN_DIR = "/opt/cni/bin";
    static final String USAGE = "usage: dhcp doctor [--json] [-socketpath PATH] [-confdir DIR] [-bindir DIR]\n"
            + "  --json            the checks as one JSON object instead of lines\n"
            + "  -socketpath PATH  the daemon's socket (default " + CniRequest.DEFAULT_SOCKET_PATH + ")\n"
            + "  -confdir DIR      the CNI config directory (default " + DEFAULT_CONF_DIR + ")\n"
            + "  -bindir DIR       the CNI binary directory (default " + DEFAULT_BIN_DIR + ")";

    /** Parses the arguments after {@code doctor}; throws {@link IllegalArgumentException} naming what is wrong. */
    static DoctorArgs parse(String... args) {
        CommandFlags flags = CommandFlags.parse(args, 0, Set.of("json"), Set.of("socketpath", "confdir", "bindir"));
        boolean json = flags.switches().contains("json");
        String socket = flags.value("socketpath", CniRequest.DEFAULT_SOCKET_PATH);
        String conf = flags.value("confdir", DEFAULT_CONF_DIR);
        String bin = flags.value("bindir", DEFAULT_BIN_DIR);
        return new DoctorArgs(json, Path.of(socket), Path.of(conf), Path.of(bin));
    }
}
