package dev.cnidhcp.daemon.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The alert rules (packaging/prometheus/cni-dhcp.rules.yml) and the Grafana dashboard
 * (packaging/grafana/cni-dhcp.json) query only metrics a scrape of the daemon shows: a renamed
 * metric breaks this test, not an operator's alerts. promtool checks the rules themselves.
 */
class PackagedQueriesTest {
    private static final Path PACKAGING = Path.of("..", "packaging");
    private static final Pattern METRIC = Pattern.compile("cni_dhcp_[a-z_]+");

    /** Every series name of a scrape in which every metric has at least one series. */
    private static Set<String> exported() throws Exception {
        DaemonMetrics metrics = new DaemonMetrics();
        metrics.droppedPacket("wrong_xid");
        metrics.request("ADD", 0);
        metrics.noOffer("labnet");
        metrics.nak("labnet");
        metrics.addAnswered(Duration.ofMillis(80));
        metrics.timerRan(Duration.ofMillis(3));
        metrics.acquisitionFailed(Instant.EPOCH, "labnet", "container=a", "no DHCPOFFER", true);
        PrometheusRegistry registry = new PrometheusRegistry();
        registry.register(new PrometheusMapping(metrics, () -> new LeaseCounts(Map.of("bound", 1),
                Map.of("labnet", 1), Map.of("10.99.0.2", 1))));
        String text = PrometheusTextFormatWriter.create().toDebugString(registry.scrape());
        Set<String> names = new TreeSet<>();
        for (String line : text.split("\n")) {
            if (!line.startsWith("#") && !line.isBlank()) {
                names.add(line.split("[{ ]", 2)[0]);
            }
        }
        return names;
    }

    private static Set<String> referenced(String text) {
        Set<String> names = new TreeSet<>();
        Matcher m = METRIC.matcher(text);
        while (m.find()) {
            names.add(m.group());
        }
        return names;
    }

    @Test
    void theAlertRulesQueryOnlyExportedMetrics() throws Exception {
        Set<String> exported = exported();
        Set<String> used = referenced(Files.readString(PACKAGING.resolve("prometheus/cni-dhcp.rules.yml")));

        assertTrue(used.contains("cni_dhcp_network_no_offer_total"), used.toString());
        assertTrue(exported.containsAll(used), "not exported: " + difference(used, exported));
    }

    @Test
    void theDashboardIsJsonAndEveryPanelQueriesOnlyExportedMetrics() throws Exception {
        Set<String> exported = exported();
        JsonNode dashboard = new ObjectMapper().readTree(PACKAGING.resolve("grafana/cni-dhcp.json").toFile());
        List<String> exprs = new ArrayList<>();
        for (JsonNode panel : dashboard.get("panels")) {
            assertFalse(panel.get("targets").isEmpty(), panel.get("title").asText());
            for (JsonNode target : panel.get("targets")) {
                exprs.add(target.get("expr").asText());
            }
        }
        Set<String> used = referenced(String.join("\n", exprs));

        assertEquals("cni-dhcp", dashboard.get("uid").asText());
        for (String name : List.of("cni_dhcp_network_leases", "cni_dhcp_server_leases",
                "cni_dhcp_network_no_offer_total", "cni_dhcp_network_naks_total")) {
            assertTrue(used.contains(name), name + " has a panel: " + used);
        }
        assertTrue(exported.containsAll(used), "not exported: " + difference(used, exported));
    }

    private static Set<String> difference(Set<String> a, Set<String> b) {
        Set<String> out = new TreeSet<>(a);
        out.removeAll(b);
        return out;
    }
}
