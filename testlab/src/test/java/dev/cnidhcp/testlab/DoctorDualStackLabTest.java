package dev.cnidhcp.testlab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code dhcp doctor}'s DHCPv6 checks on a lab node with one dual-stack pod through the bridge
 * plugin ({@code "dhcpv6": true}, dnsmasq serving DHCPv6 with Router Advertisements: {@code lab.sh
 * up LAB --dhcpv6}), with the kernel's duplicate address detection on the pod's interface
 * ({@code "enabledad": true}): on a healthy node every {@code lease6.*} check passes; the tests then
 * break the pod's IPv6 side (the address deleted; a squatter holding it, so that the address put
 * back fails detection), assert that doctor fails exactly {@code lease6.address} (exit 1) naming the
 * address, repair it, and assert that doctor passes again (exit 0) with every check passing. With
 * detection off on the interface (the bridge plugin's default) the check passes saying so.
 */
@Tag("lab")
@Timeout(240)
class DoctorDualStackLabTest {
    private static final String POD = "z1";
    private static final Duration SETTLE = Duration.ofSeconds(15);
    private static Lab lab;
    private static Path confDir;
    private static Path binDir;
    private static String v4;
    private static String v6;
    private static String v6Cidr;

    @BeforeAll
    static void node() throws Exception {
        lab = Lab.upNamed("dz", "--dhcpv6");
        confDir = Files.createDirectories(lab.dir.resolve("net.d"));
        binDir = Files.createDirectories(lab.dir.resolve("cni-bin"));
        Files.createSymbolicLink(binDir.resolve("bridge"), Path.of("/usr/lib/cni/bridge"));
        Files.createSymbolicLink(binDir.resolve("dhcp"),
                Path.of(System.getProperty("dist.dir", "../dist"), "bin", "dhcp").toAbsolutePath());
        ObjectNode plugin = dualStackWithDad();
        ObjectNode list = plugin.objectNode().put("cniVersion", "1.0.0").put("name", plugin.get("name").asText());
        plugin.remove(List.of("cniVersion", "name"));
        ArrayNode plugins = list.putArray("plugins");
        plugins.add(plugin.deepCopy());
        Files.writeString(confDir.resolve("10-labnet.conflist"), list.toPrettyString());

        lab.podNetns(POD);
        Lab.Run add = lab.cni(POD, "bridge", "ADD", dualStackWithDad());
        assertEquals(0, add.exit(), add.stdout() + add.stderr() + lab.diagnostics());
        for (JsonNode ip : add.json().path("ips")) {
            String cidr = ip.path("address").asText();
            if (cidr.contains(":")) {
                v6Cidr = cidr;
                v6 = cidr.substring(0, cidr.indexOf('/'));
            } else {
                v4 = cidr.substring(0, cidr.indexOf('/'));
            }
        }
        assertTrue(v4 != null && v6 != null && v6.startsWith("fd99:"), "one address of each family: " + add.stdout());
    }

    /**
     * The lab's bridge config with DHCPv6, and the kernel's duplicate address detection on the pod's
     * interface ({@code "enabledad": true}; without it the bridge plugin sets its {@code accept_dad} to 0).
     */
    private static ObjectNode dualStackWithDad() throws IOException {
        ObjectNode config = lab.netconf("bridge", "1.0.0");
        ((ObjectNode) config.get("ipam")).put("dhcpv6", true);
        config.put("enabledad", true);
        return config;
    }

    @AfterAll
    static void down() {
        if (lab != null) {
            lab.close();
        }
    }

    private static DoctorOutcome doctor() throws IOException {
        return DoctorOutcome.run(lab, confDir, binDir);
    }

    /**
     * Doctor passes every check, the DHCPv6 ones among them: the lease bound, the pod's eth0 carrying
     * the address with duplicate address detection passed, the address unique. Waits up to
     * {@link #SETTLE} for an address just added to finish DAD (doctor warns while it is tentative).
     */
    private static void assertHealthy(String when) throws Exception {
        DoctorOutcome[] last = new DoctorOutcome[1];
        boolean healthy = Lab.await(SETTLE, () -> (last[0] = doctor()).allPass());
        assertTrue(healthy, when + ": " + String.join("\n", last[0].findings()) + lab.diagnostics());
        DoctorOutcome o = last[0];
        assertEquals(1, o.of("lease6.state", "pass").size(), o.findings().toString());
        assertTrue(o.of("lease6.state", "pass").get(0).contains(v6Cidr + " bound"), o.findings().toString());
        assertEquals(1, o.of("lease6.address", "pass").size(), o.findings().toString());
        assertTrue(o.of("lease6.address", "pass").get(0).contains("eth0 carries " + v6Cidr
                + ", duplicate address detection passed"), o.findings().toString());
        assertTrue(o.of("leases6.unique", "pass").get(0).contains("1 DHCPv6 address(es), all distinct"),
                o.findings().toString());
        assertEquals(1, o.of("lease.address", "pass").size(), "the IPv4 lease is checked too: " + o.findings());
    }

    /** Doctor fails exactly {@code lease6.address} (exit 1), and its finding contains {@code names}. */
    private static DoctorOutcome assertAddressCheckFails(String names) throws Exception {
        DoctorOutcome[] last = new DoctorOutcome[1];
        // DAD of an address just added takes about a second before the kernel marks it dadfailed
        Lab.await(SETTLE, () -> (last[0] = doctor()).of("lease6.address", "fail").size() == 1);
        DoctorOutcome o = last[0];
        assertEquals(Set.of("lease6.address"), o.failed(), String.join("\n", o.findings()));
        assertEquals(1, o.exit());
        List<String> failed = o.of("lease6.address", "fail");
        assertTrue(failed.get(0).contains(names), failed + " names " + names);
        assertEquals(1, o.of("lease6.state", "pass").size(), "the lease itself is fine: " + o.findings());
        return o;
    }

    @Test
    void aDeletedIpv6AddressFailsTheLease6AddressCheckWithTheCommandThatPutsItBack() throws Exception {
        assertHealthy("before");
        lab.inPod(POD, "ip", "-6", "addr", "del", v6Cidr, "dev", "eth0").expectSuccess();
        try {
            DoctorOutcome o = assertAddressCheckFails("eth0 does not carry " + v6);
            String fix = "nsenter --net=/run/netns/" + lab.name + "-" + POD + " ip -6 addr add " + v6Cidr + " dev eth0";
            assertTrue(o.of("lease6.address", "fail").get(0).contains("fix: " + fix), o.findings().toString());
            assertTrue(o.of("lease.address", "pass").get(0).contains(v4), "IPv4 unaffected: " + o.findings());
        } finally {
            // the fix doctor printed (replace: the same, and also when the del above did not happen)
            lab.inPod(POD, "ip", "-6", "addr", "replace", v6Cidr, "dev", "eth0").expectSuccess();
        }
        assertHealthy("address back");
    }

    @Test
    void aSquatterOnTheIpv6AddressFailsDuplicateAddressDetectionAndTheLease6AddressCheck() throws Exception {
        assertHealthy("before");
        // Another host on the bridge takes the address while the pod's is removed; put back, the pod's
        // address fails the kernel's duplicate address detection (the squatter answers the probe).
        lab.inPod(POD, "ip", "-6", "addr", "del", v6Cidr, "dev", "eth0").expectSuccess();
        try {
            lab.script(List.of("squat", lab.name, v6)).expectSuccess();
            lab.awaitBridgeGroup("vsq", v6, SETTLE); // the pod's probe reaches the squatter only then
            lab.inPod(POD, "ip", "-6", "addr", "add", v6Cidr, "dev", "eth0").expectSuccess();
            assertAddressCheckFails(v6 + " on eth0 failed duplicate address detection");
            String flags = lab.inPod(POD, "ip", "-6", "-o", "addr", "show", "dev", "eth0").expectSuccess().stdout();
            assertTrue(flags.contains("dadfailed"), "the kernel marked it: " + flags);
        } finally {
            lab.removePodNetns("squat");
            lab.inPod(POD, "ip", "-6", "addr", "del", v6Cidr, "dev", "eth0");
            lab.inPod(POD, "ip", "-6", "addr", "add", v6Cidr, "dev", "eth0").expectSuccess();
        }
        assertHealthy("squatter gone, address added again");
    }

    @Test
    void withoutDuplicateAddressDetectionOnThePodsInterfaceTheAddressCheckPassesSayingSo() throws Exception {
        assertHealthy("before");
        // as the bridge plugin leaves the interface without "enabledad"
        lab.inPod(POD, "sysctl", "-q", "-w", "net.ipv6.conf.eth0.accept_dad=0").expectSuccess();
        try {
            DoctorOutcome o = doctor();
            assertEquals(Set.of(), o.failed(), String.join("\n", o.findings()));
            List<String> passed = o.of("lease6.address", "pass");
            assertEquals(1, passed.size(), o.findings().toString());
            assertTrue(passed.get(0).contains("eth0 carries " + v6Cidr + "; the kernel does no duplicate address detection"
                    + " for it (accept_dad 0 on eth0 and all"), passed.toString());
        } finally {
            lab.inPod(POD, "sysctl", "-q", "-w", "net.ipv6.conf.eth0.accept_dad=1").expectSuccess();
        }
        assertHealthy("accept_dad 1 again");
    }
}
