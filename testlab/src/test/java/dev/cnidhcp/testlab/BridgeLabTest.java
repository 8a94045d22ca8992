package dev.cnidhcp.testlab;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Pods attached through the reference {@code bridge} plugin, which calls our {@code dhcp} through
 * CNI_PATH, against real dnsmasq. The bridge plugin deletes the pod's interface before it calls IPAM
 * DEL, so releases here leave from the runtime's (node) namespace.
 */
@Tag("lab")
@Timeout(300)
class BridgeLabTest {
    @RegisterExtension
    static final SharedLab LAB = new SharedLab();

    private static Lab lab() {
        return LAB.get();
    }

    static String addressOf(JsonNode result) {
        return result.get("ips").get(0).get("address").asText();
    }

    static void assertInLabRange(String cidr) {
        assertTrue(cidr.startsWith(Lab.SUBNET) && cidr.endsWith("/24"), cidr);
        int host = Integer.parseInt(cidr.substring(Lab.SUBNET.length(), cidr.indexOf('/')));
        assertTrue(host >= Lab.RANGE_START && host <= Lab.RANGE_END, "outside the dnsmasq range: " + cidr);
    }

    @Test
    void podGetsAnAddressInTheServerRangeOnEth0AndTheResultNamesExactlyIt() throws Exception {
        JsonNode result = lab().add("a1", "bridge").expectSuccess().json();
        String cidr = addressOf(result);
        assertInLabRange(cidr);
        assertEquals("10.99.0.1", result.get("ips").get(0).get("gateway").asText());
        assertEquals(List.of(cidr), lab().podAddresses("a1"), "the pod's eth0 carries exactly the leased address");
        assertTrue(lab().serverHasLease(cidr.substring(0, cidr.indexOf('/'))), "dnsmasq lists the lease");
        lab().del("a1", "bridge").expectSuccess();
    }

    @Test
    void classlessRoutesFromTheServerArriveInTheResult() throws Exception {
        JsonNode routes = lab().add("r1", "bridge").expectSuccess().json().get("routes");
        Set<String> got = new HashSet<>();
        routes.forEach(r -> got.add(r.get("dst").asText() + " via " + r.path("gw").asText()));
        assertEquals(Set.of("10.98.0.0/16 via 10.99.0.1", "0.0.0.0/0 via 10.99.0.1"), got);
        String podRoutes = lab().inPod("r1", "ip", "-4", "route").expectSuccess().stdout();
        assertTrue(podRoutes.contains("10.98.0.0/16 via 10.99.0.1"), podRoutes);
        lab().del("r1", "bridge").expectSuccess();
    }

    /**
     * The reference bridge plugin replaces the IPAM result's DNS with its own config's {@code dns}, so
     * the DNS our plugin returns is checked on our plugin's own answer: a second ADD of the same
     * attachment, called directly, returns the lease already held, with everything in it.
     */
    @Test
    void dnsServersDomainAndSearchListFromTheServerArriveInTheResult() throws Exception {
        String cidr = addressOf(lab().add("d1", "bridge").expectSuccess().json());
        JsonNode direct = lab().cni("d1", "dhcp", "ADD", "1.0.0").expectSuccess().json();
        assertEquals(cidr, addressOf(direct), "same attachment, same lease");
        JsonNode dns = direct.get("dns");
        assertEquals("[\"10.99.0.53\",\"10.99.0.54\"]", dns.get("nameservers").toString());
        assertEquals("lab.example", dns.get("domain").asText());
        assertEquals("[\"lab.example\",\"svc.lab.example\"]", dns.get("search").toString());
        lab().del("d1", "bridge").expectSuccess();
    }

    @Test
    void delReleasesTheLeaseAtTheServerAlthoughBridgeRemovedTheInterfaceFirst() throws Exception {
        String cidr = addressOf(lab().add("x1", "bridge").expectSuccess().json());
        String ip = cidr.substring(0, cidr.indexOf('/'));
        assertTrue(lab().serverHasLease(ip));
        Lab.Run del = lab().del("x1", "bridge");
        assertEquals(0, del.exit(), del.stdout());
        assertEquals("", del.stdout().trim(), "DEL prints nothing on success");
        assertFalse(lab().serverHasLease(ip), "dnsmasq dropped the lease: " + lab().daemonLog());
        assertTrue(lab().daemonLog().contains("released " + ip + " (sent from the runtime's namespace"),
                lab().daemonLog());
    }

    @Test
    void delIsIdempotentAndSucceedsForContainersNeverAdded() throws Exception {
        lab().add("i1", "bridge").expectSuccess();
        lab().del("i1", "bridge").expectSuccess();
        Lab.Run again = lab().cni("i1", "dhcp", "DEL", "1.0.0");
        assertEquals(0, again.exit(), again.stdout());
        Lab.Run never = lab().cni("never", "dhcp", "DEL", "1.0.0");
        assertEquals(0, never.exit(), never.stdout());
    }

    @Test
    void twentyParallelAddsAllSucceedWithUniqueAddresses() throws Exception {
        int pods = 20;
        ExecutorService pool = Executors.newFixedThreadPool(pods);
        try {
            List<Future<Lab.Run>> runs = new ArrayList<>();
            for (int i = 0; i < pods; i++) {
                String pod = "p" + i;
                runs.add(pool.submit(() -> lab().add(pod, "bridge")));
            }
            Set<String> addresses = new HashSet<>();
            for (Future<Lab.Run> run : runs) {
                String cidr = addressOf(run.get().expectSuccess().json());
                assertInLabRange(cidr);
                addresses.add(cidr);
            }
            assertEquals(pods, addresses.size(), "unique addresses: " + addresses);
            for (int i = 0; i < pods; i++) {
                List<String> onPod = lab().podAddresses("p" + i);
                assertEquals(1, onPod.size());
                assertTrue(addresses.contains(onPod.get(0)));
            }
        } finally {
            List<Future<Lab.Run>> dels = new ArrayList<>();
            for (int i = 0; i < pods; i++) {
                String pod = "p" + i;
                dels.add(pool.submit(() -> lab().del(pod, "bridge")));
            }
            for (Future<Lab.Run> del : dels) {
                del.get().expectSuccess();
            }
            pool.shutdown();
        }
        // A DHCPRELEASE has no answer: the server may still be reading the last ones when DEL returns.
        assertTrue(Lab.await(Duration.ofSeconds(10), () -> lab().serverLeases().stream()
                        .noneMatch(l -> l[4].contains("2f:6c:61:62:6e:65:74:2f")
                                && l[4].startsWith("00:" + hex(lab().name + "-p")))),
                () -> "every parallel lease was released" + lab().diagnostics());
    }

    private static String hex(String s) {
        StringBuilder out = new StringBuilder();
        for (byte b : s.getBytes()) {
            out.append(out.length() == 0 ? "" : ":").append(String.format("%02x", b));
        }
        return out.toString();
    }
}
