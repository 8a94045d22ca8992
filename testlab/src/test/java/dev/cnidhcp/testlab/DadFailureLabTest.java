package dev.cnidhcp.testlab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * RFC 8415 18.2.8 in the lab: a dual-stack pod through the bridge plugin whose IPv6 address the
 * kernel's duplicate address detection flags dadfailed after ADD (another node on br0 holds it) has
 * it declined by the daemon: the log says so, dnsmasq no longer holds the lease, and CHECK fails
 * naming the failed detection.
 *
 * <p>The bridge plugin is given {@code "enabledad": true}: without it, it turns the kernel's
 * detection off on the pod's veth ({@code accept_dad} 0) and no address is ever flagged. The
 * conflict is made after ADD: the address is taken off the pod, a second namespace on the
 * bridge takes it without detection of its own ({@code nodad}), and the pod is given it back, so
 * that the pod's detection fails. The daemon looks at the address 3 s after ADD and again after
 * every renewal; at the latest it finds the failure at T1 (60 s with dnsmasq's 2 minute leases).
 */
@Tag("lab")
@Timeout(180)
class DadFailureLabTest {

    @Test
    void aPodAddressWhoseKernelDadFailsAfterAddIsDeclinedAndCheckFails() throws Exception {
        try (Lab lab = Lab.upNamed("dd", "--dhcpv6")) {
            ObjectNode config = lab.netconf("bridge", "1.0.0");
            config.put("enabledad", true); // the bridge plugin turns the kernel's detection off on the pod's veth otherwise
            ((ObjectNode) config.get("ipam")).put("dhcpv6", true);
            lab.podNetns("p1");
            Lab.Run add = lab.cni("p1", "bridge", "ADD", config);
            assertEquals(0, add.exit(), add.stdout() + add.stderr() + lab.diagnostics());
            String v6 = null;
            for (JsonNode ip : add.json().path("ips")) {
                String cidr = ip.path("address").asText();
                if (cidr.contains(":")) {
                    v6 = cidr.substring(0, cidr.indexOf('/'));
                }
            }
            assertTrue(v6 != null && v6.startsWith("fd99:"), add.stdout());
            assertTrue(lab.serverHasLease(v6), v6 + " leased at dnsmasq\n" + lab.diagnostics());

            lab.inPod("p1", "ip", "-6", "addr", "del", v6 + "/64", "dev", "eth0").expectSuccess();
            lab.script(List.of("veth-pod", lab.name, "dd9")).expectSuccess();
            lab.inPod("dd9", "ip", "-6", "addr", "add", v6 + "/64", "dev", "eth0", "nodad").expectSuccess();
            lab.inPod("dd9", "ip", "link", "set", "eth0", "up").expectSuccess();
            String finalV6 = v6;
            // the second namespace's bridge port must forward before it can answer the pod's probe
            assertTrue(Lab.await(Duration.ofSeconds(35), () -> lab.inNode("cat", "/sys/class/net/vp-dd9/brport/state")
                    .stdout().trim().equals("3")), "vp-dd9 forwards\n" + lab.diagnostics());
            lab.inPod("p1", "ip", "-6", "addr", "add", v6 + "/64", "dev", "eth0").expectSuccess();
            assertTrue(Lab.await(Duration.ofSeconds(10), () -> lab.inPod("p1", "ip", "-6", "addr", "show", "dev", "eth0")
                    .stdout().contains("dadfailed")), "the pod's own detection failed\n"
                    + lab.inPod("p1", "ip", "-6", "addr", "show", "dev", "eth0").stdout());

            String severe = "DUPLICATE ADDRESS " + v6;
            assertTrue(lab.awaitLog(severe, Duration.ofSeconds(90)), severe + "\n" + lab.daemonLog());
            assertTrue(lab.awaitLog("declined " + v6, Duration.ofSeconds(10)), lab.daemonLog());
            assertTrue(Lab.await(Duration.ofSeconds(10), () -> !lab.serverHasLease(finalV6)),
                    "dnsmasq dropped the declined " + v6 + "\n" + lab.diagnostics());

            Lab.Run check = lab.cni("p1", "bridge", "CHECK", withPrevResult(config, add.json()));
            assertNotEquals(0, check.exit(), check.stdout());
            assertTrue((check.stdout() + check.stderr()).contains("duplicate address detection failed"),
                    check.stdout() + check.stderr());

            Lab.Run del = lab.cni("p1", "bridge", "DEL", config);
            assertEquals(0, del.exit(), del.stdout() + del.stderr());
        }
    }

    private static ObjectNode withPrevResult(ObjectNode config, JsonNode result) {
        ObjectNode out = config.deepCopy();
        out.set("prevResult", result);
        return out;
    }
}
