package dev.cnidhcp.testlab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.util.List;

import static dev.cnidhcp.testlab.BridgeLabTest.addressOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A StatefulSet pod ({@code default/web-0}) deleted and created again under a new container id, in a
 * new namespace with a new MAC, as a runtime does: with {@code ipam.clientId} made of the pod's name
 * and {@code releaseOnDel: false}, the server still holds the lease for that identifier and hands
 * the same address back; with the default identifier (container id in it) the new sandbox is a new
 * client. Against dnsmasq and against ISC Kea ({@code lab.sh up --kea}). The pod also sends its name
 * in the client FQDN option (81), which both servers record with the lease.
 */
@Tag("lab")
@Timeout(300)
class StableAddressLabTest {
    private static final String POD_ARGS = "IgnoreUnknown=1;K8S_POD_NAMESPACE=default;K8S_POD_NAME=web-0";
    private static final String TEMPLATE = "{K8S_POD_NAMESPACE}/{K8S_POD_NAME}/{ifname}";

    @RegisterExtension
    static final SharedLab DNSMASQ = new SharedLab();
    @RegisterExtension
    static final SharedLab KEA = new SharedLab("--kea");

    private static Lab lab(String server) {
        return server.equals("kea") ? KEA.get() : DNSMASQ.get();
    }

    /** The bridge config with {@code ipam.releaseOnDel: false}, the FQDN from the pod's name, and a client id template (or none). */
    private static JsonNode config(Lab lab, String template) throws IOException {
        ObjectNode config = lab.netconf("bridge", "1.0.0");
        ObjectNode ipam = (ObjectNode) config.get("ipam");
        if (template != null) {
            ipam.put("clientId", template);
        }
        ipam.put("releaseOnDel", false);
        ipam.putArray("provide").addObject().put("option", "fqdn").put("fromArg", "K8S_POD_NAME");
        return config;
    }

    /** ADD of web-0 in a sandbox of its own (container id LAB-SANDBOX, namespace and MAC of its own). */
    private static Lab.Run add(Lab lab, String sandbox, JsonNode config) throws IOException {
        lab.podNetns(sandbox);
        return lab.cni(sandbox, "bridge", "ADD", config, "eth0", POD_ARGS);
    }

    /** DEL of that sandbox, then its namespace removed, as the runtime tears a pod down. */
    private static void del(Lab lab, String sandbox, JsonNode config) throws IOException {
        try {
            lab.cni(sandbox, "bridge", "DEL", config, "eth0", POD_ARGS).expectSuccess();
        } finally {
            lab.removePodNetns(sandbox);
        }
    }

    private static String mac(Lab lab, String sandbox) throws IOException {
        return lab.inPod(sandbox, "cat", "/sys/class/net/eth0/address").expectSuccess().stdout().trim();
    }

    private static String[] leaseOf(Lab lab, String ip) throws IOException {
        return lab.leasesOfServer().stream().filter(l -> l.length > 3 && l[2].equals(ip)).findFirst()
                .orElseThrow(() -> new AssertionError("the server has no lease of " + ip + lab.diagnostics()));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"dnsmasq", "kea"})
    void recreatedPodWithThePodNameTemplateGetsTheSameAddressBack(String server) throws Exception {
        Lab lab = lab(server);
        JsonNode config = config(lab, TEMPLATE);
        String first = addressOf(add(lab, "s1a", config).expectSuccess().json());
        String firstMac = mac(lab, "s1a");
        String ip = first.substring(0, first.indexOf('/'));
        del(lab, "s1a", config);
        assertTrue(lab.daemonLog().contains("forgot " + ip + " without DHCPRELEASE (releaseOnDel false): kept at"
                + " the server until"), lab.diagnostics());
        assertEquals(firstMac, leaseOf(lab, ip)[1], "the server still holds the lease after DEL");

        String second = addressOf(add(lab, "s1b", config).expectSuccess().json());
        try {
            assertNotEquals(firstMac, mac(lab, "s1b"), "a new sandbox has a new MAC");
            assertEquals(first, second, lab.diagnostics());
            assertEquals(mac(lab, "s1b"), leaseOf(lab, ip)[1], "leased to the new sandbox's MAC now");
        } finally {
            del(lab, "s1b", config);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"dnsmasq", "kea"})
    void recreatedPodWithTheDefaultClientIdGetsAnotherAddress(String server) throws Exception {
        Lab lab = lab(server);
        JsonNode config = config(lab, null); // containerID/network/ifname: the new sandbox is a new client
        String first = addressOf(add(lab, "s2a", config).expectSuccess().json());
        del(lab, "s2a", config);

        String second = addressOf(add(lab, "s2b", config).expectSuccess().json());
        try {
            assertNotEquals(first, second, "the old lease is still held for the old container's id" + lab.diagnostics());
        } finally {
            del(lab, "s2b", config);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"dnsmasq", "kea"})
    void podNameSentAsClientFqdnArrivesAtTheServer(String server) throws Exception {
        Lab lab = lab(server);
        JsonNode config = config(lab, TEMPLATE);
        String cidr = addressOf(add(lab, "s3", config).expectSuccess().json());
        try {
            String name = leaseOf(lab, cidr.substring(0, cidr.indexOf('/')))[3];
            // dnsmasq keeps the host part; Kea qualifies the partial name with ddns-qualifying-suffix
            assertEquals(server.equals("kea") ? "web-0.lab.example." : "web-0", name, lab.diagnostics());
        } finally {
            del(lab, "s3", config);
        }
    }

    @Test
    void secondLivePodWithTheSameClientIdIsRefusedWithCode11() throws Exception {
        Lab lab = DNSMASQ.get();
        JsonNode config = config(lab, TEMPLATE);
        String first = addressOf(add(lab, "s4a", config).expectSuccess().json());
        try {
            Lab.Run second = add(lab, "s4b", config);
            try {
                assertEquals(11, second.json().get("code").asInt(), second.stdout());
                assertTrue(second.json().get("msg").asText().contains("container=" + lab.name + "-s4a"), second.stdout());
                assertEquals(List.of(first), lab.podAddresses("s4a"), "the first pod keeps its address");
            } finally {
                del(lab, "s4b", config);
            }
        } finally {
            del(lab, "s4a", config);
        }
    }
}
