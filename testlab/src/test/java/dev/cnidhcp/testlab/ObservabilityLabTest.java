package dev.cnidhcp.testlab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.cnidhcp.testlab.BridgeLabTest.addressOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What an operator sees of a running daemon: {@code dhcp leases} and {@code dhcp status} run in the
 * node's namespace against the lab daemon, the Prometheus endpoint scraped from inside the node's
 * namespace (the only place its 127.0.0.1 exists), and JSON log lines.
 */
@Tag("lab")
@Timeout(180)
class ObservabilityLabTest {
    @RegisterExtension
    static final SharedLab LAB = new SharedLab();
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Inside the lab's node namespace: nothing else listens there. */
    private static final int METRICS_PORT = 9563;

    private static Lab lab() {
        return LAB.get();
    }

    private static String pod(String name) {
        return lab().name + "-" + name;
    }

    @Test
    void leasesListsEveryLeaseAndStatusSaysHealthy() throws Exception {
        String a = addressOf(lab().add("o1", "bridge").expectSuccess().json());
        String b = addressOf(lab().add("o2", "bridge").expectSuccess().json());
        try {
            Lab.Run table = lab().dhcp("leases", "-socketpath", lab().socket().toString()).expectSuccess();
            String[] lines = table.stdout().split("\n");
            assertEquals(3, lines.length, table.stdout());
            assertTrue(lines[0].startsWith("CONTAINER") && lines[0].contains("REMAINING"), table.stdout());
            assertRow(lines[1], pod("o1"), a);
            assertRow(lines[2], pod("o2"), b);

            JsonNode list = lab().dhcp("leases", "--json", "-socketpath", lab().socket().toString()).expectSuccess()
                    .json();
            assertEquals(2, list.size(), list.toString());
            JsonNode first = list.get(0);
            assertEquals(pod("o1"), first.get("container").asText());
            assertEquals("labnet", first.get("network").asText());
            assertEquals("eth0", first.get("ifname").asText());
            assertEquals("/run/netns/" + pod("o1"), first.get("netns").asText());
            assertEquals(a, first.get("address").asText());
            assertEquals("10.99.0.2", first.get("server").asText());
            assertEquals("bound", first.get("state").asText());
            assertEquals(120, first.get("leaseSeconds").asInt());
            long remaining = first.get("remainingSeconds").asLong();
            assertTrue(remaining > 60 && remaining <= 120, first.toString());

            Lab.Run status = lab().dhcp("status", "-socketpath", lab().socket().toString());
            assertEquals(0, status.exit(), status.stdout() + status.stderr());
            assertTrue(status.stdout().startsWith("healthy\n"), status.stdout());
            assertTrue(status.stdout().contains("leases           2: bound 2"), status.stdout());
        } finally {
            lab().del("o1", "bridge");
            lab().del("o2", "bridge");
        }
    }

    private static void assertRow(String row, String container, String cidr) {
        List<String> cells = List.of(row.trim().split("\\s+"));
        assertEquals(container, cells.get(0), row);
        assertEquals("labnet", cells.get(1), row);
        assertEquals("eth0", cells.get(2), row);
        assertEquals("ipv4", cells.get(3), row);
        assertEquals("/run/netns/" + container, cells.get(4), row);
        assertEquals(cidr, cells.get(5), row);
        assertEquals("10.99.0.2", cells.get(6), row);
        assertEquals("bound", cells.get(7), row);
        assertTrue(cells.get(10).endsWith("s"), row); // seconds left; cells 8 and 9 are the local date and time
    }

    @Test
    void statusIsUnreachableWithExit2NamingTheSocketWhileTheDaemonIsDown() throws Exception {
        lab().stopDaemon();
        try {
            Lab.Run status = lab().dhcp("status", "-socketpath", lab().socket().toString());
            assertEquals(2, status.exit(), status.stdout() + status.stderr());
            assertTrue(status.stdout().startsWith("unreachable: no answer from the DHCP lease daemon at "
                    + lab().socket()), status.stdout());
        } finally {
            lab().startDaemon();
        }
    }

    @Test
    void metricsCountAcquisitionsAndAddLatencyAndLogsAreJsonLines() throws Exception {
        lab().stopDaemon();
        int logBefore = lab().daemonLog().length();
        lab().script(List.of("start-daemon", lab().name), "",
                Map.of("LAB_DAEMON_FLAGS", "-metrics 127.0.0.1:" + METRICS_PORT + " -logformat json")).expectSuccess();
        try {
            lab().add("m1", "bridge").expectSuccess();
            lab().add("m2", "bridge").expectSuccess();

            String metrics = scrape();
            assertEquals(2.0, sample(metrics, "cni_dhcp_acquisitions_total{result=\"ok\"}"), metrics);
            assertEquals(0.0, sample(metrics, "cni_dhcp_acquisitions_total{result=\"failed\"}"), metrics);
            assertEquals(2.0, sample(metrics, "cni_dhcp_add_duration_seconds_count"), metrics);
            assertEquals(2.0, sample(metrics, "cni_dhcp_add_duration_seconds_bucket{le=\"+Inf\"}"), metrics);
            assertTrue(sample(metrics, "cni_dhcp_add_duration_seconds_sum") > 0, metrics);
            assertEquals(2.0, sample(metrics, "cni_dhcp_requests_total{code=\"0\",command=\"ADD\"}"), metrics);
            assertEquals(2.0, sample(metrics, "cni_dhcp_leases{state=\"bound\"}"), metrics);
            assertEquals(0.0, sample(metrics, "cni_dhcp_no_offer_total"), metrics);

            List<JsonNode> lines = jsonLinesSince(logBefore);
            assertFalse(lines.isEmpty());
            assertTrue(lines.stream().anyMatch(l -> l.get("msg").asText().contains("DHCP lease daemon ready")));
            JsonNode answered = lines.stream()
                    .filter(l -> l.get("msg").asText().startsWith("ADD answered with") && l.has("container")
                            && l.get("container").asText().equals(pod("m1")))
                    .findFirst().orElseThrow(() -> new AssertionError("no ADD line for m1" + lab().diagnostics()));
            assertEquals("eth0", answered.get("ifname").asText());
            assertEquals("labnet", answered.get("network").asText());
            assertEquals("info", answered.get("level").asText());
            assertTrue(answered.get("time").asText().endsWith("Z"), answered.toString());
        } finally {
            lab().del("m1", "bridge");
            lab().del("m2", "bridge");
            lab().stopDaemon();
            lab().startDaemon();
        }
    }

    /** GET /metrics from inside the node's namespace, with bash's /dev/tcp (no curl needed). */
    private static String scrape() throws IOException {
        Lab.Run run = lab().inNode("bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/" + METRICS_PORT
                + " && printf 'GET /metrics HTTP/1.0\\r\\nHost: 127.0.0.1\\r\\n\\r\\n' >&3 && cat <&3");
        assertEquals(0, run.exit(), run.stderr());
        assertTrue(run.stdout().startsWith("HTTP/1.1 200"), run.stdout());
        return run.stdout();
    }

    /** The value of one sample line of the text format, e.g. {@code name{label="x"} 2.0}. */
    private static double sample(String metrics, String series) {
        for (String line : metrics.split("\r?\n")) {
            if (line.startsWith(series + " ")) {
                return Double.parseDouble(line.substring(series.length() + 1).trim().split(" ")[0]);
            }
        }
        throw new AssertionError("no sample " + series + " in:\n" + metrics);
    }

    /** Every line the daemon logged after {@code offset}, each of which must be one JSON object. */
    private static List<JsonNode> jsonLinesSince(int offset) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (String line : lab().daemonLog().substring(offset).split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode node = JSON.readTree(line);
            assertTrue(node.isObject() && node.has("time") && node.has("level") && node.has("logger")
                    && node.has("msg"), line);
            out.add(node);
        }
        return out;
    }
}
