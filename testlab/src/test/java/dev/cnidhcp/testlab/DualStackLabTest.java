package dev.cnidhcp.testlab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
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
 * bridge, recorded at ADD and kept across the restart).
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

    @Test
    void dualStackPodsGetUniqueAddressesOfBothFamiliesReachEachOtherAndSurviveADaemonKill() throws Exception {
        try (Lab lab = Lab.upNamed("ds", "--dhcpv6")) {
            Set<String> seen = new HashSet<>();
            List<List<String>> pods = new ArrayList<>();
            for (String pod : BRIDGE_PODS) {
                Lab.Run add = add(lab, pod, "bridge");
                assertEquals(0, add.exit(), add.stdout() + add.stderr() + lab.diagnostics());
                List<String> a = addresses(add.json());
                assertEquals(2, a.size(), add.stdout());
                assertFalse(a.get(0).contains(":"), "IPv4 first: " + a);
                assertTrue(a.get(1).startsWith("fd99:"), "then the DHCPv6 address: " + a);
                assertTrue(seen.add(a.get(0)) && seen.add(a.get(1)), "unique: " + a + " after " + seen);
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
}
