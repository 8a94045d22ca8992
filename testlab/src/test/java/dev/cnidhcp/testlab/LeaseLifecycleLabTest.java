package dev.cnidhcp.testlab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.cnidhcp.testlab.BridgeLabTest.addressOf;
import static dev.cnidhcp.testlab.CniCommandsLabTest.ipOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The RFC 2131 client life cycle against a real dnsmasq whose leases last 2 minutes (T1 60 s, T2 105 s,
 * expiry 120 s): rebinding when the server is silent through T2; a NAK at renewal that ends in a
 * different address; expiry, then the same address back by INIT-REBOOT or by DISCOVER with option 50.
 * Each test waits for the lease's timers (2 to 2.5 minutes), so each has its own lab and they run
 * concurrently with each other and with the other lab classes (see junit-platform.properties).
 */
@Tag("lab")
@Execution(ExecutionMode.CONCURRENT)
class LeaseLifecycleLabTest {
    private static final List<Lab> LABS = new CopyOnWriteArrayList<>();
    private static final Pattern CHANGED = Pattern.compile(
            "ADDRESS CHANGED: the server gave (10\\.99\\.0\\.(\\d+))/24 but the pod's interface has (\\d+\\.\\d+\\.\\d+\\.\\d+)");

    @AfterAll
    static void down() {
        LABS.forEach(Lab::close);
    }

    private static Lab newLab() throws Exception {
        Lab lab = Lab.up();
        LABS.add(lab);
        return lab;
    }

    private static ObjectNode bridgeCheckConfig(Lab lab, JsonNode addResult) throws Exception {
        ObjectNode config = lab.netconf("bridge", "1.0.0");
        config.set("prevResult", addResult);
        return config;
    }

    /** Our plugin's CHECK with a prevResult naming {@code cidr}. */
    private static Lab.Run directCheck(Lab lab, String pod, String cidr) throws Exception {
        ObjectNode config = lab.netconf("dhcp", "1.0.0");
        ObjectNode prev = config.putObject("prevResult");
        prev.put("cniVersion", "1.0.0");
        prev.putArray("ips").addObject().put("address", cidr).put("gateway", "10.99.0.1");
        return lab.cni(pod, "dhcp", "CHECK", config);
    }

    /** The routes of the lease (option 121) that the bridge plugin put on the pod's eth0 at ADD. */
    private static void assertPodHasTheLeasesRoutes(Lab lab, String pod, String why) throws Exception {
        String routes = lab.inPod(pod, "ip", "-4", "route", "show", "dev", "eth0").expectSuccess().stdout();
        assertTrue(routes.contains("default via 10.99.0.1") && routes.contains("10.98.0.0/16 via 10.99.0.1"),
                () -> why + "; the pod's routes on eth0 are now:\n" + routes + lab.diagnostics());
    }

    private static long serverExpiry(Lab lab, String ip) throws Exception {
        return lab.serverLeases().stream().filter(l -> l[2].equals(ip)).mapToLong(l -> Long.parseLong(l[0]))
                .findFirst().orElse(-1);
    }

    /**
     * dnsmasq stops right after the ADD and comes back just after T2: the unicast renewals from T1 on
     * get no answer, the broadcast REQUEST of REBINDING does, and the pod never loses its address.
     */
    @Test
    @Timeout(240)
    void serverSilentFromBeforeT1UntilJustAfterT2TheDaemonRebindsAndThePodKeepsItsAddress() throws Exception {
        try (Lab lab = newLab()) {
            JsonNode added = lab.add("r1", "bridge").expectSuccess().json();
            long addedAt = System.nanoTime();
            String cidr = addressOf(added);
            String key = "container=" + lab.name + "-r1 ifname=eth0 network=labnet: ";
            lab.stopDnsmasq();

            assertTrue(lab.awaitLog(key + "RENEWING attempt failed", Duration.ofSeconds(90)),
                    () -> "a renewal at T1 went unanswered" + lab.diagnostics());
            assertTrue(lab.awaitLog(key + "no answer from server 10.99.0.2 until T2; rebinding " + cidr,
                    Duration.ofSeconds(60)), () -> "REBINDING at T2" + lab.diagnostics());
            long t2 = (System.nanoTime() - addedAt) / 1_000_000_000L;
            assertTrue(t2 >= 95 && t2 <= 110, "T2 comes 105 s after the ACK, came after " + t2 + " s");
            assertFalse(lab.daemonLog().contains("rebound"), lab::diagnostics);
            lab.startDnsmasq();

            assertTrue(lab.awaitLog(key + "rebound " + cidr, Duration.ofSeconds(30)),
                    () -> "rebound before expiry" + lab.diagnostics());
            String log = lab.daemonLog();
            assertFalse(log.contains("LOST"), () -> "the lease was never lost" + lab.diagnostics());
            assertFalse(log.contains("renewed " + cidr), () -> "no unicast renewal succeeded" + lab.diagnostics());
            long nowEpoch = System.currentTimeMillis() / 1000;
            long expiry = serverExpiry(lab, ipOf(cidr));
            assertTrue(expiry >= nowEpoch + 100, () -> "dnsmasq extended the lease to " + expiry + " (now "
                    + nowEpoch + ")" + lab.diagnostics());
            assertEquals(List.of(cidr), lab.podAddresses("r1"), lab::diagnostics);
            assertTrue(lab.linkUp("r1", "eth0"), lab::diagnostics);
            assertPodHasTheLeasesRoutes(lab, "r1", "rebinding leaves the pod's routes alone");
            Lab.Run check = lab.cni("r1", "bridge", "CHECK", bridgeCheckConfig(lab, added));
            assertEquals(0, check.exit(), () -> check.stdout() + lab.diagnostics());
            lab.del("r1", "bridge").expectSuccess();
        }
    }

    /**
     * dnsmasq comes back with another range while a pod holds an address of the old one: the renewal
     * at T1 is NAKed, the daemon sets the link down and asks for the old address with DISCOVER, gets
     * a different one, reports ADDRESS CHANGED, keeps the link down, and CHECK fails with 103. The
     * loss must come at T1, from the NAK to the unicast renewal; waiting on to expiry lets the rest of
     * the chain be checked too when it comes later, and the timing is asserted last.
     */
    @Test
    @Timeout(220)
    void renewalNakedAfterTheServerChangedItsRangeEndsInAddressChangedLinkDownAndCheck103() throws Exception {
        try (Lab lab = newLab()) {
            JsonNode added = lab.add("k1", "bridge").expectSuccess().json();
            long addedAt = System.nanoTime();
            String cidr = addressOf(added);
            String key = "container=" + lab.name + "-k1 ifname=eth0 network=labnet: ";
            lab.stopDnsmasq();
            lab.startDnsmasq("--range", "10.99.0.20,10.99.0.40");

            assertTrue(lab.awaitLog(key + "LOST " + cidr, Duration.ofSeconds(130)),
                    () -> "the NAK loses the lease" + lab.diagnostics());
            long lostAfter = (System.nanoTime() - addedAt) / 1_000_000_000L;
            assertTrue(lab.awaitLog(key + "ADDRESS CHANGED", Duration.ofSeconds(60)), lab::diagnostics);
            String log = lab.daemonLog();
            assertTrue(log.indexOf(key + "LOST " + cidr) < log.indexOf(key + "ADDRESS CHANGED"), lab::diagnostics);
            assertTrue(log.contains("LOST " + cidr + " (DHCPNAK from 10.99.0.2"), () -> "lost by a NAK" + lab.diagnostics());
            Matcher m = CHANGED.matcher(log);
            assertTrue(m.find(), lab::diagnostics);
            String newCidr = m.group(1) + "/24";
            int host = Integer.parseInt(m.group(2));
            assertTrue(host >= 20 && host <= 40, () -> "new address from the new range: " + newCidr);
            assertEquals(ipOf(cidr), m.group(3), lab::diagnostics);
            assertTrue(log.contains(key + "acquired again " + newCidr), lab::diagnostics);
            assertTrue(lab.serverHasLease(ipOf(newCidr)), lab::diagnostics);
            assertFalse(log.contains("renewed " + cidr), lab::diagnostics);

            assertFalse(lab.linkUp("k1", "eth0"), () -> "the pod's link is left down" + lab.diagnostics());
            assertEquals(List.of(cidr), lab.podAddresses("k1"), "the pod's interface still has the old address");
            Lab.Run check = lab.cni("k1", "bridge", "CHECK", bridgeCheckConfig(lab, added));
            assertEquals(1, check.exit(), () -> check.stdout() + lab.diagnostics());
            assertEquals(103, check.json().path("code").asInt(), () -> check.stdout() + lab.diagnostics());
            assertTrue(check.json().path("msg").asText().contains(newCidr), check.stdout());

            String diagnostics = lab.diagnostics();
            lab.del("k1", "bridge").expectSuccess();
            assertFalse(lab.serverHasLease(ipOf(newCidr)), () -> "DEL released the new lease" + lab.diagnostics());

            // dnsmasq NAKs the first REQUEST after T1 (60 s); RFC 2131 4.1 has the NAK broadcast.
            assertTrue(lostAfter <= 80, () -> "LOST " + lostAfter + " s after the ADD: the NAK to the unicast"
                    + " renewal at T1 (about 60 s) was not taken; the lease was lost only later" + diagnostics);
        }
    }

    /**
     * dnsmasq is down from the ADD until the lease has expired and comes back right after: the daemon
     * logs LOST at expiry, asks for the same address with INIT-REBOOT, gets it, and the pod's link is
     * up again with its address.
     */
    @Test
    @Timeout(220)
    void serverBackJustAfterExpiryInitRebootRegainsTheSameAddressAndTheLinkComesBackUp() throws Exception {
        try (Lab lab = newLab()) {
            JsonNode added = lab.add("e1", "bridge").expectSuccess().json();
            long addedAt = System.nanoTime();
            String cidr = addressOf(added);
            String key = "container=" + lab.name + "-e1 ifname=eth0 network=labnet: ";
            lab.stopDnsmasq();

            assertTrue(lab.awaitLog(key + "LOST " + cidr + " (lease expired without renewal)", Duration.ofSeconds(140)),
                    () -> "the lease expires unrenewed" + lab.diagnostics());
            long lostAfter = (System.nanoTime() - addedAt) / 1_000_000_000L;
            assertTrue(lostAfter >= 110 && lostAfter <= 130, "expiry comes 120 s after the ACK, came after " + lostAfter);
            lab.startDnsmasq();

            assertTrue(lab.awaitLog(key + cidr + " is back; eth0 up again with 2 route(s)",
                    Duration.ofSeconds(30)), () -> "INIT-REBOOT got the address back" + lab.diagnostics());
            String log = lab.daemonLog();
            assertTrue(log.contains(key + "no answer from server 10.99.0.2 until T2; rebinding " + cidr),
                    lab::diagnostics);
            assertFalse(log.contains("ADDRESS CHANGED"), lab::diagnostics);
            assertTrue(lab.linkUp("e1", "eth0"), () -> "the pod's link is up again" + lab.diagnostics());
            assertEquals(List.of(cidr), lab.podAddresses("e1"), lab::diagnostics);
            assertTrue(lab.serverHasLease(ipOf(cidr)), lab::diagnostics);
            Lab.Run direct = directCheck(lab, "e1", cidr);
            assertEquals(0, direct.exit(), () -> direct.stdout() + lab.diagnostics());
            assertPodHasTheLeasesRoutes(lab, "e1", "setting the link down removed the pod's routes through"
                    + " it and bringing it up again did not restore them");
            Lab.Run check = lab.cni("e1", "bridge", "CHECK", bridgeCheckConfig(lab, added));
            assertEquals(0, check.exit(), () -> check.stdout() + lab.diagnostics());
            lab.del("e1", "bridge").expectSuccess();
            assertFalse(lab.serverHasLease(ipOf(cidr)), lab::diagnostics);
        }
    }

    /**
     * dnsmasq stays down past expiry and past the INIT-REBOOT attempt: the daemon goes on with
     * DISCOVER asking for the lost address (option 50), keeps the link down between attempts, and
     * when the server is back it gets the same address and brings the link up.
     */
    @Test
    @Timeout(240)
    void serverDownPastInitRebootDiscoverWithTheLostAddressRegainsItAndTheLinkIsDownMeanwhile() throws Exception {
        try (Lab lab = newLab()) {
            JsonNode added = lab.add("d1", "bridge").expectSuccess().json();
            String cidr = addressOf(added);
            String ip = ipOf(cidr);
            String mac = lab.inPod("d1", "cat", "/sys/class/net/eth0/address").expectSuccess().stdout().trim();
            String key = "container=" + lab.name + "-d1 ifname=eth0 network=labnet: ";
            lab.stopDnsmasq();

            assertTrue(lab.awaitLog(key + "LOST " + cidr + " (lease expired without renewal)", Duration.ofSeconds(140)),
                    () -> "the lease expires unrenewed" + lab.diagnostics());
            assertTrue(lab.awaitLog(key + "INIT-REBOOT for " + ip + " failed", Duration.ofSeconds(30)),
                    lab::diagnostics);
            assertTrue(lab.awaitLog(key + "still no lease for " + ip, Duration.ofSeconds(30)), lab::diagnostics);
            assertFalse(lab.linkUp("d1", "eth0"), () -> "the link is down between attempts" + lab.diagnostics());
            lab.startDnsmasq();

            assertTrue(lab.awaitLog(key + cidr + " is back; eth0 up again with 2 route(s)",
                    Duration.ofSeconds(40)), () -> "DISCOVER got the address back" + lab.diagnostics());
            String dnsmasqLog = java.nio.file.Files.readString(lab.dir.resolve("dnsmasq.log"));
            assertTrue(dnsmasqLog.contains("DHCPDISCOVER(eth0) " + ip + " " + mac),
                    () -> "the DISCOVER asked for the lost address (option 50)" + lab.diagnostics());
            assertFalse(lab.daemonLog().contains("ADDRESS CHANGED"), lab::diagnostics);
            assertTrue(lab.linkUp("d1", "eth0"), () -> "the pod's link is up again" + lab.diagnostics());
            assertEquals(List.of(cidr), lab.podAddresses("d1"), lab::diagnostics);
            Lab.Run direct = directCheck(lab, "d1", cidr);
            assertEquals(0, direct.exit(), () -> direct.stdout() + lab.diagnostics());
            assertPodHasTheLeasesRoutes(lab, "d1", "setting the link down removed the pod's routes through"
                    + " it and bringing it up again did not restore them");
            Lab.Run check = lab.cni("d1", "bridge", "CHECK", bridgeCheckConfig(lab, added));
            assertEquals(0, check.exit(), () -> check.stdout() + lab.diagnostics());
            lab.del("d1", "bridge").expectSuccess();
        }
    }
}
