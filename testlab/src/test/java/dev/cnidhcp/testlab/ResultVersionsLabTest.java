package dev.cnidhcp.testlab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static dev.cnidhcp.testlab.BridgeLabTest.assertInLabRange;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Results in every CNI version: through the reference bridge plugin for the versions it speaks
 * (0.3.0 to 1.0.0), and our plugin's own IPAM result for all seven, field by field. The direct
 * answers come from a second ADD of an attachment the bridge already set up: the daemon returns the
 * lease it holds, rendered in the version asked for.
 */
@Tag("lab")
@Timeout(120)
class ResultVersionsLabTest {
    private static final Set<String> ROUTES = Set.of("10.98.0.0/16 via 10.99.0.1", "0.0.0.0/0 via 10.99.0.1");
    private static Lab lab;
    /** The attachment whose lease the direct calls render, and its address. */
    private static String cidr;

    @BeforeAll
    static void up() throws Exception {
        lab = Lab.up();
        cidr = lab.add("all", "bridge", "1.0.0").expectSuccess().json().get("ips").get(0).get("address").asText();
    }

    @AfterAll
    static void down() {
        if (lab != null) {
            try {
                lab.del("all", "bridge");
            } catch (Exception e) {
                // the lab goes anyway
            }
            lab.close();
        }
    }

    private static Set<String> keys(JsonNode node) {
        Set<String> out = new TreeSet<>();
        Iterator<String> names = node.fieldNames();
        names.forEachRemaining(out::add);
        return out;
    }

    private static Set<String> routes(JsonNode routes, boolean exactKeys) {
        Set<String> got = new HashSet<>();
        for (JsonNode r : routes) {
            if (exactKeys) {
                assertEquals(Set.of("dst", "gw"), keys(r), "route keys: " + r);
            }
            got.add(r.get("dst").asText() + " via " + r.path("gw").asText());
        }
        assertEquals(got.size(), routes.size(), "no duplicate routes: " + routes);
        return got;
    }

    private static void assertDns(JsonNode dns) {
        assertEquals(Set.of("nameservers", "domain", "search"), keys(dns), dns.toString());
        assertEquals("[\"10.99.0.53\",\"10.99.0.54\"]", dns.get("nameservers").toString());
        assertEquals("lab.example", dns.get("domain").asText());
        assertEquals("[\"lab.example\",\"svc.lab.example\"]", dns.get("search").toString());
    }

    @ParameterizedTest(name = "bridge result in cniVersion {0}")
    @ValueSource(strings = {"0.3.0", "0.3.1", "0.4.0", "1.0.0"})
    void bridgeResultCarriesOurAddressGatewayAndRoutesInTheVersionsShape(String version) throws Exception {
        String pod = "b" + version.replace(".", "");
        Lab.Run add = lab.add(pod, "bridge", version);
        try {
            assertEquals(0, add.exit(), () -> add.stdout() + add.stderr() + lab.diagnostics());
            JsonNode result = add.json();
            assertEquals(version, result.get("cniVersion").asText(), result.toString());
            assertTrue(result.has("interfaces"), "bridge's own result lists interfaces: " + result);
            JsonNode ips = result.get("ips");
            assertEquals(1, ips.size(), result.toString());
            JsonNode ip = ips.get(0);
            String address = ip.get("address").asText();
            assertInLabRange(address);
            assertEquals("10.99.0.1", ip.get("gateway").asText(), result.toString());
            if (version.equals("1.0.0")) {
                assertFalse(ip.has("version"), "no ips[].version from 1.0.0: " + result);
            } else {
                assertEquals("4", ip.path("version").asText(), "ips[].version in " + version + ": " + result);
            }
            assertTrue(ip.has("interface"), "bridge points the address at the pod's interface: " + result);
            assertEquals(ROUTES, routes(result.get("routes"), false), result.toString());
            assertEquals(List.of(address), lab.podAddresses(pod));
            String held = lab.daemonLog();
            assertTrue(held.contains("container=" + lab.name + "-" + pod + " ifname=eth0 network=labnet: acquired "
                    + address), lab::diagnostics);
        } finally {
            lab.del(pod, "bridge", version);
        }
    }

    @ParameterizedTest(name = "our result in cniVersion {0}")
    @ValueSource(strings = {"0.1.0", "0.2.0"})
    void directResultOfVersions010And020HasIp4WithIpGatewayRoutesAndDns(String version) throws Exception {
        Lab.Run run = lab.cni("all", "dhcp", "ADD", version);
        assertEquals(0, run.exit(), () -> run.stdout() + run.stderr() + lab.diagnostics());
        JsonNode result = run.json();
        assertEquals(Set.of("cniVersion", "ip4", "dns"), keys(result), result.toString());
        assertEquals(version, result.get("cniVersion").asText());
        JsonNode ip4 = result.get("ip4");
        assertEquals(Set.of("ip", "gateway", "routes"), keys(ip4), result.toString());
        assertEquals(cidr, ip4.get("ip").asText(), "the lease held, with its /24");
        assertTrue(cidr.endsWith("/24"), cidr);
        assertInLabRange(cidr);
        assertEquals("10.99.0.1", ip4.get("gateway").asText());
        assertEquals(ROUTES, routes(ip4.get("routes"), true), result.toString());
        assertDns(result.get("dns"));
    }

    @ParameterizedTest(name = "our result in cniVersion {0}")
    @ValueSource(strings = {"0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0"})
    void directResultFrom030HasIpsRoutesAndDnsAndIpsVersionOnlyBefore100(String version) throws Exception {
        Lab.Run run = lab.cni("all", "dhcp", "ADD", version);
        assertEquals(0, run.exit(), () -> run.stdout() + run.stderr() + lab.diagnostics());
        JsonNode result = run.json();
        assertEquals(Set.of("cniVersion", "ips", "routes", "dns"), keys(result),
                "IPAM results have no interfaces: " + result);
        assertEquals(version, result.get("cniVersion").asText());
        JsonNode ips = result.get("ips");
        assertEquals(1, ips.size(), result.toString());
        JsonNode ip = ips.get(0);
        boolean before100 = !version.startsWith("1.");
        assertEquals(before100 ? Set.of("version", "address", "gateway") : Set.of("address", "gateway"), keys(ip),
                result.toString());
        if (before100) {
            assertEquals("4", ip.get("version").asText());
        }
        assertEquals(cidr, ip.get("address").asText(), "the lease held, with its /24");
        assertEquals("10.99.0.1", ip.get("gateway").asText());
        assertEquals(ROUTES, routes(result.get("routes"), true), result.toString());
        assertDns(result.get("dns"));
    }

    @Test
    void routePriorityAppearsOnlyInVersion110AndStaticRoutesAreAppended() throws Exception {
        List<JsonNode> results = new ArrayList<>();
        for (String version : List.of("1.0.0", "1.1.0")) {
            ObjectNode config = lab.netconf("dhcp", version);
            ObjectNode ipam = (ObjectNode) config.get("ipam");
            ipam.put("priority", 100);
            ipam.putArray("routes").addObject().put("dst", "192.168.77.0/24");
            Lab.Run run = lab.cni("all", "dhcp", "ADD", config);
            assertEquals(0, run.exit(), () -> run.stdout() + lab.diagnostics());
            results.add(run.json());
        }
        JsonNode v100 = results.get(0).get("routes");
        JsonNode v110 = results.get(1).get("routes");
        assertEquals(3, v100.size(), v100.toString());
        assertEquals(3, v110.size(), v110.toString());
        for (JsonNode r : v100) {
            assertFalse(r.has("priority") || r.has("scope"), "no 1.1.0 route keys in 1.0.0: " + v100);
        }
        for (JsonNode r : v110) {
            assertEquals(100, r.path("priority").asInt(), v110.toString());
        }
        JsonNode extra = v110.get(2);
        assertEquals("192.168.77.0/24", extra.get("dst").asText(), v110.toString());
        assertFalse(extra.has("gw"), v110.toString());
        assertEquals(253, extra.path("scope").asInt(), "a route without gateway has scope link: " + v110);
        assertFalse(v110.get(0).has("scope"), "a route with a gateway has no scope: " + v110);
    }
}
