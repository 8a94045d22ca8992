package dev.cnidhcp.testlab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static dev.cnidhcp.testlab.BridgeLabTest.addressOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The overlap guard against real dnsmasq servers through the reference macvlan plugin: an offer
 * whose address or subnet touches an excluded range ({@code -exclude}, {@code ipam.exclude}) is not
 * taken. With the lab's only server excluded, ADD fails within the first retransmission window,
 * naming the address, the range and the server, and the server holds no lease for the pod. With a
 * second server on the same segment serving another subnet (lab.sh second-server, answering a second
 * after the first), the pod gets the second server's address.
 */
@Tag("lab")
@Timeout(180)
class ExcludeLabTest {
    private static final String SECOND_SUBNET = "10.98.5.";

    @Test
    void onlyServerExcludedFailsTheAddNamingAddressRangeAndServerAndHoldsNothing() throws Exception {
        try (Lab lab = Lab.upNamed("ex", Map.of("LAB_DAEMON_FLAGS", "-exclude 10.99.0.0/16,192.168.0.0/16"))) {
            long start = System.nanoTime();
            Lab.Run add = lab.add("x1", "macvlan");
            Duration took = Duration.ofNanos(System.nanoTime() - start);

            assertNotEquals(0, add.exit(), add.stdout() + lab.diagnostics());
            JsonNode error = add.json();
            assertEquals(100, error.get("code").asInt(), add.stdout());
            String msg = error.get("msg").asText();
            assertTrue(msg.matches(".*DHCPOFFER of 10\\.99\\.0\\.\\d+ .*"), msg);
            assertTrue(msg.contains("excluded range 10.99.0.0/16") && msg.contains("server 10.99.0.2"), msg);
            assertTrue(took.compareTo(Duration.ofSeconds(15)) < 0, "the first window, not -resendtimeout: " + took);
            assertTrue(lab.daemonLog().contains("refused DHCPOFFER of 10.99.0."), lab.diagnostics());
            assertTrue(lab.serverLeases().isEmpty(), "the server holds nothing:" + lab.diagnostics());
            lab.del("x1", "macvlan").expectSuccess();
        }
    }

    @Test
    void badExcludeFlagStopsTheDaemonWithAClearMessage() throws Exception {
        try (Lab lab = Lab.upNamed("ex", Map.of())) {
            lab.stopDaemon();

            Lab.Run start = lab.script(List.of("start-daemon", lab.name), "",
                    Map.of("LAB_DAEMON_FLAGS", "-exclude 10.96.0.0/40"));

            assertNotEquals(0, start.exit());
            assertTrue(lab.daemonLog().contains("invalid value \"10.96.0.0/40\" for -exclude"), lab.daemonLog());
        }
    }

    @Test
    void excludedServersOfferIsPassedOverForTheOtherServersOnTheSameSegment() throws Exception {
        try (Lab lab = Lab.upNamed("ex", Map.of())) {
            lab.script(List.of("second-server", lab.name, "10.98.5", "1")).expectSuccess();
            ObjectNode config = lab.netconf("macvlan", "1.0.0");
            ((ObjectNode) config.get("ipam")).putArray("exclude").add("10.99.0.0/24");
            lab.podNetns("x2");

            Lab.Run add = lab.cni("x2", "macvlan", "ADD", config);

            assertEquals(0, add.exit(), add.stdout() + lab.diagnostics());
            String cidr = addressOf(add.json());
            assertTrue(cidr.startsWith(SECOND_SUBNET) && cidr.endsWith("/24"), cidr);
            assertEquals(List.of(cidr), lab.podAddresses("x2"));
            String ip = cidr.substring(0, cidr.indexOf('/'));
            assertTrue(secondServerLeases(lab).stream().anyMatch(l -> l[2].equals(ip)), lab.diagnostics());
            assertTrue(lab.daemonLog().contains("refused DHCPOFFER of 10.99.0."), "the first server's offer came"
                    + " first and was refused:" + lab.diagnostics());
            assertTrue(lab.serverLeases().isEmpty(), "the excluded server holds nothing:" + lab.diagnostics());

            assertEquals(0, lab.cni("x2", "macvlan", "DEL", config).exit());
            assertTrue(Lab.await(Duration.ofSeconds(10), () -> secondServerLeases(lab).isEmpty()),
                    "released at the second server:" + lab.diagnostics());
            lab.removePodNetns("x2");
        }
    }

    private static List<String[]> secondServerLeases(Lab lab) throws IOException {
        Path file = lab.dir.resolve("segment-second-server.dnsmasq.leases");
        List<String[]> out = new java.util.ArrayList<>();
        if (java.nio.file.Files.exists(file)) {
            for (String line : java.nio.file.Files.readAllLines(file)) {
                if (!line.isBlank()) {
                    out.add(line.trim().split("\\s+"));
                }
            }
        }
        return out;
    }
}
