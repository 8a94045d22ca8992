package dev.cnidhcp.testlab;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * One lab of {@code testlab/scripts/cluster.sh}: a switch namespace, a Kea load-balancing HA pair and
 * N node namespaces, each with its own lease daemon, pods attached through the reference macvlan.
 * Nothing touches the root namespace. {@link #close()} stops everything this lab started and removes
 * its namespaces and files; a shutdown hook does the same if the test JVM dies first.
 *
 * <p>Thread-safe as far as the script is: different pods may be added and deleted concurrently.
 */
final class Cluster implements AutoCloseable {
    private static final Path SCRIPT = Path.of(System.getProperty("lab.script", "scripts/lab.sh"))
            .resolveSibling("cluster.sh");

    /** A pod as the census sees it: its node, name, MAC, first address and each server's view. */
    record Pod(int node, String name, String mac, String address, String atServer1, String atServer2) {
        String atServer(int server) {
            return server == 1 ? atServer1 : atServer2;
        }
    }

    /** One lease of a server's memfile: expiry (epoch seconds), MAC and address. */
    record ServerLease(long expiry, String mac, String address) {
    }

    final String name;
    final Path dir;
    private final Map<String, String> env;
    private final Teardown teardown;

    private Cluster(String name, int leaseSeconds) {
        this.name = name;
        this.dir = Path.of(System.getProperty("java.io.tmpdir"), "cni-dhcp-cluster." + name);
        this.env = Map.of("DIST", System.getProperty("dist.dir", "../dist"), "CLUSTER_LEASE", Integer.toString(leaseSeconds));
        this.teardown = Teardown.atExit("cluster-cleanup-" + name, this::down);
    }

    /** Starts a cluster lab of {@code nodes} nodes whose servers grant leases of {@code leaseSeconds}. */
    static Cluster up(int nodes, int leaseSeconds) throws IOException {
        String name = "cl" + Integer.toString(ThreadLocalRandom.current().nextInt(36 * 36 * 36, 36 * 36 * 36 * 36), 36);
        Cluster c = new Cluster(name, leaseSeconds);
        Lab.Run run = c.script("up", name, "--nodes", Integer.toString(nodes));
        if (run.exit() != 0) {
            String why = run.stderr() + run.stdout();
            c.close();
            throw new IOException("cluster up failed: " + why);
        }
        return c;
    }

    /** ADD through macvlan on {@code node}; returns the result's first address (CIDR). */
    String add(int node, String pod) throws IOException {
        JsonNode result = script("add", name, Integer.toString(node), pod).expectSuccess().json();
        return result.path("ips").path(0).path("address").asText();
    }

    Lab.Run del(int node, String pod) throws IOException {
        return script("del", name, Integer.toString(node), pod);
    }

    void stopServer(int server) throws IOException {
        script("stop-server", name, Integer.toString(server)).expectSuccess();
    }

    void startServer(int server) throws IOException {
        script("start-server", name, Integer.toString(server)).expectSuccess();
    }

    /** Runs a command in a namespace of the lab: sw, s1, s2, nI or nI-POD. */
    Lab.Run exec(String where, String... command) throws IOException {
        List<String> args = new ArrayList<>(List.of("exec", name, where));
        args.addAll(List.of(command));
        return script(args.toArray(String[]::new));
    }

    /** Every pod, by node and name, as the census reports it. */
    Map<String, Pod> census() throws IOException {
        Map<String, Pod> pods = new LinkedHashMap<>();
        for (String line : script("census", name).expectSuccess().stdout().split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length == 6) {
                Pod p = new Pod(Integer.parseInt(f[0]), f[1], f[2], f[3].split(",")[0], f[4], f[5]);
                pods.put(p.node() + "/" + p.name(), p);
            }
        }
        return pods;
    }

    /** The leases of server 1 or 2 that are neither released nor reclaimed (its memfile). */
    List<ServerLease> leases(int server) throws IOException {
        List<ServerLease> out = new ArrayList<>();
        for (String line : script("leases", name, Integer.toString(server)).expectSuccess().stdout().split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 3) {
                out.add(new ServerLease(Long.parseLong(f[0]), f[1], f[2]));
            }
        }
        return out;
    }

    /** The addresses server 1 or 2 acknowledged (its log). */
    Set<String> served(int server) throws IOException {
        Set<String> out = new TreeSet<>();
        for (String line : script("served", name, Integer.toString(server)).expectSuccess().stdout().split("\n")) {
            if (!line.isBlank()) {
                out.add(line.trim());
            }
        }
        return out;
    }

    String daemonLog(int node) throws IOException {
        Path log = dir.resolve("n" + node).resolve("daemon.log");
        return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    }

    /** The daemons' and servers' logs' tails, for assertion messages. */
    String diagnostics() {
        StringBuilder b = new StringBuilder();
        try (var files = Files.walk(dir, 2)) {
            for (Path p : files.filter(f -> f.toString().endsWith(".log")).sorted().toList()) {
                List<String> lines = Files.readAllLines(p, StandardCharsets.UTF_8);
                b.append("\n--- ").append(p).append('\n')
                        .append(String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size())));
            }
        } catch (IOException e) {
            b.append("\n(diagnostics: ").append(e.getMessage()).append(')');
        }
        return b.toString();
    }

    private Lab.Run script(String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(SCRIPT.toString());
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().putAll(env);
        Path out = Files.createTempFile("cluster-out", ".txt");
        Path err = Files.createTempFile("cluster-err", ".txt");
        try {
            Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            p.getOutputStream().close();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
                throw new IOException("cluster.sh " + List.of(args) + " did not finish within 120 s");
            }
            return new Lab.Run(p.exitValue(), Files.readString(out), Files.readString(err));
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
            script("down", name);
        } catch (IOException e) {
            System.err.println("cluster " + name + ": cleanup failed: " + e.getMessage());
        }
    }

    @Override
    public void close() {
        teardown.run();
    }
}
