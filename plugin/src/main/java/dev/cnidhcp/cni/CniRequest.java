package dev.cnidhcp.cni;

import dev.cnidhcp.json.JsonException;
import dev.cnidhcp.json.MiniJson;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One CNI invocation: the environment variables and the network configuration from stdin, checked
 * against the specification. The plugin checks it before forwarding and the daemon checks it again,
 * with this same code, because the socket is an untrusted edge too.
 *
 * @param command     CNI_COMMAND
 * @param containerId CNI_CONTAINERID ("" when not required and absent)
 * @param netns       CNI_NETNS ("" when absent)
 * @param ifname      CNI_IFNAME ("" when not required and absent)
 * @param args        CNI_ARGS as key/value pairs, in order
 * @param cniPath     CNI_PATH ("" when absent)
 * @param cniVersion  the config's cniVersion (supported by construction)
 * @param networkName the config's {@code name}
 * @param config      the whole config object from stdin
 * @param ipam        the config's {@code ipam} object
 */
public record CniRequest(Command command, String containerId, String netns, String ifname,
                         Map<String, String> args, String cniPath, String cniVersion, String networkName,
                         Map<String, Object> config, Map<String, Object> ipam) {

    /** Where the reference daemon listens; also ours unless {@code ipam.daemonSocketPath} says otherwise. */
    public static final String DEFAULT_SOCKET_PATH = "/run/cni/dhcp.sock";

    private static final int MAX_IFNAME = 15;

    public CniRequest {
        args = Collections.unmodifiableMap(new LinkedHashMap<>(args));
    }

    /**
     * Checks one invocation. VERSION is not parsed here: it needs no config (see {@link #versionOf}).
     *
     * @throws CniException with code 4 (environment), 6 (not JSON), 1 (version) or 7 (config)
     */
    public static CniRequest parse(Map<String, String> env, String stdin) throws CniException {
        Command command = Command.parse(env.get("CNI_COMMAND"));
        if (command == Command.VERSION) {
            throw new IllegalArgumentException("VERSION needs no request; answer it with versionOf()");
        }
        Map<String, Object> config = parseConfig(stdin);
        String version = checkedVersion(config);
        if (!CniVersion.atLeast(version, command.minimumVersion())) {
            throw new CniException(ErrorCode.INCOMPATIBLE_VERSION, "command " + command + " needs cniVersion "
                    + command.minimumVersion() + " or later, the config says " + version);
        }
        List<String> missing = new ArrayList<>();
        if (command.needsAttachment()) {
            requireEnv(env, "CNI_CONTAINERID", missing);
            requireEnv(env, "CNI_IFNAME", missing);
        }
        if (command.needsNetns()) {
            requireEnv(env, "CNI_NETNS", missing);
        }
        if (command == Command.GC) {
            requireEnv(env, "CNI_PATH", missing);
        }
        if (!missing.isEmpty()) {
            throw new CniException(ErrorCode.INVALID_ENVIRONMENT,
                    "required environment variables missing: " + String.join(", ", missing));
        }
        String containerId = env.getOrDefault("CNI_CONTAINERID", "");
        String ifname = env.getOrDefault("CNI_IFNAME", "");
        if (command.needsAttachment()) {
            checkContainerId(containerId);
            checkIfname(ifname);
        }
        String name = checkedName(config);
        Map<String, Object> ipam = checkedIpam(config);
        return new CniRequest(command, containerId, env.getOrDefault("CNI_NETNS", ""), ifname,
                parseArgs(env.getOrDefault("CNI_ARGS", "")), env.getOrDefault("CNI_PATH", ""),
                version, name, config, ipam);
    }

    /**
     * The version to answer VERSION with, or to write into an error: the config's cniVersion when it
     * is readable and supported, 0.1.0 when the config has none (as {@link #parse} reads it), else
     * the latest.
     */
    public static String versionOf(String stdin) {
        return versionOf(stdin, CniVersion.IMPLIED);
    }

    /**
     * As {@link #versionOf(String)}, with {@code whenAbsent} for a config without cniVersion (VERSION
     * answers with the latest then, as the reference does).
     */
    public static String versionOf(String stdin, String whenAbsent) {
        if (stdin == null || stdin.isBlank()) {
            return CniVersion.LATEST;
        }
        try {
            Object parsed = MiniJson.parse(stdin);
            if (parsed instanceof Map<?, ?> map) {
                Object v = map.get("cniVersion");
                if (v == null) {
                    return whenAbsent; // parse() reads a config without cniVersion as 0.1.0
                }
                if (v instanceof String s && CniVersion.isSupported(s)) {
                    return s;
                }
            }
        } catch (JsonException e) {
            // fall through: the error itself is reported elsewhere
        }
        return CniVersion.LATEST;
    }

    /** The daemon's socket: {@code ipam.daemonSocketPath}, else the default. */
    public String socketPath() {
        return socketPathOf(ipam);
    }

    /** The daemon's socket named by an {@code ipam} object, else the default. */
    public static String socketPathOf(Map<String, Object> ipam) {
        Object path = ipam.get("daemonSocketPath");
        return path instanceof String s && !s.isEmpty() ? s : DEFAULT_SOCKET_PATH;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> parseConfig(String stdin) throws CniException {
        if (stdin == null || stdin.isBlank()) {
            throw new CniException(ErrorCode.DECODING_FAILURE, "no network configuration on stdin");
        }
        Object parsed;
        try {
            parsed = MiniJson.parse(stdin);
        } catch (JsonException e) {
            throw new CniException(ErrorCode.DECODING_FAILURE, "network configuration is not valid JSON: "
                    + e.getMessage());
        }
        if (!(parsed instanceof Map)) {
            throw new CniException(ErrorCode.DECODING_FAILURE, "network configuration is not a JSON object");
        }
        return (Map<String, Object>) parsed;
    }

    private static String checkedVersion(Map<String, Object> config) throws CniException {
        Object v = config.get("cniVersion");
        if (v == null) {
            return CniVersion.IMPLIED;
        }
        if (!(v instanceof String s) || !CniVersion.isSupported(s)) {
            throw new CniException(ErrorCode.INCOMPATIBLE_VERSION, "unsupported cniVersion " + v
                    + " (supported: " + String.join(", ", CniVersion.SUPPORTED) + ")");
        }
        return s;
    }

    private static String checkedName(Map<String, Object> config) throws CniException {
        Object name = config.get("name");
        if (!(name instanceof String s) || s.isEmpty()) {
            throw new CniException(ErrorCode.INVALID_NETWORK_CONFIG, "network config has no \"name\"");
        }
        if (!isIdentifier(s)) {
            throw new CniException(ErrorCode.INVALID_NETWORK_CONFIG, "invalid network name '" + s
                    + "' (expected: a letter or digit, then letters, digits, '_', '.', '-')");
        }
        return s;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> checkedIpam(Map<String, Object> config) throws CniException {
        Object ipam = config.get("ipam");
        if (!(ipam instanceof Map)) {
            throw new CniException(ErrorCode.INVALID_NETWORK_CONFIG, "network config has no \"ipam\" object");
        }
        Object socket = ((Map<String, Object>) ipam).get("daemonSocketPath");
        if (socket != null && !(socket instanceof String)) {
            throw new CniException(ErrorCode.INVALID_NETWORK_CONFIG,
                    "ipam.daemonSocketPath must be a string, got " + socket);
        }
        return (Map<String, Object>) ipam;
    }

    private static void requireEnv(Map<String, String> env, String name, List<String> missing) {
        String value = env.get(name);
        if (value == null || value.isEmpty()) {
            missing.add(name);
        }
    }

    /**
     * The spec's identifier grammar for container ids and network names: {@code [a-zA-Z0-9][a-zA-Z0-9_.-]*}.
     * Written out rather than as a regex: java.util.regex costs a plugin run ~7 ms of start-up CPU.
     */
    static boolean isIdentifier(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
            if (!alnum && (i == 0 || (c != '_' && c != '.' && c != '-'))) {
                return false;
            }
        }
        return true;
    }

    static void checkContainerId(String id) throws CniException {
        if (!isIdentifier(id)) {
            throw new CniException(ErrorCode.INVALID_ENVIRONMENT, "invalid CNI_CONTAINERID '" + id
                    + "' (expected: a letter or digit, then letters, digits, '_', '.', '-')");
        }
    }

    static void checkIfname(String name) throws CniException {
        String problem = null;
        if (name.length() > MAX_IFNAME) {
            problem = "longer than " + MAX_IFNAME + " characters";
        } else if (name.equals(".") || name.equals("..")) {
            problem = "'.' and '..' are not interface names";
        } else {
            for (int i = 0; i < name.length(); i++) {
                char c = name.charAt(i);
                if (c == '/' || c == ':' || Character.isWhitespace(c)) {
                    problem = "contains '" + c + "'";
                    break;
                }
            }
        }
        if (problem != null) {
            throw new CniException(ErrorCode.INVALID_ENVIRONMENT, "invalid CNI_IFNAME '" + name + "': " + problem);
        }
    }

    /** Parses CNI_ARGS ({@code K=V;K=V}); an item without '=' is error 4 naming it. */
    static Map<String, String> parseArgs(String raw) throws CniException {
        Map<String, String> out = new LinkedHashMap<>();
        if (raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split(";")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new CniException(ErrorCode.INVALID_ENVIRONMENT, "invalid CNI_ARGS item '" + pair
                        + "' (expected: KEY=VALUE)");
            }
            out.put(pair.substring(0, eq), pair.substring(eq + 1));
        }
        return out;
    }
}
