package dev.cnidhcp.daemon.doctor;

import dev.cnidhcp.cni.CniRequest;

import java.nio.file.Path;

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
        boolean json = false;
        String socket = CniRequest.DEFAULT_SOCKET_PATH;
        String conf = DEFAULT_CONF_DIR;
        String bin = DEFAULT_BIN_DIR;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String name = arg.startsWith("--") ? arg.substring(2) : arg.startsWith("-") ? arg.substring(1) : null;
            if (name == null || name.isEmpty()) {
                throw new IllegalArgumentException("unexpected argument '" + arg + "'");
            }
            String value = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            if (name.equals("json")) {
                if (value != null && !value.equals("true")) {
                    throw new IllegalArgumentException("-json takes no value");
                }
                json = true;
                continue;
            }
            if (!(name.equals("socketpath") || name.equals("confdir") || name.equals("bindir"))) {
                throw new IllegalArgumentException("flag provided but not defined: -" + name);
            }
            if (value == null) {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("flag needs an argument: -" + name);
                }
                value = args[++i];
            }
            if (value.isEmpty()) {
                throw new IllegalArgumentException("-" + name + ": empty value");
            }
            switch (name) {
                case "socketpath" -> socket = value;
                case "confdir" -> conf = value;
                default -> bin = value;
            }
        }
        return new DoctorArgs(json, Path.of(socket), Path.of(conf), Path.of(bin));
    }
}
