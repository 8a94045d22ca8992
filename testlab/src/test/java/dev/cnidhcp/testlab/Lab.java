package dev.cnidhcp.testlab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * One lab of {@code testlab/scripts/lab.sh}: a node namespace with a bridge, a server namespace
 * running dnsmasq, the built daemon in the node namespace, and pod namespaces made on demand. The
 * main plugins run in the node namespace, so nothing touches the root namespace. {@link #close()}
 * stops everything this lab started and removes its namespaces and files; a shutdown hook does the
 * same if the test JVM dies first.
 */
final class Lab implements AutoCloseable {
    static final String SUBNET = "10.99.0.";
    static final int RANGE_START = 100;
    static final int RANGE_END = 250;
    private static final Path SCRIPT = Path.of(System.getProperty("lab.script", "scripts/lab.sh"));
    private static final ObjectMapper JSON = new ObjectMapper();

    final String name;
    final Path dir;
    private final Teardown teardown;

    private Lab(String name) {
        this.name = name;
        this.dir = Path.of(System.getProperty("java.io.tmpdir"), "cni-dhcp-lab." + name);
        this.teardown = Teardown.atExit("lab-cleanup-" + name, this::down);
    }

    /** Starts a lab; {@code flags} as lab.sh up takes them (--ping, --broadcast). */
    static Lab up(String... flags) throws IOException {
        return start("l" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x100000, 0xfffffff)), flags);
    }

    /**
     * As {@link #up}, named {@code prefix} and six random hex digits, so that a test's namespaces and
     * files can be told apart from other labs'.
     *
     * @param prefix 1-2 lowercase letters
     */
    static Lab upNamed(String prefix, String... flags) throws IOException {
        if (!prefix.matches("[a-z]{1,2}")) {
            throw new IllegalArgumentException("lab name prefix: '" + prefix + "' (expected: 1-2 lowercase letters)");
        }
        return start(prefix + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x100000, 0x1000000)), flags);
    }

    private static Lab start(String name, String[] flags) throws IOException {
        Lab lab = new Lab(name);
        List<String> args = new ArrayList<>(List.of("up", name));
        args.addAll(Arrays.asList(flags));
        Run run = lab.script(args);
        if (run.exit != 0) {
            lab.close();
            throw new IOException("lab up failed: " + run.stderr + run.stdout);
        }
        return lab;
    }

    /**
     * As {@link #up(String...)}, the lab named {@code prefix} and random hex digits (8 characters in
     * all), with {@code env} added to lab.sh's environment (LAB_DAEMON_FLAGS, ...).
     */
    static Lab upNamed(String prefix, Map<String, String> env, String... flags) throws IOException {
        if (!prefix.matches("[a-z][a-z0-9]{0,6}")) {
            throw new IllegalArgumentException("lab name prefix: '" + prefix + "' (expected: 1-7 lowercase letters"
                    + " or digits, a letter first)");
        }
        String hex = Long.toHexString(ThreadLocalRandom.current().nextLong(1L << 28, 1L << 32));
        Lab lab = new Lab((prefix + hex).substring(0, 8));
        List<String> args = new ArrayList<>(List.of("up", lab.name));
        args.addAll(Arrays.asList(flags));
        Run run = lab.script(args, "", env);
        if (run.exit != 0) {
            lab.close();
            throw new IOException("lab up failed: " + run.stderr + run.stdout);
        }
        return lab;
    }

    /** The outcome of one command. */
    record Run(int exit, String stdout, String stderr) {
        JsonNode json() {
            try {
                return JSON.readTree(stdout);
            } catch (IOException e) {
                throw new AssertionError("not JSON (exit " + exit + "): '" + stdout + "' stderr: " + stderr, e);
            }
        }

        Run expectSuccess() {
            if (exit != 0) {
                throw new AssertionError("exit " + exit + ": " + stdout + " " + stderr);
            }
            return this;
        }
    }

    /** ADD through a main plugin (bridge, macvlan) or our plugin directly (dhcp); creates the pod netns. */
    Run add(String pod, String plugin, String version) throws IOException {
        return script(List.of("add", name, pod, plugin, version));
    }

    Run add(String pod, String plugin) throws IOException {
        return add(pod, plugin, "1.0.0");
    }

    /** DEL through a main plugin, then removal of the pod's namespace. */
    Run del(String pod, String plugin) throws IOException {
        return del(pod, plugin, "1.0.0");
    }

    Run del(String pod, String plugin, String version) throws IOException {
        return script(List.of("del", name, pod, plugin, version));
    }

    /** Any CNI command through a plugin, leaving namespaces as they are. */
    Run cni(String pod, String plugin, String command, String version) throws IOException {
        return script(List.of("cni", name, pod, plugin, command, version));
    }

    /** As {@link #cni(String, String, String, String)} with CNI_NETNS {@code netns} instead of the pod's /run/netns name. */
    Run cni(String pod, String plugin, String command, String version, String netns) throws IOException {
        return script(List.of("cni", name, pod, plugin, command, version), "", Map.of("LAB_NETNS", netns));
    }

    /**
     * Any CNI command through a plugin with a config of the test's making (see {@link #netconf}), on
     * interface {@code ifname}, with {@code cniArgs} as CNI_ARGS (none when null). Runs in the node
     * namespace as {@link #cni} does.
     */
    Run cni(String pod, String plugin, String command, JsonNode config, String ifname, String cniArgs)
            throws IOException {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("LAB_IFNAME", ifname);
        if (cniArgs != null) {
            env.put("LAB_CNI_ARGS", cniArgs);
        }
        return script(List.of("cni-stdin", name, pod, plugin, command), config.toString(), env);
    }

    Run cni(String pod, String plugin, String command, JsonNode config) throws IOException {
        return cni(pod, plugin, command, config, "eth0", null);
    }

    /** The network config lab.sh uses for {@code plugin} (bridge, macvlan, dhcp), to be amended. */
    ObjectNode netconf(String plugin, String version) throws IOException {
        return (ObjectNode) script(List.of("netconf", name, plugin, version)).expectSuccess().json();
    }

    /** Creates a pod's namespace without any interface. */
    void podNetns(String pod) throws IOException {
        script(List.of("netns", name, pod)).expectSuccess();
    }

    /** Removes a pod's namespace only, as a runtime does when the sandbox is already gone. */
    void removePodNetns(String pod) throws IOException {
        script(List.of("rmns", name, pod)).expectSuccess();
    }

    void stopDnsmasq() throws IOException {
        script(List.of("stop-dnsmasq", name)).expectSuccess();
    }

    /** Starts dnsmasq again (it reads its lease file); {@code flags} as lab.sh takes them (--range A,B). */
    void startDnsmasq(String... flags) throws IOException {
        List<String> args = new ArrayList<>(List.of("start-dnsmasq", name));
        args.addAll(Arrays.asList(flags));
        script(args).expectSuccess();
    }

    void stopDaemon() throws IOException {
        script(List.of("stop-daemon", name)).expectSuccess();
    }

    void startDaemon() throws IOException {
        script(List.of("start-daemon", name)).expectSuccess();
    }

    /** Runs a command inside a pod's namespace. */
    Run inPod(String pod, String... command) throws IOException {
        List<String> args = new ArrayList<>(List.of("exec", name, pod));
        args.addAll(Arrays.asList(command));
        return script(args);
    }

    /** Runs a command inside the node's namespace, where the daemon runs. */
    Run inNode(String... command) throws IOException {
        List<String> args = new ArrayList<>(List.of("node-exec", name));
        args.addAll(Arrays.asList(command));
        return script(args);
    }

    /**
     * Waits until br0 forwards to {@code port} what is sent to the solicited-node multicast group of
     * IPv6 {@code address}: the bridge snoops MLD, so a duplicate address probe reaches a host only
     * once the bridge has seen it join that group.
     */
    void awaitBridgeGroup(String port, String address, Duration atMost) throws Exception {
        byte[] b = java.net.InetAddress.getByName(address).getAddress();
        String group = String.format("port %s grp ff02::1:ff%02x:%x ", port, b[13] & 0xff, ((b[14] & 0xff) << 8) | (b[15] & 0xff));
        if (!await(atMost, () -> inNode("bridge", "mdb", "show").stdout().contains(group))) {
            throw new AssertionError("br0 never learnt " + group + ": " + inNode("bridge", "mdb", "show").stdout());
        }
    }

    /** {@code dist/bin/dhcp ARGS...} in the node's namespace, as an operator runs {@code dhcp leases} there. */
    Run dhcp(String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("dist.dir", "../dist"), "bin", "dhcp").toAbsolutePath().toString());
        command.addAll(Arrays.asList(args));
        return inNode(command.toArray(new String[0]));
    }

    /** The daemon's socket. */
    Path socket() {
        return dir.resolve("dhcp.sock");
    }

    /** The IPv4 addresses (CIDR) on a pod's eth0. */
    List<String> podAddresses(String pod) throws IOException {
        return podAddresses(pod, "eth0");
    }

    /** Whether a pod's interface is administratively up (IFF_UP). */
    boolean linkUp(String pod, String ifname) throws IOException {
        String out = inPod(pod, "ip", "-o", "link", "show", "dev", ifname).expectSuccess().stdout();
        int open = out.indexOf('<');
        int close = out.indexOf('>', open + 1);
        if (open < 0 || close < 0) {
            throw new IOException("no link flags in: " + out);
        }
        return Arrays.asList(out.substring(open + 1, close).split(",")).contains("UP");
    }

    /** The IPv4 addresses (CIDR) on a pod's interface. */
    List<String> podAddresses(String pod, String ifname) throws IOException {
        Run run = inPod(pod, "ip", "-4", "-o", "addr", "show", "dev", ifname).expectSuccess();
        List<String> out = new ArrayList<>();
        for (String line : run.stdout.split("\n")) {
            String[] f = line.trim().split("\\s+");
            for (int i = 0; i + 1 < f.length; i++) {
                if (f[i].equals("inet")) {
                    out.add(f[i + 1]);
                }
            }
        }
        return out;
    }

    /** dnsmasq's current leases: one {@code [expiry, mac, ip, hostname, clientid]} per line. */
    List<String[]> serverLeases() throws IOException {
        return leasesIn(dir.resolve("dnsmasq.leases"));
    }

    /**
     * The leases of whichever server the lab runs (dnsmasq, or Kea with {@code --kea}) as {@code lab.sh
     * leases} prints them: one {@code [expiry, mac, ip, hostname, clientid]} per lease, dnsmasq's format.
     */
    List<String[]> leasesOfServer() throws IOException {
        List<String[]> out = new ArrayList<>();
        for (String line : script(List.of("leases", name)).expectSuccess().stdout().split("\n")) {
            if (!line.isBlank()) {
                out.add(line.trim().split("\\s+"));
            }
        }
        return out;
    }

    boolean serverHasLease(String address) throws IOException {
        return serverLeases().stream().anyMatch(l -> l.length > 2 && l[2].equals(address));
    }

    String daemonLog() throws IOException {
        Path log = dir.resolve("daemon.log");
        return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    }

    /** The daemon's log and the end of dnsmasq's, for assertion messages; never throws. */
    String diagnostics() {
        StringBuilder out = new StringBuilder("\n--- daemon.log of lab ").append(name).append(" ---\n");
        try {
            out.append(daemonLog());
            Path dnsmasq = dir.resolve("dnsmasq.log");
            if (Files.exists(dnsmasq)) {
                List<String> lines = Files.readAllLines(dnsmasq, StandardCharsets.UTF_8);
                out.append("--- dnsmasq.log (last 40 lines) ---\n");
                lines.subList(Math.max(0, lines.size() - 40), lines.size()).forEach(l -> out.append(l).append('\n'));
            }
            out.append("--- dnsmasq.leases ---\n");
            serverLeases().forEach(l -> out.append(String.join(" ", l)).append('\n'));
        } catch (IOException e) {
            out.append("(cannot read the lab's logs: ").append(e.getMessage()).append(")\n");
        }
        return out.toString();
    }

    /** Polls {@code condition} every 200 ms until it holds or {@code timeout} passed; returns its last value. */
    static boolean await(Duration timeout, Callable<Boolean> condition) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (condition.call()) {
                return true;
            }
            if (System.nanoTime() - deadline >= 0) {
                return false;
            }
            Thread.sleep(200);
        }
    }

    /** Waits until the daemon's log contains {@code text}, at most {@code timeout}. */
    boolean awaitLog(String text, Duration timeout) throws Exception {
        return await(timeout, () -> daemonLog().contains(text));
    }

    // --- second segments (lab.sh segment) ---

    /**
     * Adds a second segment {@code name} (lab.sh segment): in the node namespace a bridge with the
     * segment's router {@code subnet.1} and the macvlan master {@code mv-NAME}; a server namespace with
     * its own dnsmasq at {@code subnet.2} (option 3 and option 121 with 10.200.0.0/16 and a default
     * route, both via {@code subnet.1}). {@link #close()} removes it with the rest of the lab.
     *
     * @param subnet the segment's /24 as {@code A.B.C}
     */
    void segment(String name, String subnet) throws IOException {
        script(List.of("segment", this.name, name, subnet)).expectSuccess();
    }

    /** The leases of a second segment's dnsmasq, as {@link #serverLeases()} gives the lab's own. */
    List<String[]> segmentLeases(String segment) throws IOException {
        return leasesIn(dir.resolve("segment-" + segment + ".dnsmasq.leases"));
    }

    private static List<String[]> leasesIn(Path file) throws IOException {
        List<String[]> out = new ArrayList<>();
        if (Files.exists(file)) {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (!line.isBlank()) {
                    out.add(line.trim().split("\\s+"));
                }
            }
        }
        return out;
    }

    Run script(List<String> args) throws IOException {
        return script(args, "", Map.of());
    }

    /** Runs lab.sh with {@code stdin} as its input and {@code extraEnv} added to its environment. */
    Run script(List<String> args, String stdin, Map<String, String> extraEnv) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(SCRIPT.toString());
        command.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(command);
        Map<String, String> env = pb.environment();
        env.put("DIST", System.getProperty("dist.dir", "../dist"));
        env.putAll(extraEnv);
        Path out = Files.createTempFile("lab-out", ".txt");
        Path err = Files.createTempFile("lab-err", ".txt");
        try {
            pb.redirectOutput(out.toFile()).redirectError(err.toFile());
            Process p = pb.start();
            try (var in = p.getOutputStream()) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                // the command did not read its input; its exit code tells the rest
            }
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("lab.sh " + args + " did not finish within 120 s");
            }
            return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    private void down() {
        try {
            script(List.of("down", name));
        } catch (IOException e) {
            System.err.println("lab " + name + ": cleanup failed: " + e.getMessage());
        }
    }

    @Override
    public void close() {
        teardown.run();
    }
}
