package dev.cnidhcp.testlab;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Three nodes, each with its own lease daemon, on one segment served by a Kea load-balancing HA pair
 * (testlab/scripts/cluster.sh), leases of {@value #LEASE} s so that a failover fits in a bounded run:
 * addresses unique cluster-wide and served by both servers, pods of different nodes reach each
 * other, every lease survives the loss of one server past its original expiry (renewed or rebound
 * through the partner), a pod attaches meanwhile, the server's return changes nothing for the pods,
 * and every DEL's DHCPRELEASE arrives, the ones sent during the failover too: for a pod whose lease
 * the survivor took over by a broadcast rebinding the release is the first unicast it sends the
 * survivor, and macvlan deletes its interface as soon as DEL returns.
 */
@Tag("lab")
@Timeout(240)
class ClusterLabTest {
    private static final int NODES = 3;
    private static final int PODS_PER_NODE = 4;
    private static final int LEASE = 20;
    private static final String SURVIVOR_ADDRESS = "10.95.0.3";

    private static Cluster cluster;

    @BeforeAll
    static void up() throws IOException {
        cluster = Cluster.up(NODES, LEASE);
    }

    @AfterAll
    static void down() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void everyPodKeepsAUniqueLiveAddressThroughAServerFailoverAndEveryReleaseArrives() throws Exception {
        long started = System.nanoTime();
        Map<String, String> pods = attachAll();                      // "node/pod" -> address
        Set<String> addresses = new HashSet<>(pods.values());
        assertEquals(NODES * PODS_PER_NODE, addresses.size(), "unique cluster-wide: " + pods);
        Set<String> byServer1 = intersect(cluster.served(1), addresses);
        Set<String> byServer2 = intersect(cluster.served(2), addresses);
        assertFalse(byServer1.isEmpty(), "server 1 served none of " + pods + cluster.diagnostics());
        assertFalse(byServer2.isEmpty(), "server 2 served none of " + pods + cluster.diagnostics());
        assertPodsOfDifferentNodesPingEachOther(pods);

        // --- server 1 stops: every lease must stay live at server 2 past its original expiry
        long originalExpiry = latestExpiry(cluster.leases(2), addresses);
        cluster.stopServer(1);
        long stopped = System.nanoTime();
        assertTrue(awaitSeconds(15, () -> serverLog(2).contains("to PARTNER-DOWN state")),
                "the survivor did not go to partner-down" + cluster.diagnostics());
        String late = cluster.add(1, "p5").split("/")[0];
        assertFalse(addresses.contains(late), late + " is held by another pod already: " + pods);
        pods.put("1/p5", late);
        assertTrue(awaitSeconds(LEASE + 15, () -> nowSeconds() > originalExpiry + 2),
                "the original expiry never passed");
        Map<String, Cluster.Pod> census = cluster.census();
        long liveAtSurvivor = census.values().stream().filter(p -> p.atServer(2).equals("live")).count();
        System.out.printf("cluster failover: %d of %d leases live at the survivor %d s after the stop,"
                        + " past the original expiry%n", liveAtSurvivor, census.size(),
                (System.nanoTime() - stopped) / 1_000_000_000L);
        for (Cluster.Pod p : census.values()) {
            assertEquals(pods.get(p.node() + "/" + p.name()), p.address(), "the pod's address changed: " + p);
            assertEquals("live", p.atServer(2), "at the survivor: " + p + cluster.diagnostics());
        }

        // --- releases while server 1 is down, of leases it had granted: the survivor took them over
        // by a broadcast rebinding, so the release is the first unicast the pod sends it. Whatever
        // the pod's neighbour table holds must not matter: it is flushed, and the survivor answers
        // no ARP meanwhile (as one too busy to answer before macvlan deletes the interface).
        List<String> takenOver = pods.entrySet().stream().filter(e -> byServer1.contains(e.getValue()))
                .map(Map.Entry::getKey).limit(2).toList();
        assertEquals(2, takenOver.size(), "server 1 served fewer than 2 pods: " + byServer1);
        cluster.exec("s2", "ip", "link", "set", "eth0", "arp", "off").expectSuccess();
        try {
            for (String key : takenOver) {
                String where = "n" + key.replace('/', '-');
                cluster.exec(where, "ip", "neigh", "flush", "dev", "eth0").expectSuccess();
                String neighbour = cluster.exec(where, "ip", "neigh", "show", SURVIVOR_ADDRESS).stdout().trim();
                cluster.del(node(key), pod(key)).expectSuccess();
                String ip = pods.remove(key);
                assertTrue(awaitSeconds(3, () -> !holds(cluster.leases(2), ip)),
                        "the release of " + ip + " (pod " + key + ", its neighbour entry for the survivor: '"
                                + neighbour + "') never reached the survivor" + cluster.diagnostics());
            }
        } finally {
            cluster.exec("s2", "ip", "link", "set", "eth0", "arp", "on").expectSuccess();
        }

        // --- server 1 returns: nothing changes for the pods through a whole lease time
        cluster.startServer(1);
        Map<String, String> before = new LinkedHashMap<>(pods);
        Thread.sleep((LEASE + 5) * 1000L); // one lease time: every lease renewed or rebound once more
        Map<String, Cluster.Pod> after = cluster.census();
        assertEquals(before.keySet(), after.keySet());
        for (Cluster.Pod p : after.values()) {
            assertEquals(before.get(p.node() + "/" + p.name()), p.address(), "the pod's address changed: " + p);
            assertEquals("live", p.atServer(1), "at the returned server: " + p + cluster.diagnostics());
            assertEquals("live", p.atServer(2), "at the survivor: " + p + cluster.diagnostics());
        }
        assertPodsOfDifferentNodesPingEachOther(pods);

        // --- DEL everywhere: every lease released at both servers
        Set<String> remaining = new HashSet<>(pods.values());
        delAll(pods);
        assertTrue(awaitSeconds(5, () -> intersect(addresses(cluster.leases(1)), remaining).isEmpty()
                        && intersect(addresses(cluster.leases(2)), remaining).isEmpty()),
                "still leased after DEL: server 1 " + intersect(addresses(cluster.leases(1)), remaining)
                        + ", server 2 " + intersect(addresses(cluster.leases(2)), remaining) + cluster.diagnostics());
        long releases = 0;
        for (int n = 1; n <= NODES; n++) {
            releases += cluster.daemonLog(n).lines().filter(l -> l.contains(": released ")).count();
        }
        assertEquals(remaining.size() + takenOver.size(), releases, "the daemons' releases");
        System.out.printf("cluster releases: %d sent, %d arrived (none leased at either server after DEL);"
                        + " test took %d s%n", releases, remaining.size() + takenOver.size(),
                (System.nanoTime() - started) / 1_000_000_000L);
    }

    /** Attaches {@value #PODS_PER_NODE} pods on every node, all at once. */
    private static Map<String, String> attachAll() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(NODES * PODS_PER_NODE);
        try {
            Map<String, Future<String>> runs = new LinkedHashMap<>();
            for (int n = 1; n <= NODES; n++) {
                for (int p = 1; p <= PODS_PER_NODE; p++) {
                    int node = n;
                    String pod = "p" + p;
                    runs.put(node + "/" + pod, pool.submit(() -> cluster.add(node, pod)));
                }
            }
            Map<String, String> pods = new LinkedHashMap<>();
            for (Map.Entry<String, Future<String>> e : runs.entrySet()) {
                String cidr = e.getValue().get();
                assertTrue(cidr.startsWith("10.95.0."), e.getKey() + ": " + cidr);
                pods.put(e.getKey(), cidr.split("/")[0]);
            }
            return pods;
        } finally {
            pool.shutdown();
        }
    }

    private static void delAll(Map<String, String> pods) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(pods.size());
        try {
            List<Future<Lab.Run>> runs = new ArrayList<>();
            for (String key : pods.keySet()) {
                runs.add(pool.submit(() -> cluster.del(node(key), pod(key))));
            }
            for (Future<Lab.Run> run : runs) {
                run.get().expectSuccess();
            }
        } finally {
            pool.shutdown();
        }
    }

    /** Every pod pings one pod of the next node. */
    private static void assertPodsOfDifferentNodesPingEachOther(Map<String, String> pods) throws IOException {
        for (String key : pods.keySet()) {
            int next = node(key) % NODES + 1;
            String target = pods.entrySet().stream().filter(e -> node(e.getKey()) == next)
                    .map(Map.Entry::getValue).findFirst().orElseThrow();
            Lab.Run ping = cluster.exec("n" + key.replace('/', '-'), "ping", "-c", "1", "-W", "2", target);
            assertEquals(0, ping.exit(), key + " -> " + target + " (node " + next + "): " + ping.stdout() + ping.stderr());
        }
    }

    private static int node(String key) {
        return Integer.parseInt(key.substring(0, key.indexOf('/')));
    }

    private static String pod(String key) {
        return key.substring(key.indexOf('/') + 1);
    }

    private static String serverLog(int server) throws IOException {
        return Files.readString(cluster.dir.resolve("s" + server).resolve("kea.log"));
    }

    private static long latestExpiry(List<Cluster.ServerLease> leases, Set<String> of) {
        return leases.stream().filter(l -> of.contains(l.address())).mapToLong(Cluster.ServerLease::expiry).max()
                .orElseThrow(() -> new AssertionError("the survivor knows none of " + of));
    }

    private static boolean holds(List<Cluster.ServerLease> leases, String ip) {
        return leases.stream().anyMatch(l -> l.address().equals(ip));
    }

    private static Set<String> addresses(List<Cluster.ServerLease> leases) {
        return leases.stream().map(Cluster.ServerLease::address).collect(Collectors.toSet());
    }

    private static Set<String> intersect(Set<String> a, Set<String> b) {
        Set<String> out = new HashSet<>(a);
        out.retainAll(b);
        return out;
    }

    private static long nowSeconds() {
        return System.currentTimeMillis() / 1000;
    }

    private interface Check {
        boolean holds() throws Exception;
    }

    /** Polls {@code check} every 200 ms for up to {@code seconds}. */
    private static boolean awaitSeconds(int seconds, Check check) throws Exception {
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        while (true) {
            if (check.holds()) {
                return true;
            }
            if (System.nanoTime() > end) {
                return false;
            }
            Thread.sleep(200);
        }
    }
}
