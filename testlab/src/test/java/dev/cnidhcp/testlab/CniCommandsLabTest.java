package dev.cnidhcp.testlab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

import static dev.cnidhcp.testlab.BridgeLabTest.addressOf;
import static dev.cnidhcp.testlab.BridgeLabTest.assertInLabRange;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The CNI commands besides ADD, end to end: CHECK through the reference bridge plugin (which needs
 * its own ADD result as prevResult), and GC and STATUS (CNI 1.1.0, unknown to bridge 1.1.1) through
 * our plugin directly, run in the node namespace as a runtime would run it; DEL without the pod's
 * namespace; several interfaces per pod; {@code ipam.provide} and {@code ipam.request}.
 *
 * <p>One lab for the class; the tests run one after another and each removes the pods it added, so
 * a GC of network "labnet" sees only the leases of its own test.
 */
@Tag("lab")
@Timeout(120)
class CniCommandsLabTest {
    @RegisterExtension
    static final SharedLab LAB = new SharedLab();

    private static Lab lab() {
        return LAB.get();
    }

    static String ipOf(String cidr) {
        return cidr.substring(0, cidr.indexOf('/'));
    }

    /** The bridge config with the bridge's own ADD result as prevResult, as a runtime sends CHECK. */
    private static ObjectNode bridgeCheckConfig(JsonNode addResult) throws IOException {
        ObjectNode config = lab().netconf("bridge", "1.0.0");
        config.set("prevResult", addResult);
        return config;
    }

    /** Our plugin's config (type dhcp) for CHECK with a prevResult naming {@code cidr}. */
    private static ObjectNode directCheckConfig(String cidr) throws IOException {
        ObjectNode config = lab().netconf("dhcp", "1.0.0");
        ObjectNode prev = config.putObject("prevResult");
        prev.put("cniVersion", "1.0.0");
        prev.putArray("ips").addObject().put("address", cidr).put("gateway", "10.99.0.1");
        return config;
    }

    private static ObjectNode gcConfig(String key, String... validContainerIds) throws IOException {
        ObjectNode config = lab().netconf("dhcp", "1.1.0");
        ArrayNode valid = config.putArray(key);
        for (String id : validContainerIds) {
            valid.addObject().put("containerID", id).put("ifname", "eth0");
        }
        return config;
    }

    private static Optional<String[]> serverLeaseOf(String ip) throws IOException {
        return lab().serverLeases().stream().filter(l -> l.length > 2 && l[2].equals(ip)).findFirst();
    }

    private static void assertError(Lab.Run run, int code) {
        assertEquals(1, run.exit(), () -> "exit 1 expected: " + run.stdout() + lab().diagnostics());
        assertEquals(code, run.json().path("code").asInt(), () -> run.stdout() + lab().diagnostics());
    }

    @Test
    void checkThroughBridgeAfterAddSucceedsAndPrintsNothing() throws Exception {
        JsonNode added = lab().add("c1", "bridge").expectSuccess().json();
        try {
            Lab.Run check = lab().cni("c1", "bridge", "CHECK", bridgeCheckConfig(added));
            assertEquals(0, check.exit(), () -> check.stdout() + check.stderr() + lab().diagnostics());
            assertEquals("", check.stdout().trim(), "CHECK prints nothing on success");
            Lab.Run direct = lab().cni("c1", "dhcp", "CHECK", directCheckConfig(addressOf(added)));
            assertEquals(0, direct.exit(), () -> direct.stdout() + lab().diagnostics());
            assertEquals("", direct.stdout().trim(), "CHECK prints nothing on success");
        } finally {
            lab().del("c1", "bridge");
        }
    }

    @Test
    void checkAfterThePodsAddressWasRemovedFailsWithCode103NamingTheInterface() throws Exception {
        JsonNode added = lab().add("c2", "bridge").expectSuccess().json();
        try {
            lab().inPod("c2", "ip", "addr", "flush", "dev", "eth0").expectSuccess();
            Lab.Run check = lab().cni("c2", "bridge", "CHECK", bridgeCheckConfig(added));
            assertError(check, 103);
            String msg = check.json().path("msg").asText();
            assertTrue(msg.contains("eth0"), () -> "the message names the interface: " + msg);
            assertTrue(msg.contains(ipOf(addressOf(added))), () -> "the message names the leased address: " + msg);
            assertError(lab().cni("c2", "dhcp", "CHECK", directCheckConfig(addressOf(added))), 103);
        } finally {
            lab().del("c2", "bridge");
        }
    }

    @Test
    void checkForAContainerNeverAddedFailsWithCode3() throws Exception {
        Lab.Run check = lab().cni("never", "dhcp", "CHECK", directCheckConfig("10.99.0.100/24"));
        assertError(check, 3);
        assertTrue(check.json().path("msg").asText().contains(lab().name + "-never"), check.stdout());
    }

    @Test
    void checkBelowCniVersion040IsCode1() throws Exception {
        ObjectNode config = directCheckConfig("10.99.0.100/24");
        config.put("cniVersion", "0.3.1");
        assertError(lab().cni("never", "dhcp", "CHECK", config), 1);
    }

    private void gcReleasesOnlyTheLeaseNotListed(String key, String podA, String podB) throws Exception {
        String keep = ipOf(addressOf(lab().add(podA, "bridge").expectSuccess().json()));
        String gone = ipOf(addressOf(lab().add(podB, "bridge").expectSuccess().json()));
        try {
            assertTrue(lab().serverHasLease(keep) && lab().serverHasLease(gone), lab()::diagnostics);
            Lab.Run gc = lab().cni("gc", "dhcp", "GC", gcConfig(key, lab().name + "-" + podA));
            assertEquals(0, gc.exit(), () -> gc.stdout() + gc.stderr() + lab().diagnostics());
            assertEquals("", gc.stdout().trim(), "GC prints nothing on success");
            assertFalse(lab().serverHasLease(gone), () -> "GC released " + gone + lab().diagnostics());
            assertTrue(lab().serverHasLease(keep), () -> "GC kept the listed " + keep + lab().diagnostics());
            String log = lab().daemonLog();
            assertTrue(log.contains("container=" + lab().name + "-" + podB + " ifname=eth0 network=labnet: released "
                    + gone), () -> "released " + gone + lab().diagnostics());
            assertFalse(log.contains("container=" + lab().name + "-" + podA + " ifname=eth0 network=labnet: released"),
                    lab()::diagnostics);
            assertError(lab().cni(podB, "dhcp", "CHECK", directCheckConfig(gone + "/24")), 3);
            assertEquals(0, lab().cni(podA, "dhcp", "CHECK", directCheckConfig(keep + "/24")).exit(),
                    () -> "the listed attachment is still held" + lab().diagnostics());
        } finally {
            lab().del(podA, "bridge");
            lab().del(podB, "bridge");
        }
        assertFalse(lab().serverHasLease(keep), () -> "DEL released the kept lease" + lab().diagnostics());
    }

    @Test
    void gcWithValidAttachmentsReleasesOnlyTheLeaseNotListed() throws Exception {
        gcReleasesOnlyTheLeaseNotListed("cni.dev/valid-attachments", "g1", "g2");
    }

    @Test
    void gcWithTheOlderAttachmentsKeyReleasesOnlyTheLeaseNotListed() throws Exception {
        gcReleasesOnlyTheLeaseNotListed("cni.dev/attachments", "h1", "h2");
    }

    @Test
    void gcOfAnotherNetworkNameReleasesNothing() throws Exception {
        String ip = ipOf(addressOf(lab().add("o1", "bridge").expectSuccess().json()));
        try {
            ObjectNode config = gcConfig("cni.dev/valid-attachments");
            config.put("name", "othernet");
            Lab.Run gc = lab().cni("gc", "dhcp", "GC", config);
            assertEquals(0, gc.exit(), () -> gc.stdout() + lab().diagnostics());
            assertTrue(lab().serverHasLease(ip), () -> "a lease of labnet survives a GC of othernet" + lab().diagnostics());
        } finally {
            lab().del("o1", "bridge");
        }
    }

    @Test
    void statusIsSuccessWhileTheDaemonAnswersAndCode50WhileItIsStopped() throws Exception {
        Lab.Run up = lab().cni("st", "dhcp", "STATUS", lab().netconf("dhcp", "1.1.0"));
        assertEquals(0, up.exit(), () -> up.stdout() + up.stderr() + lab().diagnostics());
        assertEquals("", up.stdout().trim(), "STATUS prints nothing on success");
        lab().stopDaemon();
        try {
            Lab.Run down = lab().cni("st", "dhcp", "STATUS", lab().netconf("dhcp", "1.1.0"));
            assertError(down, 50);
            assertTrue(down.json().path("msg").asText().contains(lab().dir.resolve("dhcp.sock").toString()),
                    down.stdout());
        } finally {
            lab().startDaemon();
        }
        assertEquals(0, lab().cni("st", "dhcp", "STATUS", lab().netconf("dhcp", "1.1.0")).exit(), lab()::diagnostics);
    }

    @Test
    void statusBelowCniVersion110IsCode1() throws Exception {
        assertError(lab().cni("st", "dhcp", "STATUS", lab().netconf("dhcp", "1.0.0")), 1);
    }

    @Test
    void delAfterThePodNamespaceWasDeletedSucceedsAndReleasesFromTheRuntimeNamespace() throws Exception {
        String ip = ipOf(addressOf(lab().add("n1", "bridge").expectSuccess().json()));
        lab().removePodNetns("n1");
        Lab.Run del = lab().del("n1", "bridge");
        assertEquals(0, del.exit(), () -> del.stdout() + del.stderr() + lab().diagnostics());
        assertEquals("", del.stdout().trim());
        assertFalse(lab().serverHasLease(ip), () -> "released " + ip + lab().diagnostics());
        assertTrue(lab().daemonLog().contains("released " + ip + " (sent from the runtime's namespace"),
                lab()::diagnostics);
        Lab.Run again = lab().cni("n1", "dhcp", "DEL", "1.0.0");
        assertEquals(0, again.exit(), () -> "a second DEL succeeds too: " + again.stdout() + lab().diagnostics());
    }

    @Test
    void twoInterfacesOfOnePodGetTwoDifferentLeases() throws Exception {
        String eth0 = addressOf(lab().add("t1", "bridge").expectSuccess().json());
        try {
            Lab.Run second = lab().cni("t1", "bridge", "ADD", lab().netconf("bridge", "1.0.0"), "net1", null);
            assertEquals(0, second.exit(), () -> second.stdout() + second.stderr() + lab().diagnostics());
            String net1 = addressOf(second.json());
            assertInLabRange(net1);
            assertNotEquals(eth0, net1, lab()::diagnostics);
            assertEquals(List.of(eth0), lab().podAddresses("t1", "eth0"));
            assertEquals(List.of(net1), lab().podAddresses("t1", "net1"));
            String[] l0 = serverLeaseOf(ipOf(eth0)).orElseThrow(() -> new AssertionError(lab().diagnostics()));
            String[] l1 = serverLeaseOf(ipOf(net1)).orElseThrow(() -> new AssertionError(lab().diagnostics()));
            assertNotEquals(l0[1], l1[1], "two MACs");
            assertNotEquals(l0[4], l1[4], "two client identifiers (container/network/ifname)");
            String log = lab().daemonLog();
            assertTrue(log.contains("container=" + lab().name + "-t1 ifname=net1 network=labnet: acquired " + net1),
                    lab()::diagnostics);

            Lab.Run delNet1 = lab().cni("t1", "bridge", "DEL", lab().netconf("bridge", "1.0.0"), "net1", null);
            assertEquals(0, delNet1.exit(), () -> delNet1.stdout() + lab().diagnostics());
            assertFalse(lab().serverHasLease(ipOf(net1)), () -> "net1's lease released" + lab().diagnostics());
            assertTrue(lab().serverHasLease(ipOf(eth0)), () -> "eth0's lease kept" + lab().diagnostics());
            assertEquals(List.of(eth0), lab().podAddresses("t1", "eth0"));
        } finally {
            lab().del("t1", "bridge");
        }
        assertFalse(lab().serverHasLease(ipOf(eth0)), lab()::diagnostics);
    }

    @Test
    void providedHostNameFromK8sPodNameArrivesInTheServersLeaseFile() throws Exception {
        ObjectNode config = lab().netconf("bridge", "1.0.0");
        ((ObjectNode) config.get("ipam")).putArray("provide").addObject()
                .put("option", "host-name").put("fromArg", "K8S_POD_NAME");
        String args = "IgnoreUnknown=1;K8S_POD_NAMESPACE=ns;K8S_POD_NAME=web-0;K8S_POD_INFRA_CONTAINER_ID=x;K8S_POD_UID=u";
        lab().podNetns("k1");
        try {
            Lab.Run add = lab().cni("k1", "bridge", "ADD", config, "eth0", args);
            assertEquals(0, add.exit(), () -> add.stdout() + add.stderr() + lab().diagnostics());
            String ip = ipOf(addressOf(add.json()));
            String[] lease = serverLeaseOf(ip).orElseThrow(() -> new AssertionError(lab().diagnostics()));
            assertEquals("web-0", lease[3], () -> "host name in dnsmasq's lease file" + lab().diagnostics());
            Lab.Run del = lab().cni("k1", "bridge", "DEL", config, "eth0", args);
            assertEquals(0, del.exit(), () -> del.stdout() + lab().diagnostics());
            assertFalse(lab().serverHasLease(ip), lab()::diagnostics);
        } finally {
            lab().del("k1", "bridge");
        }
    }

    @Test
    void unknownRequestOptionIsCode7NamingItAndNoLeaseIsTaken() throws Exception {
        ObjectNode config = lab().netconf("dhcp", "1.0.0");
        ((ObjectNode) config.get("ipam")).putArray("request").addObject().put("option", "no-such-option");
        lab().podNetns("u1");
        try {
            int leasesBefore = lab().serverLeases().size();
            Lab.Run direct = lab().cni("u1", "dhcp", "ADD", config);
            assertError(direct, 7);
            assertTrue(direct.json().path("msg").asText().contains("no-such-option"), direct.stdout());

            ObjectNode bridge = lab().netconf("bridge", "1.0.0");
            bridge.set("ipam", config.get("ipam"));
            Lab.Run viaBridge = lab().cni("u1", "bridge", "ADD", bridge);
            assertError(viaBridge, 7);
            assertTrue(viaBridge.json().path("msg").asText().contains("no-such-option"), viaBridge.stdout());
            assertEquals(leasesBefore, lab().serverLeases().size(), lab()::diagnostics);
        } finally {
            lab().del("u1", "bridge");
        }
    }

    @Test
    void knownRequestOptionByNameAndNumberIsAccepted() throws Exception {
        ObjectNode config = lab().netconf("bridge", "1.0.0");
        ArrayNode request = ((ObjectNode) config.get("ipam")).putArray("request");
        request.addObject().put("option", "ntp-servers");
        request.addObject().put("option", "43");
        lab().podNetns("q1");
        try {
            Lab.Run add = lab().cni("q1", "bridge", "ADD", config);
            assertEquals(0, add.exit(), () -> add.stdout() + add.stderr() + lab().diagnostics());
            assertInLabRange(addressOf(add.json()));
        } finally {
            lab().del("q1", "bridge");
        }
    }
}
