package dev.cnidhcp.daemon.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cnidhcp.daemon.admin.Lease6Tally;
import dev.cnidhcp.daemon.lease.LeaseMachine;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The alert rules (packaging/prometheus/cni-dhcp.rules.yml) and the Grafana dashboard
 * (packaging/grafana/cni-dhcp.json) query only metrics a scrape of the daemon shows, and every
 * label value they select ({@code family="ipv6"}, {@code state=~"init|init-reboot"}) is one that
 * scrape has: a renamed metric or label value breaks this test, not an operator's alerts. The scrape
 * is that of a dual-stack daemon: every state label of both clients ({@code LeaseMachine.State},
 * {@code Lease6Machine.State} as {@link Lease6Tally} names them) and every DHCPv6 counter. promtool
 * checks the rules themselves.
 */
class PackagedQueriesTest {
    private static final Path PACKAGING = Path.of("..", "packaging");
    private static final Pattern METRIC = Pattern.compile("cni_dhcp_[a-z_]+");
    /** A selector with label matchers: {@code cni_dhcp_leases{state=~"init|init-reboot",instance=~"$instance"}}. */
    private static final Pattern SELECTOR = Pattern.compile("(cni_dhcp_[a-z_]+)\\{([^}]*)}");
    private static final Pattern MATCHER = Pattern.compile("([a-zA-Z_]+)\\s*(=~|!=|!~|=)\\s*\"([^\"]*)\"");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_]+)=\"([^\"]*)\"");
    /** Labels the scraper adds ({@code job}, {@code instance}), not the daemon. */
    private static final Set<String> TARGET_LABELS = Set.of("job", "instance");

    /** Every series name of a scrape in which every metric has at least one series. */
    private static Set<String> exported() throws Exception {
        return exportedSeries().keySet();
    }

    /**
     * A dual-stack daemon's scrape, by series name: the labels of each of its series. Every metric has
     * at least one series, and every state of both clients is there.
     */
    private static Map<String, List<Map<String, String>>> exportedSeries() throws Exception {
        DaemonMetrics metrics = new DaemonMetrics();
        metrics.droppedPacket("wrong_xid");
        metrics.request("ADD", 0);
        metrics.noOffer("labnet");
        metrics.nak("labnet");
        metrics.addAnswered(Duration.ofMillis(80));
        metrics.timerRan(Duration.ofMillis(3));
        metrics.acquisitionFailed(Instant.EPOCH, "labnet", "container=a", "no DHCPOFFER", true);
        metrics.acquired6();
        metrics.acquisitionFailed6();
        metrics.renewed6();
        metrics.renewalFailed6();
        metrics.lost6();
        Map<String, Integer> states = new LinkedHashMap<>();
        for (LeaseMachine.State state : LeaseMachine.State.values()) {
            states.put(state.label(), state == LeaseMachine.State.BOUND ? 1 : 0);
        }
        Map<String, Integer> states6 = new LinkedHashMap<>(Lease6Tally.of(List.of()).byStateLabel());
        states6.put("bound", 1);
        PrometheusRegistry registry = new PrometheusRegistry();
        registry.register(new PrometheusMapping(metrics, () -> new LeaseCounts(states, Map.of("labnet", 1),
                Map.of("10.99.0.2", 1), states6, Map.of("labnet", 1), Map.of("00:03:00:01:02:00:00:00:00:02", 1))));
        String text = PrometheusTextFormatWriter.create().toDebugString(registry.scrape());
        Map<String, List<Map<String, String>>> series = new TreeMap<>();
        for (String line : text.split("\n")) {
            if (!line.startsWith("#") && !line.isBlank()) {
                String[] nameAndRest = line.split("[{ ]", 2);
                Map<String, String> labels = new HashMap<>();
                if (line.charAt(nameAndRest[0].length()) == '{') {
                    Matcher m = LABEL.matcher(line.substring(nameAndRest[0].length(), line.lastIndexOf('}')));
                    while (m.find()) {
                        labels.put(m.group(1), m.group(2));
                    }
                }
                series.computeIfAbsent(nameAndRest[0], k -> new ArrayList<>()).add(labels);
            }
        }
        return series;
    }

    /**
     * The matchers of {@code text}'s selectors that select no series of the scrape: an {@code =} or
     * {@code =~} matcher on a label the daemon sets whose value (or regex, matched whole) no series of
     * that name has. Negative matchers, the scraper's labels and Grafana variables are not checked.
     */
    static List<String> unmatched(String text, Map<String, List<Map<String, String>>> series) {
        List<String> out = new ArrayList<>();
        Matcher selector = SELECTOR.matcher(text);
        while (selector.find()) {
            List<Map<String, String>> ofName = series.getOrDefault(selector.group(1), List.of());
            Matcher m = MATCHER.matcher(selector.group(2));
            while (m.find()) {
                String label = m.group(1);
                String op = m.group(2);
                String value = m.group(3);
                if (TARGET_LABELS.contains(label) || value.contains("$") || op.startsWith("!")) {
                    continue;
                }
                Pattern wanted = Pattern.compile(op.equals("=~") ? value : Pattern.quote(value));
                boolean found = ofName.stream().anyMatch(labels -> labels.containsKey(label)
                        && wanted.matcher(labels.get(label)).matches());
                if (!found) {
                    out.add(selector.group(1) + " " + label + op + "\"" + value + "\"");
                }
            }
        }
        return out;
    }

    /** The dashboard's queries, one per target. */
    private static String dashboardQueries() throws Exception {
        JsonNode dashboard = new ObjectMapper().readTree(PACKAGING.resolve("grafana/cni-dhcp.json").toFile());
        List<String> exprs = new ArrayList<>();
        for (JsonNode panel : dashboard.get("panels")) {
            for (JsonNode target : panel.get("targets")) {
                exprs.add(target.get("expr").asText());
            }
        }
        return String.join("\n", exprs);
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
        for (String name : List.of("cni_dhcp_family_leases", "cni_dhcp_family_renewals_total",
                "cni_dhcp_family_acquisitions_total")) {
            assertTrue(used.contains(name), name + " has a rule: " + used);
        }
        assertTrue(exported.containsAll(used), "not exported: " + difference(used, exported));
    }

    @Test
    void theAlertRulesAndTheDashboardSelectOnlyLabelValuesTheScrapeHas() throws Exception {
        Map<String, List<Map<String, String>>> series = exportedSeries();
        String rules = Files.readString(PACKAGING.resolve("prometheus/cni-dhcp.rules.yml"));

        assertEquals(List.of(), unmatched(rules, series));
        assertEquals(List.of(), unmatched(dashboardQueries(), series));
    }

    @Test
    void aSelectorForALabelValueTheDaemonNeverExportsIsReported() throws Exception {
        Map<String, List<Map<String, String>>> series = exportedSeries();

        assertEquals(List.of("cni_dhcp_family_leases family=\"v6\"", "cni_dhcp_leases state=~\"lost\""),
                unmatched("sum(cni_dhcp_family_leases{family=\"v6\",state=\"init\"})"
                        + " + sum(cni_dhcp_leases{state=~\"lost\",instance=~\"$instance\"})", series));
        assertEquals(List.of(), unmatched("cni_dhcp_family_leases{family=\"ipv6\",state=~\"init|confirming\","
                + "job=\"cni-dhcp\",state!=\"x\"}", series));
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
        for (String name : List.of("cni_dhcp_family_leases", "cni_dhcp_family_network_leases",
                "cni_dhcp_family_server_leases", "cni_dhcp_family_acquisitions_total", "cni_dhcp_family_renewals_total",
                "cni_dhcp_family_leases_lost_total")) {
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
