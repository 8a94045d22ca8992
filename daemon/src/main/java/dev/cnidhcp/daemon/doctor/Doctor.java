package dev.cnidhcp.daemon.doctor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

/**
 * Runs every check of {@code dhcp doctor} once, in order: the config directory, the daemon, each
 * held lease against its pod, IPv4 then DHCPv6 (up to {@link #PARALLEL_PODS} leases at a time, each
 * on a thread of its own that enters the pod's namespace), the leases together, and the networks'
 * recent failures.
 * The lease and network checks need the daemon's answers and are left out when it gives none.
 */
final class Doctor {
    static final int PARALLEL_PODS = 8;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path socket;
    private final ConfigCheck configs;
    private final DaemonQuery daemon;
    private final Function<Path, DaemonCheck.SocketFile> stat;
    private final PodCheck pods;
    private final Pod6Check pods6;
    private final Clock clock;

    /** With the real DHCPv6 probe (entered only for DHCPv6 leases). */
    Doctor(Path socket, ConfigCheck configs, DaemonQuery daemon, Function<Path, DaemonCheck.SocketFile> stat,
           PodProbe probe, Clock clock) {
        this(socket, configs, daemon, stat, probe, new NetnsPod6Probe(), clock);
    }

    Doctor(Path socket, ConfigCheck configs, DaemonQuery daemon, Function<Path, DaemonCheck.SocketFile> stat,
           PodProbe probe, Pod6Probe probe6, Clock clock) {
        this.socket = socket;
        this.configs = configs;
        this.daemon = daemon;
        this.stat = stat;
        this.pods = new PodCheck(probe);
        this.pods6 = new Pod6Check(probe6);
        this.clock = clock;
    }

    Report run() {
        List<Finding> out = new ArrayList<>();
        ConfigCheck.Result config = configs.run();
        out.addAll(config.findings());
        String where = socket.toString();
        JsonNode status;
        try {
            status = JSON.readTree(daemon.status());
        } catch (IOException e) {
            out.add(DaemonCheck.unreachable(where, e.getMessage()));
            out.add(DaemonCheck.socket(where, stat.apply(socket)));
            return new Report(out);
        }
        List<Finding> daemonFindings = DaemonCheck.status(where, status);
        out.add(daemonFindings.get(0));
        out.add(DaemonCheck.socket(where, stat.apply(socket)));
        out.addAll(daemonFindings.subList(1, daemonFindings.size()));
        List<HeldLease> leases;
        List<HeldLease6> leases6;
        try {
            JsonNode list = JSON.readTree(daemon.leases());
            leases = HeldLease.fromJson(list);
            leases6 = HeldLease6.fromJson(list);
        } catch (IOException | IllegalArgumentException e) {
            out.add(Finding.fail(Checks.DAEMON_STATUS, where, "the daemon answers STATUS but not LEASES: " + e.getMessage(),
                    "retry; if it persists, restart the daemon and report the log"));
            return new Report(out);
        }
        List<String> labels = new ArrayList<>();
        List<Callable<List<Finding>>> checks = new ArrayList<>();
        for (HeldLease lease : leases) {
            labels.add(lease.label());
            checks.add(() -> pods.check(lease));
        }
        for (HeldLease6 lease : leases6) {
            labels.add(lease.label());
            checks.add(() -> pods6.check(lease));
        }
        out.addAll(podFindings(labels, checks));
        out.add(AddressCheck.unique(leases));
        out.add(AddressCheck.unique6(leases6));
        out.add(AddressCheck.excluded(leases, excludes(status), config.excludes()));
        Instant now = HeldLease.instant(status.path("time").asText(""));
        out.addAll(NetworkCheck.check(status, leases, now == null ? clock.instant() : now));
        return new Report(out);
    }

    /** Runs {@code checks} (one per lease, {@code labels} naming each), in order of the list. */
    private static List<Finding> podFindings(List<String> labels, List<Callable<List<Finding>>> checks) {
        List<Finding> out = new ArrayList<>();
        if (checks.isEmpty()) {
            return out;
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(PARALLEL_PODS, checks.size()), r -> {
            Thread t = new Thread(r, "doctor-pod");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<List<Finding>>> results = new ArrayList<>();
            for (Callable<List<Finding>> check : checks) {
                results.add(pool.submit(check));
            }
            for (int i = 0; i < results.size(); i++) {
                try {
                    out.addAll(results.get(i).get());
                } catch (ExecutionException e) {
                    out.add(Finding.fail(Checks.LEASE_NETNS, labels.get(i), "the pod checks failed: "
                            + e.getCause(), "report this with the output of 'dhcp leases --json'"));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            pool.shutdownNow();
        }
        return out;
    }

    /** STATUS {@code exclude} (the daemon's {@code -exclude}), or null when it does not report one. */
    static List<String> excludes(JsonNode status) {
        JsonNode list = status.get("exclude");
        if (list == null || !list.isArray()) {
            return null;
        }
        List<String> out = new ArrayList<>();
        list.forEach(n -> out.add(n.asText()));
        return out;
    }
}
