package dev.cnidhcp.daemon.metrics;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The metric names, labels and values a scrape shows, in the Prometheus text format as served. */
class PrometheusMappingTest {
    private final DaemonMetrics metrics = new DaemonMetrics();
    private final Map<String, Integer> states = new LinkedHashMap<>(Map.of("bound", 0));

    private String scrape() throws Exception {
        PrometheusRegistry registry = new PrometheusRegistry();
        registry.register(new PrometheusMapping(metrics, () -> LeaseCounts.byStateOnly(states)));
        return PrometheusTextFormatWriter.create().toDebugString(registry.scrape());
    }

    private static void assertLine(String text, String line) {
        assertTrue(List.of(text.split("\n")).contains(line), "no line '" + line + "' in:\n" + text);
    }

    @Test
    void everyMetricIsThereFromTheStartWithItsHelp() throws Exception {
        String text = scrape();

        for (String name : List.of("cni_dhcp_leases", "cni_dhcp_acquisitions_total", "cni_dhcp_renewals_total",
                "cni_dhcp_naks_total", "cni_dhcp_declines_total", "cni_dhcp_timeouts_total", "cni_dhcp_no_offer_total",
                "cni_dhcp_add_duration_seconds")) {
            assertTrue(text.contains("# HELP " + name + " "), name + " in:\n" + text);
        }
        assertLine(text, "cni_dhcp_acquisitions_total{result=\"ok\"} 0.0");
        assertLine(text, "cni_dhcp_acquisitions_total{result=\"failed\"} 0.0");
        assertLine(text, "cni_dhcp_no_offer_total 0.0");
        assertLine(text, "cni_dhcp_add_duration_seconds_count 0");
    }

    @Test
    void countersShowWhatWasCounted() throws Exception {
        metrics.acquired();
        metrics.acquired();
        metrics.acquisitionFailed(Instant.EPOCH, "container=a", "no DHCPOFFER");
        metrics.renewed();
        metrics.renewalFailed();
        metrics.nak();
        metrics.declined();
        metrics.timeout();
        metrics.noOffer();
        metrics.droppedPacket("xid");
        metrics.droppedPacket("xid");
        metrics.request("ADD", 0);
        metrics.request("ADD", 100);

        String text = scrape();

        assertLine(text, "cni_dhcp_acquisitions_total{result=\"ok\"} 2.0");
        assertLine(text, "cni_dhcp_acquisitions_total{result=\"failed\"} 1.0");
        assertLine(text, "cni_dhcp_renewals_total{result=\"ok\"} 1.0");
        assertLine(text, "cni_dhcp_renewals_total{result=\"failed\"} 1.0");
        assertLine(text, "cni_dhcp_naks_total 1.0");
        assertLine(text, "cni_dhcp_declines_total 1.0");
        assertLine(text, "cni_dhcp_timeouts_total 1.0");
        assertLine(text, "cni_dhcp_no_offer_total 1.0");
        assertLine(text, "cni_dhcp_dropped_packets_total{reason=\"xid\"} 2.0");
        assertLine(text, "cni_dhcp_requests_total{code=\"0\",command=\"ADD\"} 1.0");
        assertLine(text, "cni_dhcp_requests_total{code=\"100\",command=\"ADD\"} 1.0");
    }

    @Test
    void leasesByStateAreReadAtEachScrape() throws Exception {
        states.put("bound", 3);
        states.put("init-reboot", 1);

        String text = scrape();

        assertLine(text, "# TYPE cni_dhcp_leases gauge");
        assertLine(text, "cni_dhcp_leases{state=\"bound\"} 3.0");
        assertLine(text, "cni_dhcp_leases{state=\"init-reboot\"} 1.0");
        states.put("bound", 4);
        assertLine(scrape(), "cni_dhcp_leases{state=\"bound\"} 4.0");
    }

    @Test
    void addDurationIsAClassicHistogramWithCumulativeBuckets() throws Exception {
        metrics.addAnswered(Duration.ofMillis(40));
        metrics.addAnswered(Duration.ofMillis(180));
        metrics.addAnswered(Duration.ofSeconds(200));

        String text = scrape();

        assertLine(text, "# TYPE cni_dhcp_add_duration_seconds histogram");
        assertLine(text, "cni_dhcp_add_duration_seconds_bucket{le=\"0.05\"} 1");
        assertLine(text, "cni_dhcp_add_duration_seconds_bucket{le=\"0.1\"} 1");
        assertLine(text, "cni_dhcp_add_duration_seconds_bucket{le=\"0.25\"} 2");
        assertLine(text, "cni_dhcp_add_duration_seconds_bucket{le=\"120.0\"} 2");
        assertLine(text, "cni_dhcp_add_duration_seconds_bucket{le=\"+Inf\"} 3");
        assertLine(text, "cni_dhcp_add_duration_seconds_count 3");
        assertLine(text, "cni_dhcp_add_duration_seconds_sum 200.22");
        assertEquals(3, metrics.addDurations().count());
    }

    @Test
    void noOffersAndNaksByNetworkAndLeasesByNetworkAndServer() throws Exception {
        metrics.noOffer("labnet");
        metrics.noOffer("labnet");
        metrics.noOffer(""); // a network not known: only the total
        metrics.nak("labnet");
        metrics.nakOf("other");
        PrometheusRegistry registry = new PrometheusRegistry();
        registry.register(new PrometheusMapping(metrics, () -> new LeaseCounts(states,
                Map.of("labnet", 5, "other", 1), Map.of("10.99.0.2", 4, "10.99.0.3", 2))));
        String text = PrometheusTextFormatWriter.create().toDebugString(registry.scrape());

        assertLine(text, "cni_dhcp_network_no_offer_total{network=\"labnet\"} 2.0");
        assertLine(text, "cni_dhcp_network_no_offer_total{network=\"other\"} 0.0");
        assertLine(text, "cni_dhcp_no_offer_total 3.0");
        assertLine(text, "cni_dhcp_network_naks_total{network=\"labnet\"} 1.0");
        assertLine(text, "cni_dhcp_network_naks_total{network=\"other\"} 1.0");
        assertLine(text, "cni_dhcp_naks_total 1.0");
        assertLine(text, "cni_dhcp_network_leases{network=\"labnet\"} 5.0");
        assertLine(text, "cni_dhcp_network_leases{network=\"other\"} 1.0");
        assertLine(text, "cni_dhcp_server_leases{server=\"10.99.0.2\"} 4.0");
        assertLine(text, "cni_dhcp_server_leases{server=\"10.99.0.3\"} 2.0");
    }
}
