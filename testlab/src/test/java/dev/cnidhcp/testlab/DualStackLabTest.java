package dev.cnidhcp.testlab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Dual-stack pods through the reference plugins ({@code "ipam": {"type": "dhcp", "dhcpv6": true}})
 * against the lab's dnsmasq serving DHCPv4 and DHCPv6 with Router Advertisements ({@code lab.sh up
 * LAB --dhcpv6}): each pod gets one IPv4 and one IPv6 address, all unique, both leased at the
 * server; pods reach each other over IPv6; a daemon killed with -9 comes back with both families;
 * DEL releases both, for macvlan, whose DEL asks IPAM before it removes the interface, and for the
 * bridge plugin, which removes it first (the IPv6 RELEASE then leaves out of the pod's uplink, the
 * bridge, recorded at ADD and kept across the restart). The same through the bridge plugin with ISC
 * Kea's kea-dhcp6 serving the IPv6 addresses ({@code --kea6}); and a lease held past T1 and across a
 * daemon kill -9.
 */
@Tag("lab")
@Timeout(240)
class DualStackLabTest {
    private static final String[] BRIDGE_PODS = {"d1", "d2", "d3"};

    /** lab.sh's config for {@code plugin} with DHCPv6 asked for. */
    private static ObjectNode dualStack(Lab lab, String plugin) throws IOException {
        ObjectNode config = lab.netconf(plugin, "1.0.0");
        ((ObjectNode) config.get("ipam")).put("dhcpv6", true);
        return config;
    }

    /** The result's addresses without prefix length, IPv4 first. */
    private static List<String> addresses(JsonNode result) {
        List<String> out = new ArrayList<>();
        for (JsonNode ip : result.path("ips")) {
            String cidr = ip.path("address").asText();
            out.add(cidr.substring(0, cidr.indexOf('/')));
        }
        return out;
    }

    private static Lab.Run add(Lab lab, String pod, String plugin) throws IOException {
        lab.podNetns(pod);
        return lab.cni(pod, plugin, "ADD", dualStack(lab, plugin));
    }

    /** A dual-stack ADD through bridge and what it gave: one address of each family, IPv4 first. */
    private record Added(Lab.Run run, List<String> addresses) {
    }

    /** ADD of {@code pod} through bridge: it succeeds with two addresses, none of them in {@code seen}. */
    private static Added addUnique(Lab lab, String pod, Set<String> seen) throws IOException {
        Lab.Run add = add(lab, pod, "bridge");
        assertEquals(0, add.exit(), add.stdout() + add.stderr() + lab.diagnostics());
        List<String> a = addresses(add.json());
        assertEquals(2, a.size(), add.stdout());
        assertTrue(seen.add(a.get(0)) && seen.add(a.get(1)), "unique: " + a + " after " + seen);
        return new Added(add, a);
    }

    @Test
    void dualStackPodsGetUniqueAddressesOfBothFamiliesReachEachOtherAndSurviveADaemonKill() throws Exception {
        try (Lab lab = Lab.upNamed("ds", "--dhcpv6")) {
            Set<String> seen = new HashSet<>();
            List<List<String>> pods = new ArrayList<>();
            for (String pod : BRIDGE_PODS) {
                List<String> a = addUnique(lab, pod, seen).addresses();
                assertFalse(a.get(0).contains(":"), "IPv4 first: " + a);
                assertTrue(a.get(1).startsWith("fd99:"), "then the DHCPv6 address: " + a);
                for (String address : a) {
                    assertTrue(lab.serverHasLease(address), address + " leased at dnsmasq\n" + lab.diagnostics());
                }
                String v6 = lab.inPod(pod, "ip", "-6", "-o", "addr", "show", "dev", "eth0", "scope", "global")
                        .expectSuccess().stdout();
                assertTrue(v6.contains(a.get(1) + "/64"), "the pod carries " + a.get(1) + "/64: " + v6);
                pods.add(a);
            }
            Lab.Run ping = lab.inPod("d1", "ping", "-6", "-c", "1", "-W", "3", pods.get(1).get(1));
            assertEquals(0, ping.exit(), "d1 reaches d2 over IPv6: " + ping.stdout() + ping.stderr());
            assertListedAndCounted(lab, pods);

            lab.script(List.of("kill-daemon", lab.name)).expectSuccess();
            lab.startDaemon();
            assertTrue(lab.awaitLog("recovered", Duration.ofSeconds(20)), lab.daemonLog());
            for (int i = 0; i < BRIDGE_PODS.length; i++) {
                Lab.Run check = lab.cni(BRIDGE_PODS[i], "bridge", "DEL", dualStack(lab, "bridge"));
                assertEquals(0, check.exit(), check.stdout() + check.stderr());
                // The bridge plugin deletes the pod's veth before it calls IPAM DEL: the IPv6 RELEASE
                // goes out of the uplink recorded at ADD (br0), in the runtime's namespace.
                for (String address : pods.get(i)) {
                    assertTrue(Lab.await(Duration.ofSeconds(10), () -> !lab.serverHasLease(address)),
                            "the restarted daemon released " + address + "\n" + lab.diagnostics());
                }
                String released = "released " + pods.get(i).get(1) + " (sent from the uplink br0 in the runtime's namespace";
                assertTrue(lab.daemonLog().contains(released), released + "\n" + lab.daemonLog());
            }
            assertTrue(lab.daemonLog().contains("recovered"), lab.daemonLog());
        }
    }

    /** dnsmasq's expiry (epoch seconds) of {@code address}, or -1 when it holds no lease of it. */
    private static long serverExpiry(Lab lab, String address) throws IOException {
        return lab.serverLeases().stream().filter(l -> l.length > 2 && l[2].equals(address))
                .mapToLong(l -> Long.parseLong(l[0])).findFirst().orElse(-1);
    }

    /**
     * dnsmasq's shortest lease, 2 minutes (it raises anything shorter), is the lab's: T1 at 60 s and
     * T2 at 105 s for both families, so a renewal past T1 comes about a minute after ADD.
     */
    @Test
    void aDualStackLeaseRenewsPastT1AndIsStillLiveAtTheServerAfterADaemonKillAndTheRestartsRebind()
            throws Exception {
        try (Lab lab = Lab.upNamed("dr", "--dhcpv6")) {
            Lab.Run add = add(lab, "r1", "bridge");
            assertEquals(0, add.exit(), add.stdout() + add.stderr() + lab.diagnostics());
            List<String> a = addresses(add.json());
            assertEquals(2, a.size(), add.stdout());
            String v4 = a.get(0);
            String v6 = a.get(1);
            long granted4 = serverExpiry(lab, v4);
            long granted6 = serverExpiry(lab, v6);
            assertTrue(granted4 > 0 && granted6 > 0, "both leased at dnsmasq\n" + lab.diagnostics());

            // T1 (60 s): RENEW for IPv6 and DHCPREQUEST for IPv4, each moving the server's expiry on
            assertTrue(Lab.await(Duration.ofSeconds(90), () -> lab.daemonLog().contains("renewed " + v6 + "/")),
                    "the IPv6 lease renewed at T1\n" + lab.diagnostics());
            assertTrue(Lab.await(Duration.ofSeconds(10), () -> serverExpiry(lab, v6) > granted6),
                    "dnsmasq's expiry of " + v6 + " moved on from " + granted6 + "\n" + lab.diagnostics());
            assertTrue(Lab.await(Duration.ofSeconds(20), () -> serverExpiry(lab, v4) > granted4),
                    "dnsmasq's expiry of " + v4 + " moved on from " + granted4 + "\n" + lab.diagnostics());
            long renewed6 = serverExpiry(lab, v6);
            long rebindsBefore = rebinds(lab, v6);

            lab.script(List.of("kill-daemon", lab.name)).expectSuccess();
            lab.startDaemon();

            assertTrue(Lab.await(Duration.ofSeconds(45),
                            () -> lab.daemonLog().contains("confirmed after restart " + v6 + "/")),
                    "the restarted daemon confirmed " + v6 + " with REBIND\n" + lab.diagnostics());
            assertTrue(rebinds(lab, v6) > rebindsBefore, "dnsmasq answered a REBIND for " + v6 + "\n" + lab.diagnostics());
            long now = System.currentTimeMillis() / 1000;
            long confirmed6 = serverExpiry(lab, v6);
            assertTrue(confirmed6 >= renewed6 && confirmed6 > now,
                    "the IPv6 lease is live at dnsmasq (expiry " + confirmed6 + ", now " + now + ", after the renewal "
                            + renewed6 + ")\n" + lab.diagnostics());
            assertTrue(serverExpiry(lab, v4) > now, "the IPv4 lease is live at dnsmasq too\n" + lab.diagnostics());
            String onPod = lab.inPod("r1", "ip", "-6", "-o", "addr", "show", "dev", "eth0", "scope", "global")
                    .expectSuccess().stdout();
            assertTrue(onPod.contains(v6 + "/64"), "the pod still carries " + v6 + ": " + onPod);

            Lab.Run del = lab.cni("r1", "bridge", "DEL", dualStack(lab, "bridge"));
            assertEquals(0, del.exit(), del.stdout() + del.stderr());
            for (String address : a) {
                assertTrue(Lab.await(Duration.ofSeconds(10), () -> !lab.serverHasLease(address)),
                        address + " released at dnsmasq\n" + lab.diagnostics());
            }
        }
    }

    /**
     * How many REBINDs dnsmasq's log shows it answered with {@code address}: lines {@code XID
     * DHCPREBIND(eth0) DUID}, then {@code XID DHCPREPLY(eth0) ADDRESS DUID} of the same transaction.
     */
    private static long rebinds(Lab lab, String address) throws IOException {
        Path log = lab.dir.resolve("dnsmasq.log");
        if (!Files.exists(log)) {
            return 0;
        }
        Set<String> rebindXids = new HashSet<>();
        long answered = 0;
        for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
            String[] f = line.substring(line.indexOf("]: ") + 3).trim().split("\\s+");
            if (f.length >= 3 && f[1].startsWith("DHCPREBIND(")) {
                rebindXids.add(f[0]);
            } else if (f.length >= 3 && f[1].startsWith("DHCPREPLY(") && f[2].equals(address)
                    && rebindXids.contains(f[0])) {
                answered++;
            }
        }
        return answered;
    }

    /** Kea's DHCPv6 lease of {@code address} as {@code lab.sh kea6-leases} prints it (expiry, IAID, address, name, DUID), or null. */
    private static String[] keaLease(Lab lab, String address) throws IOException {
        for (String line : lab.script(List.of("kea6-leases", lab.name)).expectSuccess().stdout().split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 5 && f[2].equals(address)) {
                return f;
            }
        }
        return null;
    }

    /** The MAC of the result's interface inside the pod (the one with a sandbox). */
    private static String podMac(JsonNode result) {
        for (JsonNode i : result.path("interfaces")) {
            if (i.has("sandbox")) {
                return i.path("mac").asText();
            }
        }
        throw new AssertionError("no pod interface in " + result);
    }

    @Test
    void dualStackPodsOnKeaGetUniqueAddressesLeasedInKeasLeaseFileAndReleasedAtDel() throws Exception {
        try (Lab lab = Lab.upNamed("dk", "--kea6")) {
            Set<String> seen = new HashSet<>();
            List<List<String>> pods = new ArrayList<>();
            for (String pod : BRIDGE_PODS) {
                Added added = addUnique(lab, pod, seen);
                Lab.Run add = added.run();
                List<String> a = added.addresses();
                assertTrue(a.get(1).startsWith("fd99::1"), "Kea's pool fd99::100 - fd99::1ff: " + a);
                assertTrue(lab.serverHasLease(a.get(0)), a.get(0) + " leased at dnsmasq\n" + lab.diagnostics());
                String[] kea = keaLease(lab, a.get(1));
                assertTrue(kea != null, a.get(1) + " in Kea's lease file:\n"
                        + lab.script(List.of("kea6-leases", lab.name)).stdout());
                assertEquals("00:03:00:01:" + podMac(add.json()), kea[4], "under the pod's DUID-LL");
                assertTrue(Long.parseLong(kea[0]) > System.currentTimeMillis() / 1000, "live: " + String.join(" ", kea));
                String v6 = lab.inPod(pod, "ip", "-6", "-o", "addr", "show", "dev", "eth0", "scope", "global")
                        .expectSuccess().stdout();
                assertTrue(v6.contains(a.get(1) + "/64"), "the pod carries " + a.get(1) + "/64: " + v6);
                pods.add(a);
            }
            Lab.Run ping = lab.inPod("d1", "ping", "-6", "-c", "1", "-W", "3", pods.get(2).get(1));
            assertEquals(0, ping.exit(), "d1 reaches d3 over IPv6: " + ping.stdout() + ping.stderr());

            for (int i = 0; i < BRIDGE_PODS.length; i++) {
                Lab.Run del = lab.cni(BRIDGE_PODS[i], "bridge", "DEL", dualStack(lab, "bridge"));
                assertEquals(0, del.exit(), del.stdout() + del.stderr());
                String v4 = pods.get(i).get(0);
                String v6 = pods.get(i).get(1);
                assertTrue(Lab.await(Duration.ofSeconds(10), () -> keaLease(lab, v6) == null),
                        v6 + " released at Kea\n" + lab.script(List.of("kea6-leases", lab.name)).stdout()
                                + lab.diagnostics());
                assertTrue(Lab.await(Duration.ofSeconds(10), () -> !lab.serverHasLease(v4)), v4 + " released at dnsmasq");
                String released = "released " + v6 + " (sent from the uplink br0 in the runtime's namespace";
                assertTrue(lab.daemonLog().contains(released), released + "\n" + lab.daemonLog());
            }
        }
    }

    @Test
    void aMacvlanPodsDelReleasesBothFamilies() throws Exception {
        try (Lab lab = Lab.upNamed("ds", "--dhcpv6")) {
            Lab.Run add = add(lab, "m1", "macvlan");
            assertEquals(0, add.exit(), add.stdout() + add.stderr() + lab.diagnostics());
            List<String> a = addresses(add.json());
            assertEquals(2, a.size(), add.stdout());
            for (String address : a) {
                assertTrue(lab.serverHasLease(address), address + " leased\n" + lab.diagnostics());
            }

            Lab.Run del = lab.cni("m1", "macvlan", "DEL", dualStack(lab, "macvlan"));

            assertEquals(0, del.exit(), del.stdout() + del.stderr());
            for (String address : a) {
                assertTrue(Lab.await(Duration.ofSeconds(10), () -> !lab.serverHasLease(address)),
                        address + " released at dnsmasq\n" + lab.diagnostics());
            }
        }
    }

    /** {@code dhcp leases --json} lists each pod's two leases by family; {@code dhcp status} counts the DHCPv6 ones. */
    private static void assertListedAndCounted(Lab lab, List<List<String>> pods) throws Exception {
        Lab.Run leases = lab.dhcp("leases", "--json", "-socketpath", lab.socket().toString()).expectSuccess();
        JsonNode listed = leases.json();
        for (List<String> pod : pods) {
            for (int family = 0; family < 2; family++) {
                String address = pod.get(family);
                String expected = family == 0 ? "ipv4" : "ipv6";
                boolean found = false;
                for (JsonNode entry : listed) {
                    String cidr = entry.path("address").asText();
                    if (cidr.startsWith(address + "/")) {
                        assertEquals(expected, entry.path("family").asText(), entry.toString());
                        assertEquals("bound", entry.path("state").asText(), entry.toString());
                        found = true;
                    }
                }
                assertTrue(found, address + " in dhcp leases --json: " + leases.stdout());
            }
        }
        String status = lab.dhcp("status", "-socketpath", lab.socket().toString()).expectSuccess().stdout();
        assertTrue(status.contains("DHCPv6 leases    " + pods.size() + ": bound " + pods.size()), status);
    }
}
