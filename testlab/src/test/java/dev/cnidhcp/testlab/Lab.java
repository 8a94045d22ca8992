package dev.cnidhcp.testlab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
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
    private final Thread cleanup;
    private boolean closed;

    private Lab(String name) {
        this.name = name;
        this.dir = Path.of(System.getProperty("java.io.tmpdir"), "cni-dhcp-lab." + name);
        this.cleanup = new Thread(this::down, "lab-cleanup-" + name);
        Runtime.getRuntime().addShutdownHook(cleanup);
    }

    /** Starts a lab; {@code flags} as lab.sh up takes them (--ping, --broadcast). */
    static Lab up(String... flags) throws IOException {
        String name = "l" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x100000, 0xfffffff));
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
        return script(List.of("del", name, pod, plugin, "1.0.0"));
    }

    /** Any CNI command through a plugin, leaving namespaces as they are. */
    Run cni(String pod, String plugin, String command, String version) throws IOException {
        return script(List.of("cni", name, pod, plugin, command, version));
    }

    /** Runs a command inside a pod's namespace. */
    Run inPod(String pod, String... command) throws IOException {
        List<String> args = new ArrayList<>(List.of("exec", name, pod));
        args.addAll(Arrays.asList(command));
        return script(args);
    }

    /** The IPv4 addresses (CIDR) on a pod's eth0. */
    List<String> podAddresses(String pod) throws IOException {
        Run run = inPod(pod, "ip", "-4", "-o", "addr", "show", "dev", "eth0").expectSuccess();
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
        Path file = dir.resolve("dnsmasq.leases");
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

    boolean serverHasLease(String address) throws IOException {
        return serverLeases().stream().anyMatch(l -> l.length > 2 && l[2].equals(address));
    }

    String daemonLog() throws IOException {
        Path log = dir.resolve("daemon.log");
        return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    }

    Run script(List<String> args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(SCRIPT.toString());
        command.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(command);
        Map<String, String> env = pb.environment();
        env.put("DIST", System.getProperty("dist.dir", "../dist"));
        Path out = Files.createTempFile("lab-out", ".txt");
        Path err = Files.createTempFile("lab-err", ".txt");
        try {
            pb.redirectOutput(out.toFile()).redirectError(err.toFile());
            Process p = pb.start();
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
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        down();
        try {
            Runtime.getRuntime().removeShutdownHook(cleanup);
        } catch (IllegalStateException e) {
            // already shutting down: the hook runs anyway
        }
    }
}
