package dev.cnidhcp.testlab;

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
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.cnidhcp.testlab.BridgeLabTest.addressOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code dhcp doctor} on a lab node with one macvlan pod: each test breaks one thing, asserts that
 * doctor fails exactly that check (exit 1) and names what it saw, repairs it, and asserts that
 * doctor passes again (exit 0). The config and bin directories are the test's own, in the lab's
 * directory; the daemon runs with a short -resendtimeout so that an ADD without a server fails soon.
 */
@Tag("lab")
@Timeout(300)
class DoctorLabTest {
    private static final String POD = "d1";
    private static Lab lab;
    private static Path confDir;
    private static Path binDir;
    private static Path config;
    private static String configText;
    private static String podIp;

    @BeforeAll
    static void node() throws Exception {
        lab = Lab.upNamed("dr");
        lab.stopDaemon();
        lab.script(List.of("start-daemon", lab.name), "", Map.of("LAB_DAEMON_FLAGS", "-resendtimeout 6s")).expectSuccess();
        confDir = Files.createDirectories(lab.dir.resolve("net.d"));
        binDir = Files.createDirectories(lab.dir.resolve("cni-bin"));
        Files.createSymbolicLink(binDir.resolve("macvlan"), Path.of("/usr/lib/cni/macvlan"));
        Files.createSymbolicLink(binDir.resolve("dhcp"),
                Path.of(System.getProperty("dist.dir", "../dist"), "bin", "dhcp").toAbsolutePath());
        // the lab's macvlan config as a .conflist, as a node's runtime would read it
        ObjectNode plugin = lab.netconf("macvlan", "1.0.0");
        ObjectNode list = plugin.objectNode().put("cniVersion", "1.0.0").put("name", plugin.get("name").asText());
        plugin.remove(List.of("cniVersion", "name"));
        ArrayNode plugins = list.putArray("plugins");
        plugins.add(plugin);
        configText = list.toPrettyString();
        config = Files.writeString(confDir.resolve("10-labmac.conflist"), configText);
        String cidr = addressOf(lab.add(POD, "macvlan").expectSuccess().json());
        podIp = cidr.substring(0, cidr.indexOf('/'));
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

    private static void assertHealthy(String when) throws IOException {
        DoctorOutcome o = doctor();
        assertEquals(Set.of(), o.failed(), when + ": " + o.json() + lab.diagnostics());
        assertEquals(0, o.exit(), when);
    }

    /** Doctor fails exactly {@code check}, and what it says of it contains {@code names}. */
    private static DoctorOutcome assertFailsOnly(String check, String names) throws IOException {
        DoctorOutcome o = doctor();
        assertEquals(Set.of(check), o.failed(), o.json().toString());
        assertEquals(1, o.exit());
        assertTrue(o.problems(check).stream().anyMatch(p -> p.contains(names)), o.problems(check) + " names " + names);
        return o;
    }

    @Test
    void aMissingMainPluginBinaryFailsTheBinariesCheck() throws Exception {
        assertHealthy("before");
        Path macvlan = binDir.resolve("macvlan");
        Files.delete(macvlan);
        try {
            assertFailsOnly("config.binaries", "not an executable in " + binDir + ": macvlan");
        } finally {
            Files.createSymbolicLink(macvlan, Path.of("/usr/lib/cni/macvlan"));
        }
        assertHealthy("binary back");
    }

    @Test
    void aCorruptConfigFailsTheParseCheckAndABadIpamKeyTheIpamCheck() throws Exception {
        assertHealthy("before");
        try {
            Files.writeString(config, configText.substring(0, configText.length() / 2));
            assertFailsOnly("config.parse", config + ": does not parse");
            Files.writeString(config, configText.replace("\"type\" : \"dhcp\"",
                    "\"type\" : \"dhcp\", \"request\" : [ { \"option\" : \"no-such-option\" } ]"));
            assertFailsOnly("config.ipam", "no-such-option");
        } finally {
            Files.writeString(config, configText);
        }
        assertHealthy("config repaired");
    }

    @Test
    void aDeletedDefaultRouteFailsTheRoutesCheck() throws Exception {
        assertHealthy("before");
        lab.inPod(POD, "ip", "route", "del", "default").expectSuccess();
        try {
            DoctorOutcome o = assertFailsOnly("lease.routes", "missing 0.0.0.0/0 via 10.99.0.1 on eth0");
            assertTrue(o.problems("lease.routes").get(0).contains("ip route add default via 10.99.0.1 dev eth0"),
                    o.problems("lease.routes").toString());
        } finally {
            lab.inPod(POD, "ip", "route", "replace", "default", "via", "10.99.0.1", "dev", "eth0").expectSuccess();
        }
        assertHealthy("route back");
    }

    @Test
    void aSquatterAnsweringArpForThePodsAddressFailsTheArpCheck() throws Exception {
        assertHealthy("before");
        String squatter = lab.script(List.of("squat", lab.name, podIp)).expectSuccess().stdout().trim();
        try {
            assertFailsOnly("lease.arp", podIp + " is answered for by another host, " + squatter);
        } finally {
            lab.removePodNetns("squat");
        }
        assertHealthy("squatter gone");
    }

    @Test
    void aStoppedServerFailsTheNetworkCheckOnceAnAddFails() throws Exception {
        assertHealthy("before");
        lab.stopDnsmasq();
        try {
            Lab.Run add = lab.add("d2", "macvlan");
            assertNotEquals(0, add.exit(), add.stdout());
            assertFailsOnly("network.failures", "network=labmac: a lease could not be obtained");
        } finally {
            lab.del("d2", "macvlan"); // as a runtime does after a failed ADD: macvlan removes its interface
            lab.startDnsmasq();
        }
        // The retried ADD succeeds: the network serves new pods again (a warning until the failure is 10 min
        // old). The pod stays: its lease is what shows the recovery, as on a node.
        lab.add("d2", "macvlan").expectSuccess();
        DoctorOutcome o = doctor();
        assertEquals(Set.of(), o.failed(), o.json().toString());
        assertEquals(0, o.exit());
        assertTrue(o.problems("network.failures").get(0).contains("an ADD got a new lease since"), o.problems("network.failures").toString());
    }
}
