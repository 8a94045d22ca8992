package dev.cnidhcp.daemon.metrics;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The {@code cni_dhcp_family_*} series: both families under a {@code family} label, the DHCPv6
 * counters of {@link DaemonMetrics} among them, and the older IPv4 series unchanged beside them.
 */
class FamilyMetricsTest {
    private static final String DUID = "00:03:00:01:02:00:00:00:00:02";
    private final DaemonMetrics metrics = new DaemonMetrics();

    private String scrape(LeaseCounts counts) throws Exception {
        PrometheusRegistry registry = new PrometheusRegistry();
        registry.register(new PrometheusMapping(metrics, () -> counts));
        return PrometheusTextFormatWriter.create().toDebugString(registry.scrape());
    }

    private static LeaseCounts dualStack() {
        return new LeaseCounts(Map.of("bound", 2, "init", 0), Map.of("labnet", 2), Map.of("10.99.0.2", 2),
                Map.of("bound", 1, "confirming", 1), Map.of("labnet", 1), Map.of(DUID, 1));
    }

    private static void assertLine(String text, String line) {
        assertTrue(List.of(text.split("\n")).contains(line), "no line '" + line + "' in:\n" + text);
    }

    @Test
    void theDhcpv6CountersAreExportedUnderFamilyIpv6() throws Exception {
        metrics.acquired6();
        metrics.acquired6();
        metrics.acquisitionFailed6();
        metrics.renewed6();
        metrics.renewalFailed6();
        metrics.renewalFailed6();
        metrics.lost6();
        metrics.declined6();
        metrics.dadFailed6();
        metrics.dadFailed6();

        String text = scrape(dualStack());

        assertLine(text, "cni_dhcp_family_acquisitions_total{family=\"ipv6\",result=\"ok\"} 2.0");
        assertLine(text, "cni_dhcp_family_acquisitions_total{family=\"ipv6\",result=\"failed\"} 1.0");
        assertLine(text, "cni_dhcp_family_renewals_total{family=\"ipv6\",result=\"ok\"} 1.0");
        assertLine(text, "cni_dhcp_family_renewals_total{family=\"ipv6\",result=\"failed\"} 2.0");
        assertLine(text, "cni_dhcp_family_leases_lost_total{family=\"ipv6\"} 1.0");
        assertLine(text, "cni_dhcp_family_declines_total{family=\"ipv6\"} 1.0");
        assertLine(text, "cni_dhcp_family_dad_failures_total{family=\"ipv6\"} 2.0");
    }

    @Test
    void theFamilySeriesCarryTheIpv4CountsTooAndTheOldSeriesStayIpv4Only() throws Exception {
        metrics.acquired();
        metrics.acquired6();
        metrics.renewed();

        String text = scrape(dualStack());

        assertLine(text, "cni_dhcp_family_acquisitions_total{family=\"ipv4\",result=\"ok\"} 1.0");
        assertLine(text, "cni_dhcp_family_renewals_total{family=\"ipv4\",result=\"ok\"} 1.0");
        assertLine(text, "cni_dhcp_acquisitions_total{result=\"ok\"} 1.0");
        assertLine(text, "cni_dhcp_renewals_total{result=\"ok\"} 1.0");
        assertLine(text, "cni_dhcp_leases{state=\"bound\"} 2.0");
        assertFalse(text.contains("cni_dhcp_leases{family"), text);
        assertFalse(text.contains("cni_dhcp_acquisitions_total{family"), text);
    }

    @Test
    void leasesHeldByFamilyStateNetworkAndServer() throws Exception {
        String text = scrape(dualStack());

        assertLine(text, "cni_dhcp_family_leases{family=\"ipv4\",state=\"bound\"} 2.0");
        assertLine(text, "cni_dhcp_family_leases{family=\"ipv4\",state=\"init\"} 0.0");
        assertLine(text, "cni_dhcp_family_leases{family=\"ipv6\",state=\"bound\"} 1.0");
        assertLine(text, "cni_dhcp_family_leases{family=\"ipv6\",state=\"confirming\"} 1.0");
        assertLine(text, "cni_dhcp_family_network_leases{family=\"ipv4\",network=\"labnet\"} 2.0");
        assertLine(text, "cni_dhcp_family_network_leases{family=\"ipv6\",network=\"labnet\"} 1.0");
        assertLine(text, "cni_dhcp_family_server_leases{family=\"ipv4\",server=\"10.99.0.2\"} 2.0");
        assertLine(text, "cni_dhcp_family_server_leases{family=\"ipv6\",server=\"" + DUID + "\"} 1.0");
        assertLine(text, "cni_dhcp_network_leases{network=\"labnet\"} 2.0");
    }

    @Test
    void anIpv4OnlyNodeShowsTheV6CountersAtZeroAndNoV6Leases() throws Exception {
        String text = scrape(new LeaseCounts(Map.of("bound", 1), Map.of("labnet", 1), Map.of("10.99.0.2", 1)));

        assertLine(text, "cni_dhcp_family_acquisitions_total{family=\"ipv6\",result=\"ok\"} 0.0");
        assertLine(text, "cni_dhcp_family_leases_lost_total{family=\"ipv6\"} 0.0");
        assertEquals(0, text.lines().filter(l -> l.startsWith("cni_dhcp_family_leases{family=\"ipv6\"")).count(), text);
    }
}
