package dev.cnidhcp.testlab;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every CNI error case of the plugin, end to end: {@code dist/bin/dhcp} run as a runtime runs it
 * (a clean environment of CNI_* variables plus PATH and LANG, the config on stdin) in the lab's node
 * namespace, against the lab's running daemon, with the exit code, the CNI code, the msg and the
 * details asserted literally. The table was taken from the answers of the Java plugin that
 * {@code dhcp} was before the native forwarder, and passes unchanged with the forwarder: no error
 * case changed when the CNI checks moved to the daemon.
 *
 * <p>Each row says who answers it. {@link By#PLUGIN}: {@code dhcp} itself, whatever the daemon
 * does (VERSION, the stdin bound, the plugin's deadline variable, a daemon that is down, mute or
 * answers garbage). {@link By#DAEMON}: the daemon's CNI checks, which the forwarder only relays.
 * Those rows are also run with the daemon down, where the forwarder, which checks nothing itself,
 * answers "cannot reach the DHCP lease daemon" (11; 50 for STATUS) instead (the Java plugin answered
 * the row's own error there).
 *
 * <p>How the daemon is reached: every config uses the default socket, {@code /run/cni/dhcp.sock},
 * so that even a config that is not JSON reaches the daemon. Each run gets a private mount namespace
 * with a tmpfs on /run in which that path is a symbolic link to the lab's socket (daemon up), to
 * nothing (down), or to a socket of this test that answers garbage, never answers, or refuses.
 * Nothing outside the run's own mount namespace sees the link.
 */
@Tag("lab")
@Timeout(600)
class PluginErrorsLabTest {
    @RegisterExtension
    static final SharedLab LAB = new SharedLab();

    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    private static final Path DHCP = Path.of(System.getProperty("dist.dir", "../dist"), "bin", "dhcp").toAbsolutePath();
    static final String SOCKET = "/run/cni/dhcp.sock";
    private static final String SUPPORTED = "[\"0.1.0\",\"0.2.0\",\"0.3.0\",\"0.3.1\",\"0.4.0\",\"1.0.0\",\"1.1.0\"]";
    private static final String START_IT = "start it with 'dhcp daemon -socketpath " + SOCKET
            + "' (systemd: 'systemctl start cni-dhcp.socket')";
    private static final String ID_GRAMMAR = "(expected: a letter or digit, then letters, digits, '_', '.', '-')";
    private static final String UNKNOWN = "(expected one of ADD, DEL, CHECK, GC, STATUS, VERSION)";
    private static final String VERSIONS = "(supported: 0.1.0, 0.2.0, 0.3.0, 0.3.1, 0.4.0, 1.0.0, 1.1.0)";

    /** Who answers a row: dhcp on its own, or the daemon's CNI checks. */
    enum By { PLUGIN, DAEMON }

    /** What {@value #SOCKET} leads to during a row. */
    enum Daemon { UP, DOWN, REFUSING, GARBAGE, MUTE }

    /** A stdin that is not text: the run's fd 0 is a directory. */
    static final String DIRECTORY = "\0directory";

    /**
     * One invocation and its answer: exit code, and either the stdout exactly ({@code code} 0) or the
     * error object's cniVersion, code, msg and details (null when it has none).
     */
    record Row(String name, By by, Daemon daemon, Map<String, String> env, String stdin, int exit, String stdout,
               String cniVersion, int code, String msg, String details) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static final List<Row> TABLE = new ArrayList<>();

    // --- the table's vocabulary ---

    static Map<String, String> env(String command) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("CNI_COMMAND", command);
        env.put("CNI_CONTAINERID", "errors1");
        env.put("CNI_NETNS", "/run/netns/errors1");
        env.put("CNI_IFNAME", "eth0");
        env.put("CNI_PATH", "/opt/cni/bin");
        return env;
    }

    static Map<String, String> only(String... pairs) {
        Map<String, String> env = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return env;
    }

    static Map<String, String> with(Map<String, String> env, String name, String value) {
        env.put(name, value);
        return env;
    }

    static Map<String, String> without(Map<String, String> env, String... names) {
        for (String name : names) {
            env.remove(name);
        }
        return env;
    }

    static String config(String version) {
        return "{\"cniVersion\":\"" + version + "\",\"name\":\"labnet\",\"type\":\"dhcp\",\"ipam\":{\"type\":\"dhcp\"}}";
    }

    static String check(String version) {
        return "{\"cniVersion\":\"" + version + "\",\"name\":\"labnet\",\"type\":\"dhcp\",\"ipam\":{\"type\":\"dhcp\"},"
                + "\"prevResult\":{\"cniVersion\":\"" + version + "\",\"ips\":[{\"address\":\"10.99.0.199/24\"}]}}";
    }

    static String padded(String config, char pad, int size) {
        return config + String.valueOf(pad).repeat(size - config.getBytes(StandardCharsets.UTF_8).length);
    }

    static void ok(String name, By by, Daemon daemon, Map<String, String> env, String stdin, String stdout) {
        TABLE.add(new Row(name, by, daemon, env, stdin, 0, stdout, null, 0, null, null));
    }

    static void error(String name, By by, Daemon daemon, Map<String, String> env, String stdin, String version,
                      int code, String msg, String details) {
        TABLE.add(new Row(name, by, daemon, env, stdin, 1, null, version, code, msg, details));
    }

    static void daemon(String name, Map<String, String> env, String stdin, String version, int code, String msg) {
        error(name, By.DAEMON, Daemon.UP, env, stdin, version, code, msg, null);
    }

    static String versionInfo(String version) {
        return "{\"cniVersion\":\"" + version + "\",\"supportedVersions\":" + SUPPORTED + "}";
    }

    static {
        // --- answered by dhcp itself ---
        ok("VERSION answers the config's version without a daemon", By.PLUGIN, Daemon.DOWN,
                only("CNI_COMMAND", "VERSION"), config("0.4.0"), versionInfo("0.4.0"));
        ok("VERSION with an empty stdin answers the latest", By.PLUGIN, Daemon.DOWN,
                only("CNI_COMMAND", "VERSION"), "", versionInfo("1.1.0"));
        ok("VERSION of a config without cniVersion answers the latest", By.PLUGIN, Daemon.DOWN,
                only("CNI_COMMAND", "VERSION"), "{}", versionInfo("1.1.0"));
        ok("VERSION of an unsupported cniVersion answers the latest", By.PLUGIN, Daemon.DOWN,
                only("CNI_COMMAND", "VERSION"), config("9.9.9"), versionInfo("1.1.0"));
        ok("VERSION of a config that is not JSON answers the latest", By.PLUGIN, Daemon.DOWN,
                only("CNI_COMMAND", "VERSION"), "{\"cniVersion\":\"0.4.0\",", versionInfo("1.1.0"));
        ok("lower-case version is VERSION", By.PLUGIN, Daemon.DOWN,
                only("CNI_COMMAND", "version"), config("1.0.0"), versionInfo("1.0.0"));
        ok("VERSION with the daemon up is answered the same", By.PLUGIN, Daemon.UP,
                env("VERSION"), config("0.3.1"), versionInfo("0.3.1"));
        error("a stdin over 1 MiB is error 7 naming the limit", By.PLUGIN, Daemon.UP, env("ADD"),
                padded(config("1.0.0"), ' ', (1 << 20) + 1), "1.1.0", 7,
                "the network configuration on stdin is larger than the limit of 1048576 bytes (1 MiB)", null);
        error("a stdin that cannot be read is error 5", By.PLUGIN, Daemon.UP, env("ADD"), DIRECTORY, "1.1.0", 5,
                "cannot read the network configuration from stdin: Is a directory", null);
        error("a stdin whose request would exceed the daemon's limit is error 7 naming its size", By.PLUGIN, Daemon.UP,
                env("ADD"), padded(config("1.0.0"), '\n', 1 << 20), "1.0.0", 7,
                "the request to the daemon would be 2097242 bytes, more than its limit of 2097152", null);
        for (String bad : List.of("4m", "0", "86401", "-5")) {
            error("CNI_DHCP_PLUGIN_TIMEOUT=" + bad + " is error 4", By.PLUGIN, Daemon.UP,
                    with(env("ADD"), "CNI_DHCP_PLUGIN_TIMEOUT", bad), config("1.0.0"), "1.0.0", 4,
                    "CNI_DHCP_PLUGIN_TIMEOUT=\"" + bad + "\" is not a number of seconds (1..86400)", null);
        }
        error("daemon down: ADD is error 11 naming the socket and how to start the daemon", By.PLUGIN, Daemon.DOWN,
                env("ADD"), config("1.0.0"), "1.0.0", 11,
                "cannot reach the DHCP lease daemon at " + SOCKET + ": No such file or directory", START_IT);
        error("daemon down: DEL is error 11", By.PLUGIN, Daemon.DOWN, env("DEL"), config("0.3.1"), "0.3.1", 11,
                "cannot reach the DHCP lease daemon at " + SOCKET + ": No such file or directory", START_IT);
        error("daemon down: a config without cniVersion answers in 0.1.0", By.PLUGIN, Daemon.DOWN, env("ADD"),
                "{\"name\":\"labnet\",\"type\":\"dhcp\",\"ipam\":{\"type\":\"dhcp\"}}", "0.1.0", 11,
                "cannot reach the DHCP lease daemon at " + SOCKET + ": No such file or directory", START_IT);
        error("daemon down: STATUS is error 50", By.PLUGIN, Daemon.DOWN, only("CNI_COMMAND", "STATUS"),
                config("1.1.0"), "1.1.0", 50,
                "cannot reach the DHCP lease daemon at " + SOCKET + ": No such file or directory", START_IT);
        error("daemon down: lower-case status is error 50", By.PLUGIN, Daemon.DOWN, only("CNI_COMMAND", "status"),
                config("1.1.0"), "1.1.0", 50,
                "cannot reach the DHCP lease daemon at " + SOCKET + ": No such file or directory", START_IT);
        error("daemon down: the socket of ipam.daemonSocketPath, its JSON escapes decoded", By.PLUGIN, Daemon.DOWN,
                env("ADD"), "{\"cniVersion\":\"1.0.0\",\"name\":\"labnet\",\"type\":\"dhcp\","
                        + "\"ipam\":{\"type\":\"dhcp\",\"daemonSocketPath\":\"\\/nonexistent\\/d\\u0068cp.sock\"}}", "1.0.0", 11,
                "cannot reach the DHCP lease daemon at /nonexistent/dhcp.sock: No such file or directory",
                "start it with 'dhcp daemon -socketpath /nonexistent/dhcp.sock' (systemd: 'systemctl start cni-dhcp.socket')");
        error("daemon down: an empty ipam.daemonSocketPath means the default", By.PLUGIN, Daemon.DOWN, env("ADD"),
                "{\"cniVersion\":\"1.0.0\",\"name\":\"labnet\",\"type\":\"dhcp\",\"ipam\":{\"daemonSocketPath\":\"\"}}",
                "1.0.0", 11, "cannot reach the DHCP lease daemon at " + SOCKET + ": No such file or directory", START_IT);
        String tooLong = "/run/" + "s".repeat(110) + ".sock";
        error("a socket path longer than a Unix socket address holds is error 11", By.PLUGIN, Daemon.DOWN, env("ADD"),
                "{\"cniVersion\":\"1.0.0\",\"name\":\"labnet\",\"type\":\"dhcp\",\"ipam\":{\"daemonSocketPath\":\""
                        + tooLong + "\"}}", "1.0.0", 11,
                "cannot reach the DHCP lease daemon at " + tooLong + ": Unix domain path too long",
                "start it with 'dhcp daemon -socketpath " + tooLong + "' (systemd: 'systemctl start cni-dhcp.socket')");
        error("a socket nobody listens on is error 11", By.PLUGIN, Daemon.REFUSING, env("ADD"), config("1.0.0"), "1.0.0",
                11, "cannot reach the DHCP lease daemon at " + SOCKET + ": Connection refused", START_IT);
        error("a daemon that answers garbage is error 11 quoting it", By.PLUGIN, Daemon.GARBAGE, env("ADD"),
                config("1.0.0"), "1.0.0", 11,
                "cannot reach the DHCP lease daemon at " + SOCKET + ": malformed answer from the daemon: 'garbage'",
                START_IT);
        error("a daemon that never answers is error 11 naming the plugin's deadline", By.PLUGIN, Daemon.MUTE,
                with(env("ADD"), "CNI_DHCP_PLUGIN_TIMEOUT", "1"), config("1.0.0"), "1.0.0", 11,
                "the DHCP lease daemon at " + SOCKET + " did not answer within the plugin's deadline of 1 s",
                "is the daemon overloaded or stuck? A daemon run with a -resendtimeout above 240 s needs "
                        + "CNI_DHCP_PLUGIN_TIMEOUT (seconds) set higher in the runtime's environment");

        // --- answered by the daemon (the forwarder relays its answer) ---
        daemon("no CNI_COMMAND is error 4", without(env("ADD"), "CNI_COMMAND"), config("1.0.0"), "1.0.0", 4,
                "required environment variable CNI_COMMAND is not set");
        daemon("an empty CNI_COMMAND is error 4", env(""), config("1.0.0"), "1.0.0", 4,
                "required environment variable CNI_COMMAND is not set");
        daemon("an unknown CNI_COMMAND is error 4 naming it", env("FROB"), config("1.0.0"), "1.0.0", 4,
                "unknown CNI_COMMAND 'FROB' " + UNKNOWN);
        daemon("CNI_COMMAND=LEASES is no admin request on the CNI path", env("LEASES"), config("1.0.0"), "1.0.0", 4,
                "unknown CNI_COMMAND 'LEASES' " + UNKNOWN);
        daemon("CNI_COMMAND=DAEMON-STATUS is no admin request on the CNI path", env("DAEMON-STATUS"), config("1.0.0"),
                "1.0.0", 4, "unknown CNI_COMMAND 'DAEMON-STATUS' " + UNKNOWN);
        daemon("ADD without CNI_CONTAINERID is error 4", without(env("ADD"), "CNI_CONTAINERID"), config("1.0.0"),
                "1.0.0", 4, "required environment variables missing: CNI_CONTAINERID");
        daemon("ADD without CNI_NETNS is error 4 in the config's version", without(env("ADD"), "CNI_NETNS"),
                config("0.3.1"), "0.3.1", 4, "required environment variables missing: CNI_NETNS");
        daemon("ADD without CNI_IFNAME is error 4", without(env("ADD"), "CNI_IFNAME"), config("1.0.0"), "1.0.0", 4,
                "required environment variables missing: CNI_IFNAME");
        daemon("an empty CNI_IFNAME counts as missing", with(env("ADD"), "CNI_IFNAME", ""), config("1.0.0"), "1.0.0", 4,
                "required environment variables missing: CNI_IFNAME");
        daemon("ADD without all three names all three", without(env("ADD"), "CNI_CONTAINERID", "CNI_NETNS", "CNI_IFNAME"),
                config("1.0.0"), "1.0.0", 4,
                "required environment variables missing: CNI_CONTAINERID, CNI_IFNAME, CNI_NETNS");
        daemon("DEL without CNI_CONTAINERID and CNI_IFNAME names both", without(env("DEL"), "CNI_CONTAINERID",
                "CNI_IFNAME", "CNI_NETNS"), config("1.0.0"), "1.0.0", 4,
                "required environment variables missing: CNI_CONTAINERID, CNI_IFNAME");
        daemon("CHECK without its variables names all three", without(env("CHECK"), "CNI_CONTAINERID", "CNI_NETNS",
                "CNI_IFNAME"), check("1.0.0"), "1.0.0", 4,
                "required environment variables missing: CNI_CONTAINERID, CNI_IFNAME, CNI_NETNS");
        daemon("GC without CNI_PATH is error 4", only("CNI_COMMAND", "GC"), config("1.1.0"), "1.1.0", 4,
                "required environment variables missing: CNI_PATH");
        daemon("a config that is not JSON is error 6 naming the offset", env("ADD"), "{\"cniVersion\":\"1.0.0\",",
                "1.1.0", 6, "network configuration is not valid JSON: unexpected end of input at offset 22");
        daemon("an empty stdin is error 6", env("ADD"), "", "1.1.0", 6, "no network configuration on stdin");
        daemon("a blank stdin is error 6", env("ADD"), "  \n", "1.1.0", 6, "no network configuration on stdin");
        daemon("a config that is not an object is error 6", env("ADD"), "[1,2]", "1.1.0", 6,
                "network configuration is not a JSON object");
        daemon("a JSON string is no config either", env("ADD"), "\"text\"", "1.1.0", 6,
                "network configuration is not a JSON object");
        daemon("an unsupported cniVersion is error 1 listing the supported ones", env("ADD"), config("0.9.0"),
                "1.1.0", 1, "unsupported cniVersion 0.9.0 " + VERSIONS);
        daemon("a cniVersion that is no string is error 1", env("ADD"),
                "{\"cniVersion\":1,\"name\":\"labnet\",\"ipam\":{}}", "1.1.0", 1, "unsupported cniVersion 1 " + VERSIONS);
        daemon("CHECK below 0.4.0 is error 1", env("CHECK"), check("0.3.1"), "0.3.1", 1,
                "command CHECK needs cniVersion 0.4.0 or later, the config says 0.3.1");
        daemon("CHECK without cniVersion is error 1 in 0.1.0", env("CHECK"),
                "{\"name\":\"labnet\",\"ipam\":{}}", "0.1.0", 1,
                "command CHECK needs cniVersion 0.4.0 or later, the config says 0.1.0");
        daemon("GC below 1.1.0 is error 1", env("GC"), config("1.0.0"), "1.0.0", 1,
                "command GC needs cniVersion 1.1.0 or later, the config says 1.0.0");
        daemon("STATUS below 1.1.0 is error 1", only("CNI_COMMAND", "STATUS"), config("1.0.0"), "1.0.0", 1,
                "command STATUS needs cniVersion 1.1.0 or later, the config says 1.0.0");
        daemon("the version is checked before the environment", only("CNI_COMMAND", "CHECK"), check("0.3.1"), "0.3.1", 1,
                "command CHECK needs cniVersion 0.4.0 or later, the config says 0.3.1");
        for (String id : List.of("-abc", "a/b", "../etc")) {
            daemon("CNI_CONTAINERID '" + id + "' is error 4", with(env("ADD"), "CNI_CONTAINERID", id), config("1.0.0"),
                    "1.0.0", 4, "invalid CNI_CONTAINERID '" + id + "' " + ID_GRAMMAR);
        }
        daemon("DEL with CNI_CONTAINERID 'a b' is error 4", with(env("DEL"), "CNI_CONTAINERID", "a b"), config("1.0.0"),
                "1.0.0", 4, "invalid CNI_CONTAINERID 'a b' " + ID_GRAMMAR);
        daemon("a CNI_IFNAME of 16 characters is error 4", with(env("ADD"), "CNI_IFNAME", "abcdefghijklmnop"),
                config("1.0.0"), "1.0.0", 4, "invalid CNI_IFNAME 'abcdefghijklmnop': longer than 15 characters");
        for (String dots : List.of(".", "..")) {
            daemon("CNI_IFNAME '" + dots + "' is error 4", with(env("ADD"), "CNI_IFNAME", dots), config("1.0.0"),
                    "1.0.0", 4, "invalid CNI_IFNAME '" + dots + "': '.' and '..' are not interface names");
        }
        for (String name : List.of("eth/0", "eth:0", "eth 0", "eth\t0")) {
            daemon("CNI_IFNAME '" + name.replace("\t", "\\t") + "' is error 4", with(env("ADD"), "CNI_IFNAME", name),
                    config("1.0.0"), "1.0.0", 4, "invalid CNI_IFNAME '" + name + "': contains '" + name.charAt(3) + "'");
        }
        daemon("DEL checks CNI_IFNAME too", with(env("DEL"), "CNI_IFNAME", "a/b"), config("1.0.0"), "1.0.0", 4,
                "invalid CNI_IFNAME 'a/b': contains '/'");
        daemon("a config without name is error 7", env("ADD"), "{\"cniVersion\":\"1.0.0\",\"ipam\":{}}", "1.0.0", 7,
                "network config has no \"name\"");
        daemon("an empty name is error 7", env("ADD"), "{\"cniVersion\":\"1.0.0\",\"name\":\"\",\"ipam\":{}}", "1.0.0", 7,
                "network config has no \"name\"");
        daemon("a name that is no string is error 7", env("ADD"), "{\"cniVersion\":\"1.0.0\",\"name\":5,\"ipam\":{}}",
                "1.0.0", 7, "network config has no \"name\"");
        daemon("an invalid name is error 7 naming it", env("ADD"),
                "{\"cniVersion\":\"1.0.0\",\"name\":\"my/net\",\"ipam\":{}}", "1.0.0", 7,
                "invalid network name 'my/net' " + ID_GRAMMAR);
        daemon("a non-ASCII name comes back in UTF-8", env("ADD"),
                "{\"cniVersion\":\"1.0.0\",\"name\":\"r\u00e9seau\",\"ipam\":{}}", "1.0.0", 7,
                "invalid network name 'r\u00e9seau' " + ID_GRAMMAR);
        daemon("a config without ipam is error 7", env("ADD"), "{\"cniVersion\":\"1.0.0\",\"name\":\"n\"}", "1.0.0", 7,
                "network config has no \"ipam\" object");
        daemon("an ipam that is no object is error 7", env("ADD"),
                "{\"cniVersion\":\"1.0.0\",\"name\":\"n\",\"ipam\":\"dhcp\"}", "1.0.0", 7,
                "network config has no \"ipam\" object");
        daemon("a daemonSocketPath that is no string is error 7", env("ADD"),
                "{\"cniVersion\":\"1.0.0\",\"name\":\"n\",\"ipam\":{\"daemonSocketPath\":5}}", "1.0.0", 7,
                "ipam.daemonSocketPath must be a string, got 5");
        daemon("a CNI_ARGS item without '=' is error 4 naming it", with(env("ADD"), "CNI_ARGS", "A=1;bogus;B=2"),
                config("1.0.0"), "1.0.0", 4, "invalid CNI_ARGS item 'bogus' (expected: KEY=VALUE)");
        daemon("a CNI_ARGS item with an empty key is error 4", with(env("ADD"), "CNI_ARGS", "=v"), config("1.0.0"),
                "1.0.0", 4, "invalid CNI_ARGS item '=v' (expected: KEY=VALUE)");
        daemon("CHECK of a container never added is error 3", env("CHECK"), check("1.0.0"), "1.0.0", 3,
                "no DHCP lease is held for container=errors1 ifname=eth0 network=labnet");
        daemon("a config of exactly 1 MiB reaches the daemon", env("CHECK"), padded(check("1.0.0"), ' ', 1 << 20),
                "1.0.0", 3, "no DHCP lease is held for container=errors1 ifname=eth0 network=labnet");
        ok("DEL without CNI_NETNS succeeds", By.DAEMON, Daemon.UP, without(env("DEL"), "CNI_NETNS"), config("1.0.0"), "");
        ok("STATUS of a healthy daemon succeeds and prints nothing", By.DAEMON, Daemon.UP, only("CNI_COMMAND", "STATUS"),
                config("1.1.0"), "");
    }

    // --- running a row ---

    private static final List<AutoCloseable> FAKES = new ArrayList<>();
    private static Path refusing;
    private static Path garbage;
    private static Path mute;

    /** The sockets of this test: one that refuses, one that answers "garbage", one that never answers. */
    @BeforeAll
    static void fakeDaemons() throws IOException {
        Path dir = LAB.get().dir;
        refusing = dir.resolve("refusing.sock");
        ServerSocketChannel closed = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        closed.bind(UnixDomainSocketAddress.of(refusing));
        closed.close(); // the socket file stays, with no listener behind it
        mute = dir.resolve("mute.sock");
        ServerSocketChannel silent = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        silent.bind(UnixDomainSocketAddress.of(mute)); // connections wait in the backlog, unanswered
        FAKES.add(silent);
        garbage = dir.resolve("garbage.sock");
        ServerSocketChannel liar = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        liar.bind(UnixDomainSocketAddress.of(garbage));
        FAKES.add(liar);
        Thread serve = new Thread(() -> answerGarbage(liar), "garbage-daemon");
        serve.setDaemon(true);
        serve.start();
    }

    private static void answerGarbage(ServerSocketChannel server) {
        while (server.isOpen()) {
            try (SocketChannel client = server.accept()) {
                ByteBuffer in = ByteBuffer.allocate(8192);
                while (client.read(in) >= 0) {
                    in.clear();
                }
                client.write(ByteBuffer.wrap("garbage".getBytes(StandardCharsets.US_ASCII)));
            } catch (IOException e) {
                return; // closed at the end of the class
            }
        }
    }

    @AfterAll
    static void stopFakes() throws Exception {
        for (AutoCloseable fake : FAKES) {
            fake.close();
        }
    }

    private static String target(Daemon daemon) {
        return switch (daemon) {
            case UP -> LAB.get().socket().toString();
            case DOWN -> "";
            case REFUSING -> refusing.toString();
            case GARBAGE -> garbage.toString();
            case MUTE -> mute.toString();
        };
    }

    /**
     * Runs {@code dist/bin/dhcp} in the node namespace with exactly {@code env} (plus PATH and a UTF-8
     * LANG, as a runtime's service environment has them), {@value #SOCKET} leading to {@code daemon}.
     */
    static Lab.Run run(Row row, Daemon daemon) throws IOException {
        String script = "mount -t tmpfs -o size=64k,mode=0755 plugin-errors /run && mkdir /run/cni || exit 97\n"
                + "[ -z \"$1\" ] || ln -s \"$1\" " + SOCKET + " || exit 97\n"
                + "dhcp=$2; dir=$3; shift 3\n"
                + "if [ \"$dir\" = 1 ]; then exec env -i \"$@\" \"$dhcp\" </; fi\n"
                + "exec env -i \"$@\" \"$dhcp\"\n";
        List<String> args = new ArrayList<>(List.of("node-exec", LAB.get().name, "unshare", "--mount",
                "--propagation", "private", "sh", "-c", script, "plugin-errors", target(daemon), DHCP.toString(),
                row.stdin().equals(DIRECTORY) ? "1" : "0", "PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LANG=C.UTF-8"));
        row.env().forEach((k, v) -> args.add(k + "=" + v));
        return LAB.get().script(args, row.stdin().equals(DIRECTORY) ? "" : row.stdin(), Map.of());
    }

    private static String describe(Row row, Daemon daemon, Lab.Run run) {
        return row.name() + " [daemon " + daemon + "]: exit " + run.exit() + ", stdout '" + run.stdout() + "', stderr '"
                + run.stderr() + "'";
    }

    static void assertAnswer(Row row, Daemon daemon, Lab.Run run) throws IOException {
        String what = describe(row, daemon, run);
        assertEquals(row.exit(), run.exit(), what);
        if (row.stdout() != null) {
            assertEquals(row.stdout(), run.stdout(), what);
            return;
        }
        JsonNode error = JSON.readTree(run.stdout());
        List<String> keys = new ArrayList<>();
        error.fieldNames().forEachRemaining(keys::add);
        assertEquals(row.details() == null ? List.of("cniVersion", "code", "msg") : List.of("cniVersion", "code", "msg",
                "details"), keys, what);
        assertEquals(row.cniVersion(), error.get("cniVersion").asText(), what);
        assertEquals(row.code(), error.get("code").asInt(), what);
        assertEquals(row.msg(), error.get("msg").asText(), what);
        if (row.details() != null) {
            assertEquals(row.details(), error.get("details").asText(), what);
        }
    }

    /**
     * With the daemon down, a row the daemon answers is the forwarder's "cannot reach" error, naming
     * the socket and how to start the daemon: 50 for STATUS, 11 otherwise.
     */
    static void assertUnreachable(Row row, Lab.Run run) throws IOException {
        String what = describe(row, Daemon.DOWN, run);
        assertEquals(1, run.exit(), what);
        JsonNode error = JSON.readTree(run.stdout());
        boolean status = "STATUS".equalsIgnoreCase(row.env().get("CNI_COMMAND"));
        assertEquals(status ? 50 : 11, error.path("code").asInt(), what);
        assertEquals("cannot reach the DHCP lease daemon at " + SOCKET + ": No such file or directory",
                error.path("msg").asText(), what);
        assertTrue(error.path("details").asText().startsWith("start it with 'dhcp daemon -socketpath " + SOCKET + "'"),
                what);
    }

    @TestFactory
    Stream<DynamicTest> everyErrorCaseAnswersItsCodeAndMessage() {
        return TABLE.stream().map(row -> DynamicTest.dynamicTest(row.name(), () ->
                assertAnswer(row, row.daemon(), run(row, row.daemon()))));
    }

    /** The cases that only the daemon answers: with the daemon down, the forwarder says it is unreachable. */
    @TestFactory
    Stream<DynamicTest> withTheDaemonDownACaseTheDaemonAnswersIsUnreachable() {
        return TABLE.stream().filter(row -> row.by() == By.DAEMON)
                .map(row -> DynamicTest.dynamicTest(row.name(), () ->
                        assertUnreachable(row, run(row, Daemon.DOWN))));
    }
}
