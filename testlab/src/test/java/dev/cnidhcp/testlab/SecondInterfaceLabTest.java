package dev.cnidhcp.testlab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static dev.cnidhcp.testlab.BridgeLabTest.addressOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A pod with two interfaces, as Multus gives it: {@code eth0} through the reference {@code bridge}
 * plugin on the lab's segment (default route via 10.99.0.1 from the server's options 3 and 121) and
 * {@code net1} through the reference {@code macvlan} plugin on a second segment (lab.sh segment) whose
 * own dnsmasq also sends a router and a default route in option 121, next to 10.200.0.0/16. With
 * {@code "suppress": ["gateway"]} on net1's network the pod keeps one default route, eth0's.
 */
@Tag("lab")
@Timeout(300)
class SecondInterfaceLabTest {
    @RegisterExtension
    static final SharedLab LAB = new SharedLab();
    private static final String SEGMENT = "s2";
    private static final String SUBNET2 = "10.97.0.";

    @BeforeAll
    static void secondSegment() throws IOException {
        lab().segment(SEGMENT, "10.97.0");
    }

    private static Lab lab() {
        return LAB.get();
    }

    /** net1's network: macvlan on the second segment's master, with {@code ipam.suppress} when given. */
    private static ObjectNode secondNetwork(boolean suppress) throws IOException {
        ObjectNode config = lab().netconf("macvlan", "1.0.0");
        config.put("name", "segnet");
        config.put("master", "mv-" + SEGMENT);
        if (suppress) {
            ((ObjectNode) config.get("ipam")).putArray("suppress").add("gateway");
        }
        return config;
    }

    /** The pod's IPv4 routes for {@code selector} ({@code default}, a prefix), one per line. */
    private static List<String> routes(String pod, String selector) throws IOException {
        String out = lab().inPod(pod, "ip", "-4", "route", "show", selector).expectSuccess().stdout();
        List<String> lines = new ArrayList<>();
        for (String line : out.split("\n")) {
            if (!line.isBlank()) {
                lines.add(line.trim().replaceAll("\\s+", " "));
            }
        }
        return lines;
    }

    /** The device the pod's kernel picks for an address beyond both segments. */
    private static String deviceToTheWorld(String pod) throws IOException {
        List<String> f = Arrays.asList(lab().inPod(pod, "ip", "-4", "route", "get", "192.0.2.1").expectSuccess()
                .stdout().trim().split("\\s+"));
        return f.get(f.indexOf("dev") + 1);
    }

    private static String ipOf(String cidr) {
        return cidr.substring(0, cidr.indexOf('/'));
    }

    private static boolean segmentHasLease(String ip, String mac) throws IOException {
        return lab().segmentLeases(SEGMENT).stream().anyMatch(l -> l[2].equals(ip) && (mac == null || l[1].equals(mac)));
    }

    @Test
    void suppressedGatewayOnTheSecondInterfaceLeavesOneDefaultRouteViaEth0AndKeepsItsClasslessRoute() throws Exception {
        String pod = "w1";
        String eth0 = addressOf(lab().add(pod, "bridge").expectSuccess().json());
        JsonNode net1Result = lab().cni(pod, "macvlan", "ADD", secondNetwork(true), "net1", null).expectSuccess().json();
        String net1 = addressOf(net1Result);
        assertTrue(net1.startsWith(SUBNET2) && net1.endsWith("/24"), net1);

        JsonNode ip = net1Result.get("ips").get(0);
        assertFalse(ip.has("gateway"), "no gateway in net1's result: " + net1Result);
        List<String> resultRoutes = new ArrayList<>();
        net1Result.get("routes").forEach(r -> resultRoutes.add(r.get("dst").asText() + " via " + r.path("gw").asText()));
        assertEquals(List.of("10.200.0.0/16 via 10.97.0.1"), resultRoutes, "no 0.0.0.0/0 in net1's result");

        assertEquals(List.of("default via 10.99.0.1 dev eth0"), routes(pod, "default"),
                "exactly one default route, eth0's" + lab().diagnostics());
        assertEquals(List.of("10.200.0.0/16 via 10.97.0.1 dev net1"), routes(pod, "10.200.0.0/16"));
        assertEquals("eth0", deviceToTheWorld(pod));

        String mac = lab().inPod(pod, "cat", "/sys/class/net/net1/address").expectSuccess().stdout().trim();
        assertTrue(lab().serverHasLease(ipOf(eth0)), "eth0's lease is live at the lab's server");
        assertTrue(segmentHasLease(ipOf(net1), mac), "net1's lease is live at the second segment's server, on net1's MAC");

        lab().cni(pod, "macvlan", "DEL", secondNetwork(true), "net1", null).expectSuccess();
        lab().del(pod, "bridge").expectSuccess();
        assertFalse(segmentHasLease(ipOf(net1), null), "net1's DEL released its lease: " + lab().daemonLog());
        assertFalse(lab().serverHasLease(ipOf(eth0)), "eth0's DEL released its lease: " + lab().daemonLog());
    }

    /**
     * What suppress fixes. The reference macvlan plugin installs the result's routes one by one
     * without asking the kernel to refuse duplicates, so a second {@code 0.0.0.0/0} of the same
     * metric on net1 is accepted and goes in front of eth0's: the ADD succeeds, and the pod's traffic
     * beyond its two subnets now leaves through net1.
     */
    @Test
    void withoutSuppressTheSecondInterfaceAddsASecondDefaultRouteThatTakesThePodsTraffic() throws Exception {
        String pod = "w2";
        lab().add(pod, "bridge").expectSuccess();
        JsonNode net1Result = lab().cni(pod, "macvlan", "ADD", secondNetwork(false), "net1", null).expectSuccess().json();
        assertEquals("10.97.0.1", net1Result.get("ips").get(0).get("gateway").asText());

        List<String> defaults = routes(pod, "default");
        assertEquals(2, defaults.size(), defaults.toString());
        assertTrue(defaults.contains("default via 10.99.0.1 dev eth0"), defaults.toString());
        assertTrue(defaults.contains("default via 10.97.0.1 dev net1"), defaults.toString());
        assertEquals("net1", deviceToTheWorld(pod), "the second default route wins: " + defaults);

        lab().cni(pod, "macvlan", "DEL", secondNetwork(false), "net1", null).expectSuccess();
        lab().del(pod, "bridge").expectSuccess();
    }
}
