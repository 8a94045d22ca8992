package dev.cnidhcp.testlab;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.cnidhcp.testlab.BridgeLabTest.addressOf;
import static dev.cnidhcp.testlab.CniCommandsLabTest.ipOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Leases survive what happens to a node: the daemon killed with SIGKILL (also in the middle of ADDs),
 * a pod's namespace deleted without DEL, an unusable state directory, an address some other host
 * already uses. Each test has its own lab; the slow ones (a full 2-minute lease time) run in parallel.
 */
@Tag("lab")
@Execution(ExecutionMode.CONCURRENT)
class DurabilityLabTest {
    private static final long LEASE_SECONDS = 120;
    /** A DHCPDISCOVER line of dnsmasq's log; group 1 is the client's MAC. */
    private static final Pattern DISCOVER = Pattern.compile("DHCPDISCOVER\\(eth0\\) ([0-9a-f:]{17})");

    /** Expiry (epoch seconds) of an address in dnsmasq's lease file, or -1. */
    private static long serverExpiry(Lab lab, String ip) throws Exception {
        return lab.serverLeases().stream().filter(l -> l[2].equals(ip)).mapToLong(l -> Long.parseLong(l[0]))
                .findFirst().orElse(-1);
    }

    /** The MACs dnsmasq's log shows a DHCPDISCOVER from. */
    private static Set<String> discoveringMacs(Lab lab) throws IOException {
        Path log = lab.dir.resolve("dnsmasq.log");
        Set<String> macs = new HashSet<>();
        if (Files.exists(log)) {
            Matcher m = DISCOVER.matcher(Files.readString(log, StandardCharsets.UTF_8));
            while (m.find()) {
                macs.add(m.group(1));
            }
        }
        return macs;
    }

    /**
     * Sends SIGKILL to the daemon ({@code pid}) as soon as more pods outside {@code heldMacs} have sent
     * a DISCOVER than {@code adds} have returned: at that instant an exchange the daemon began is not
     * answered. Polls every 5 ms. Returns how many were unanswered then, or 0 when every ADD returned
     * (or {@code timeout} passed) first, in which case nothing is killed.
     */
    private static long killWhenUnanswered(Lab lab, long pid, Set<String> heldMacs, List<Future<Lab.Run>> adds,
            Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() - deadline < 0) {
            Set<String> begun = discoveringMacs(lab);
            begun.removeAll(heldMacs);
            long answered = adds.stream().filter(Future::isDone).count();
            if (begun.size() > answered) {
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly); // SIGKILL, by pid
                return begun.size() - answered;
            }
            if (answered == adds.size()) {
                return 0;
            }
            Thread.sleep(5);
        }
        return 0;
    }

    @Test
    @Timeout(300)
    void killDashNineWhileHoldingLeasesAndDuringAddsLosesNoLeaseAndGivesNoAddressTwice() throws Exception {
        try (Lab lab = Lab.up()) {
            Map<String, String> addresses = new HashMap<>();
            for (int i = 0; i < 4; i++) {
                addresses.put("h" + i, ipOf(addressOf(lab.add("h" + i, "bridge").expectSuccess().json())));
            }
            // ADDs in flight when the daemon dies: it is killed once the server has seen an exchange
            // begin that no ADD has answered yet (more new MACs sending DISCOVER than ADDs returned)
            Set<String> heldMacs = discoveringMacs(lab);
            long pid = Long.parseLong(Files.readString(lab.dir.resolve("daemon.pid")).trim());
            ExecutorService pool = Executors.newFixedThreadPool(6);
            List<Future<Lab.Run>> inFlight = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                String pod = "f" + i;
                inFlight.add(pool.submit(() -> lab.add(pod, "bridge")));
            }
            long unansweredAtKill = killWhenUnanswered(lab, pid, heldMacs, inFlight, Duration.ofSeconds(60));
            assertTrue(unansweredAtKill > 0, () -> "no ADD was seen in flight before all were answered"
                    + lab.diagnostics());
            lab.script(List.of("kill-daemon", lab.name)).expectSuccess(); // waits until it is gone
            List<String> failed = new ArrayList<>();
            for (int i = 0; i < inFlight.size(); i++) {
                Lab.Run run = inFlight.get(i).get();
                if (run.exit() == 0) {
                    addresses.put("f" + i, ipOf(addressOf(run.json())));
                } else {
                    failed.add("f" + i);
                }
            }
            assertFalse(failed.isEmpty(), () -> unansweredAtKill + " ADD(s) were in flight at the kill, yet all"
                    + " succeeded" + lab.diagnostics());
            pool.shutdown();
            lab.startDaemon();
            assertTrue(lab.daemonLog().contains("recovered "), lab::diagnostics);
            for (String pod : failed) { // what a runtime does after a failed ADD: DEL, then ADD again
                lab.cni(pod, "bridge", "DEL", "1.0.0");
                addresses.put(pod, ipOf(addressOf(lab.add(pod, "bridge").expectSuccess().json())));
            }
            long since = System.nanoTime();
            Map<String, Long> firstExpiry = new HashMap<>();
            for (Map.Entry<String, String> e : addresses.entrySet()) {
                firstExpiry.put(e.getKey(), serverExpiry(lab, e.getValue()));
            }

            Thread.sleep(Duration.ofSeconds(LEASE_SECONDS + 10).toMillis() - (System.nanoTime() - since) / 1_000_000);

            Set<String> unique = new HashSet<>(addresses.values());
            assertEquals(addresses.size(), unique.size(), () -> "an address was given twice: " + addresses);
            long now = System.currentTimeMillis() / 1000;
            for (Map.Entry<String, String> e : addresses.entrySet()) {
                long expiry = serverExpiry(lab, e.getValue());
                assertTrue(expiry > now, () -> e.getKey() + " " + e.getValue() + " is no longer leased at the server"
                        + lab.diagnostics());
                assertTrue(expiry > firstExpiry.get(e.getKey()), () -> e.getKey() + " was not renewed" + lab.diagnostics());
                assertEquals(List.of(e.getValue() + "/24"), lab.podAddresses(e.getKey()), lab::diagnostics);
            }
            assertEquals(addresses.size(), lab.serverLeases().size(), () -> "no stray leases" + lab.diagnostics());
            for (String pod : addresses.keySet()) {
                lab.del(pod, "bridge").expectSuccess();
            }
            assertEquals(0, lab.serverLeases().size(), lab::diagnostics);
        }
    }

    @Test
    @Timeout(180)
    void podNamespaceDeletedWithoutDelIsReleasedAtTheNextTimer() throws Exception {
        try (Lab lab = Lab.up()) {
            String ip = ipOf(addressOf(lab.add("v1", "bridge").expectSuccess().json()));
            Path daemon = Path.of("/proc", Files.readString(lab.dir.resolve("daemon.pid")).trim());
            long fdsBefore = count(daemon.resolve("fd"));
            lab.removePodNetns("v1");
            String key = "container=" + lab.name + "-v1 ifname=eth0 network=labnet: ";

            assertTrue(lab.awaitLog(key + "the pod is gone without DEL", Duration.ofSeconds(90)), lab::diagnostics);
            assertTrue(lab.awaitLog(key + "released " + ip, Duration.ofSeconds(10)), lab::diagnostics);
            assertTrue(Lab.await(Duration.ofSeconds(5), () -> !lab.serverHasLease(ip)), lab::diagnostics);
            assertTrue(count(daemon.resolve("fd")) <= fdsBefore, "no file descriptor leaked" + lab.diagnostics());
            assertFalse(threadNames(daemon).stream().anyMatch(n -> n.startsWith("netns-")),
                    () -> "no namespace thread left: " + threadNames(daemon));
            assertEquals(0, lab.cni("v1", "dhcp", "DEL", "1.0.0").exit(), "a late DEL still succeeds");
        }
    }

    private static long count(Path dir) throws Exception {
        try (var files = Files.list(dir)) {
            return files.count();
        }
    }

    private static List<String> threadNames(Path process) {
        List<String> names = new ArrayList<>();
        try (var tasks = Files.list(process.resolve("task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                names.add(Files.readString(task.resolve("comm")).trim());
            }
        } catch (Exception e) {
            names.add("? " + e.getMessage());
        }
        return names;
    }

    @Test
    @Timeout(120)
    void daemonRestartedWithLeasesOfVanishedPodsReleasesThem() throws Exception {
        try (Lab lab = Lab.up()) {
            String kept = ipOf(addressOf(lab.add("k1", "bridge").expectSuccess().json()));
            String vanished = ipOf(addressOf(lab.add("g1", "bridge").expectSuccess().json()));
            lab.script(List.of("kill-daemon", lab.name)).expectSuccess();
            lab.removePodNetns("g1");

            lab.startDaemon();

            assertTrue(lab.awaitLog("the pod is gone without DEL", Duration.ofSeconds(10)), lab::diagnostics);
            assertTrue(Lab.await(Duration.ofSeconds(5), () -> !lab.serverHasLease(vanished)), lab::diagnostics);
            assertTrue(lab.serverHasLease(kept), lab::diagnostics);
            assertTrue(lab.daemonLog().contains("recovered 1 of 2 recorded lease(s)"), lab::diagnostics);
            lab.del("k1", "bridge").expectSuccess();
            assertFalse(lab.serverHasLease(kept), "the recovered lease is released by DEL" + lab.diagnostics());
        }
    }

    @Test
    @Timeout(120)
    void delWhileTheDaemonIsDownIsCode11AndTheNextDelReleases() throws Exception {
        try (Lab lab = Lab.up()) {
            String ip = ipOf(addressOf(lab.add("w1", "bridge").expectSuccess().json()));
            lab.stopDaemon();
            Lab.Run del = lab.cni("w1", "dhcp", "DEL", "1.0.0");
            assertEquals(1, del.exit());
            assertEquals(11, del.json().get("code").asInt(), del.stdout());
            assertTrue(lab.serverHasLease(ip));

            lab.startDaemon();
            lab.del("w1", "bridge").expectSuccess();

            assertFalse(lab.serverHasLease(ip), lab::diagnostics);
        }
    }

    @Test
    @Timeout(120)
    void unusableStateDirectoryFailsAddClearlyAndStatusSaysSoWhileDelStillWorks() throws Exception {
        try (Lab lab = Lab.up()) {
            String ip = ipOf(addressOf(lab.add("s1", "bridge").expectSuccess().json()));
            lab.stopDaemon();
            lab.script(List.of("start-daemon", lab.name), "", Map.of("LAB_STATEDIR", "/proc/cni-dhcp-no-such-dir"))
                    .expectSuccess();

            Lab.Run add = lab.add("s2", "bridge");
            assertEquals(1, add.exit(), add.stdout());
            assertEquals(5, add.json().get("code").asInt(), add.stdout());
            assertTrue(add.json().get("msg").asText().contains("could not be recorded"), add.stdout());
            assertEquals(1, lab.serverLeases().size(), "the unrecorded lease was released" + lab.diagnostics());
            Lab.Run status = lab.cni("s1", "dhcp", "STATUS", "1.1.0");
            assertEquals(50, status.json().get("code").asInt(), status.stdout());
            assertTrue(status.json().get("msg").asText().contains("/proc/cni-dhcp-no-such-dir"), status.stdout());
            assertEquals(0, lab.cni("s1", "dhcp", "DEL", "1.0.0").exit(), "DEL still works");
            assertTrue(lab.serverHasLease(ip), "the old lease is unknown to this daemon: it stays until expiry");
        }
    }

    @Test
    @Timeout(120)
    void addressInUseByAnotherHostIsDeclinedAndAnotherOneTaken() throws Exception {
        try (Lab lab = Lab.up()) {
            String squatterMac = lab.script(List.of("squat", lab.name, "10.99.0.150")).expectSuccess().stdout().trim();
            lab.stopDnsmasq();
            lab.startDnsmasq("--range", "10.99.0.150,10.99.0.150");
            lab.stopDaemon();
            // 20 s: room for the 10 s pause after a DHCPDECLINE (RFC 2131 3.1.5) and one more attempt
            lab.script(List.of("start-daemon", lab.name), "", Map.of("LAB_DAEMON_FLAGS", "-resendtimeout 20s"))
                    .expectSuccess();

            long started = System.nanoTime();
            Lab.Run onlyTaken = lab.add("c1", "bridge");
            long tookMillis = (System.nanoTime() - started) / 1_000_000;
            assertEquals(1, onlyTaken.exit(), onlyTaken.stdout());
            assertEquals(100, onlyTaken.json().get("code").asInt(), onlyTaken.stdout());
            assertTrue(lab.daemonLog().contains("10.99.0.150 from server 10.99.0.2 is in use by " + squatterMac),
                    lab::diagnostics);
            String dnsmasqLog = java.nio.file.Files.readString(lab.dir.resolve("dnsmasq.log"));
            assertTrue(dnsmasqLog.contains("DHCPDECLINE"), "the server was told" + lab.diagnostics());
            assertTrue(tookMillis >= 10_000, "the next attempt waited 10 s after the decline; ADD took " + tookMillis + " ms");
            assertTrue(onlyTaken.json().get("msg").asText().contains("RFC 2131 3.1.5"), onlyTaken.stdout());

            lab.stopDnsmasq();
            lab.startDnsmasq("--range", "10.99.0.150,10.99.0.151");
            String got = ipOf(addressOf(lab.add("c2", "bridge").expectSuccess().json()));
            assertEquals("10.99.0.151", got, lab::diagnostics);
        }
    }

    /**
     * Linux answers ARP for any of its addresses on any interface, so a pod with a second interface on
     * the same segment answers the probe for an address it already holds. That is the pod itself, not
     * another host: the address is not declined.
     */
    @Test
    @Timeout(120)
    void theProbeIgnoresAnswersFromThePodsOwnOtherInterface() throws Exception {
        try (Lab lab = Lab.up()) {
            lab.stopDnsmasq();
            lab.startDnsmasq("--range", "10.99.0.150,10.99.0.150");
            lab.podNetns("c1");
            lab.inNode("ip", "link", "add", "own1", "link", "mv0", "type", "macvlan", "mode", "bridge").expectSuccess();
            lab.inNode("ip", "link", "set", "own1", "netns", lab.name + "-c1").expectSuccess();
            lab.inPod("c1", "ip", "addr", "add", "10.99.0.150/24", "dev", "own1").expectSuccess();
            lab.inPod("c1", "ip", "link", "set", "own1", "up").expectSuccess();

            Lab.Run add = lab.cni("c1", "bridge", "ADD", "1.0.0");
            assertEquals(0, add.exit(), add.stdout() + lab.diagnostics());
            assertEquals("10.99.0.150", ipOf(addressOf(add.json())), lab::diagnostics);
            assertFalse(lab.daemonLog().contains("is in use by"), lab::diagnostics);
        }
    }
}
