package dev.cnidhcp.daemon.app;

import dev.cnidhcp.daemon.dhcp.Exclusions;
import dev.cnidhcp.daemon.metrics.MetricsAddress;
import dev.cnidhcp.daemon.netns.ArpCheck;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The daemon's command line, spelled as the reference daemon's (Go flag style: {@code -name value},
 * {@code -name=value}, {@code --name}; booleans alone or {@code =true/false}).
 *
 * <p>{@code exclude} ({@code -exclude CIDR[,CIDR...]}): ranges no pod address may touch, on every
 * network (a config's {@code ipam.exclude} adds to them).
 */
public record DaemonOptions(String socketPath, String pidFile, String hostPrefix, boolean broadcast,
                            Duration timeout, Duration resendMax, Duration resendTimeout, String stateDir,
                            ArpCheck arpCheck, Optional<MetricsAddress> metrics, LogStyle logFormat,
                            String socketGroup, Exclusions exclude) {

    public static final String USAGE = String.join("\n",
            "usage: dhcp daemon [flags]",
            "  -socketpath PATH      Unix socket to listen on (default /run/cni/dhcp.sock)",
            "  -pidfile PATH         write the daemon's pid here (default: none)",
            "  -hostprefix PATH      prefix of host paths (netns files, /proc, socket) when run in a container",
            "  -broadcast            ask servers to broadcast their replies (BOOTP broadcast flag)",
            "  -timeout DURATION     longest wait for one reply (default 10s)",
            "  -resendmax DURATION   cap of the retransmission backoff (default 62s)",
            "  -resendtimeout DURATION  how long one acquisition keeps trying (default 208s)",
            "  -statedir PATH        lease state directory (default /var/lib/cni/dhcp)",
            "  -arpcheck MODE        conflict detection before an address is used: off, fast, full (default fast)",
            "  -metrics ADDR:PORT    serve Prometheus metrics at http://ADDR:PORT/metrics, e.g. 127.0.0.1:9563"
                    + " (default: off)",
            "  -logformat FORMAT     log lines as text or json (default text)",
            "  -socketgroup GROUP    let this group (name in <hostprefix>/etc/group, or gid) use the socket: mode 0660"
                    + " and peers of that group accepted (default: none, mode 0600, root and the daemon's user only)",
            "  -exclude CIDR[,CIDR...]  never take an offer whose address lies in, or whose subnet overlaps, one of"
                    + " these ranges (service, node, corporate networks; default: none)");

    /** The flags with a value, as the reference spells them, plus ours. */
    private static final Set<String> VALUE_FLAGS = Set.of("socketpath", "pidfile", "hostprefix", "timeout", "resendmax",
            "resendtimeout", "statedir", "arpcheck", "metrics", "logformat", "socketgroup", "exclude");
    private static final Set<String> BOOLEAN_FLAGS = Set.of("broadcast");

    public DaemonOptions(String socketPath, String pidFile, String hostPrefix, boolean broadcast, Duration timeout,
                         Duration resendMax, Duration resendTimeout, String stateDir) {
        this(socketPath, pidFile, hostPrefix, broadcast, timeout, resendMax, resendTimeout, stateDir, ArpCheck.FAST,
                Optional.empty(), LogStyle.TEXT, "");
    }

    /** Options that exclude no range. */
    public DaemonOptions(String socketPath, String pidFile, String hostPrefix, boolean broadcast, Duration timeout,
                         Duration resendMax, Duration resendTimeout, String stateDir, ArpCheck arpCheck,
                         Optional<MetricsAddress> metrics, LogStyle logFormat, String socketGroup) {
        this(socketPath, pidFile, hostPrefix, broadcast, timeout, resendMax, resendTimeout, stateDir, arpCheck,
                metrics, logFormat, socketGroup, Exclusions.NONE);
    }

    public static DaemonOptions defaults() {
        return parse();
    }

    /** Parses flags; throws {@link IllegalArgumentException} naming the offending flag or value. */
    public static DaemonOptions parse(String... args) {
        Map<String, String> given = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("-") || arg.equals("-") || arg.equals("--")) {
                throw new IllegalArgumentException("unexpected argument '" + arg + "'");
            }
            String body = arg.startsWith("--") ? arg.substring(2) : arg.substring(1);
            String name = body;
            String value = null;
            int eq = body.indexOf('=');
            if (eq >= 0) {
                name = body.substring(0, eq);
                value = body.substring(eq + 1);
            }
            if (name.equals("h") || name.equals("help")) {
                throw new IllegalArgumentException("help requested");
            }
            if (BOOLEAN_FLAGS.contains(name)) {
                given.put(name, value == null ? "true" : value);
                continue;
            }
            if (!VALUE_FLAGS.contains(name)) {
                throw new IllegalArgumentException("flag provided but not defined: -" + name);
            }
            if (value == null) {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("flag needs an argument: -" + name);
                }
                value = args[++i];
            }
            given.put(name, value);
        }
        return new DaemonOptions(
                nonEmpty("socketpath", given.getOrDefault("socketpath", "/run/cni/dhcp.sock")),
                given.getOrDefault("pidfile", ""),
                given.getOrDefault("hostprefix", ""),
                parseBoolean("broadcast", given.getOrDefault("broadcast", "false")),
                parseDuration("timeout", given.getOrDefault("timeout", "10s")),
                parseDuration("resendmax", given.getOrDefault("resendmax", "62s")),
                parseDuration("resendtimeout", given.getOrDefault("resendtimeout", "208s")),
                nonEmpty("statedir", given.getOrDefault("statedir", "/var/lib/cni/dhcp")),
                ArpCheck.parse(given.getOrDefault("arpcheck", "fast")),
                metrics(given.getOrDefault("metrics", "")),
                LogStyle.parse(given.getOrDefault("logformat", "text")),
                given.getOrDefault("socketgroup", ""),
                exclude(given.getOrDefault("exclude", "")));
    }

    /** {@code -exclude}: comma-separated CIDRs; none when absent or empty. */
    private static Exclusions exclude(String value) {
        try {
            return Exclusions.parseList(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid value \"" + value + "\" for -exclude: " + e.getMessage()
                    + " (expected: CIDR[,CIDR...], e.g. 10.96.0.0/12,192.168.0.0/16)");
        }
    }

    /** {@code -metrics}: off when absent or empty. */
    private static Optional<MetricsAddress> metrics(String value) {
        return value.isEmpty() ? Optional.empty() : Optional.of(MetricsAddress.parse(value));
    }

    private static String nonEmpty(String name, String value) {
        if (value.isEmpty()) {
            throw new IllegalArgumentException("-" + name + ": empty value");
        }
        return value;
    }

    private static boolean parseBoolean(String name, String value) {
        return switch (value) {
            case "1", "t", "T", "true", "TRUE", "True" -> true;
            case "0", "f", "F", "false", "FALSE", "False" -> false;
            default -> throw new IllegalArgumentException("invalid boolean value \"" + value + "\" for -" + name);
        };
    }

    private static final Pattern DURATION_PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ns|us|µs|ms|s|m|h)");

    /** Parses a Go duration such as {@code 10s}, {@code 1m30s} or {@code 500ms}; must be positive. */
    static Duration parseDuration(String name, String value) {
        Matcher m = DURATION_PART.matcher(value);
        int pos = 0;
        double nanos = 0;
        while (m.find() && m.start() == pos) {
            double n = Double.parseDouble(m.group(1));
            nanos += n * switch (m.group(2)) {
                case "ns" -> 1;
                case "us", "µs" -> 1e3;
                case "ms" -> 1e6;
                case "s" -> 1e9;
                case "m" -> 60e9;
                default -> 3600e9;
            };
            pos = m.end();
        }
        if (pos != value.length() || value.isEmpty() || nanos <= 0) {
            throw new IllegalArgumentException("invalid value \"" + value + "\" for -" + name
                    + " (expected: a positive duration such as 10s, 1m30s, 500ms)");
        }
        return Duration.ofNanos((long) nanos);
    }
}
