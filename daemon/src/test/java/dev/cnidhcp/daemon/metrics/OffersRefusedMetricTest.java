package dev.cnidhcp.daemon.metrics;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code cni_dhcp_offers_refused_total}: offers refused for an excluded range, by range and reason. */
class OffersRefusedMetricTest {
    private final DaemonMetrics metrics = new DaemonMetrics();

    private String scrape() throws Exception {
        PrometheusRegistry registry = new PrometheusRegistry();
        registry.register(new PrometheusMapping(metrics, () -> LeaseCounts.byStateOnly(Map.of("bound", 0))));
        return PrometheusTextFormatWriter.create().toDebugString(registry.scrape());
    }

    private static void assertLine(String text, String line) {
        assertTrue(List.of(text.split("\n")).contains(line), "no line '" + line + "' in:\n" + text);
    }

    @Test
    void refusalsAreCountedByRangeAndReason() throws Exception {
        metrics.offerRefused("10.96.0.0/12", "address");
        metrics.offerRefused("10.96.0.0/12", "address");
        metrics.offerRefused("10.96.0.0/12", "subnet");
        metrics.offerRefused("192.168.0.0/16", "subnet");

        String text = scrape();

        assertTrue(text.contains("# HELP cni_dhcp_offers_refused_total "), text);
        assertLine(text, "cni_dhcp_offers_refused_total{range=\"10.96.0.0/12\",reason=\"address\"} 2.0");
        assertLine(text, "cni_dhcp_offers_refused_total{range=\"10.96.0.0/12\",reason=\"subnet\"} 1.0");
        assertLine(text, "cni_dhcp_offers_refused_total{range=\"192.168.0.0/16\",reason=\"subnet\"} 1.0");
        assertEquals(4, metrics.offersRefusedTotal());
    }

    @Test
    void nothingRefusedShowsNoSeries() throws Exception {
        assertTrue(!scrape().contains("cni_dhcp_offers_refused_total{"));
        assertEquals(0, metrics.offersRefusedTotal());
    }
}
