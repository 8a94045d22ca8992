package dev.cnidhcp.daemon.metrics;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot.HistogramDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;

import java.util.Map;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;

/**
 * {@link DaemonMetrics} as Prometheus metrics, read at every scrape (names and labels:
 * docs/observability.md). Counters are exported without the {@code _total} suffix here; the text
 * format adds it.
 *
 * <p>Families: the series that predate DHCPv6 ({@code cni_dhcp_leases}, {@code cni_dhcp_acquisitions},
 * ...) count IPv4 only and keep their names and labels. The {@code cni_dhcp_family_*} series carry a
 * {@code family} label ({@value #IPV4}, {@value #IPV6}) and count both, so that one query covers
 * either family.
 */
public final class PrometheusMapping implements MultiCollector {
    static final String PREFIX = "cni_dhcp_";
    static final String IPV4 = "ipv4";
    static final String IPV6 = "ipv6";

    private final DaemonMetrics metrics;
    private final Supplier<LeaseCounts> leaseCounts;

    /**
     * @param leaseCounts the leases by state ({@code bound}, {@code init-reboot}, ...), network and
     *                    server, computed once per scrape; never waits for an exchange
     */
    public PrometheusMapping(DaemonMetrics metrics, Supplier<LeaseCounts> leaseCounts) {
        this.metrics = metrics;
        this.leaseCounts = leaseCounts;
    }

    @Override
    public MetricSnapshots collect() {
        LeaseCounts counts = leaseCounts.get();
        Map<String, DaemonMetrics.NetworkStats> networks = metrics.networks();
        return MetricSnapshots.builder()
                .metricSnapshot(gauge("leases", "Leases held by the daemon, by client state", "state", counts.byState()))
                .metricSnapshot(gauge("network_leases", "Leases held (granted and not lost), by CNI network",
                        "network", counts.byNetwork()))
                .metricSnapshot(gauge("server_leases", "Leases held (granted and not lost), by the DHCP server that"
                        + " granted them (server identifier)", "server", counts.byServer()))
                .metricSnapshot(byNetwork("network_no_offer", "Acquisitions that ended without any DHCPOFFER, by CNI"
                        + " network (pool exhausted or no server reachable)", networks, DaemonMetrics.NetworkStats::noOffers))
                .metricSnapshot(byNetwork("network_naks", "DHCPNAKs received, by CNI network", networks,
                        DaemonMetrics.NetworkStats::naks))
                .metricSnapshot(byResult("acquisitions", "Attempts to obtain a lease (ADD, INIT-REBOOT, DISCOVER"
                        + " after a lost lease), by result", metrics.acquisitionsOk(), metrics.acquisitionsFailed()))
                .metricSnapshot(byResult("renewals", "RENEWING and REBINDING attempts, by result",
                        metrics.renewalsOk(), metrics.renewalsFailed()))
                .metricSnapshot(counter("naks", "DHCPNAKs received", metrics.naks()))
                .metricSnapshot(counter("declines", "Offered addresses found in use (ARP) and declined",
                        metrics.declines()))
                .metricSnapshot(counter("timeouts", "DHCP exchanges that ended without an accepted reply",
                        metrics.timeouts()))
                .metricSnapshot(counter("no_offer", "Acquisitions that ended without any DHCPOFFER (pool exhausted or"
                        + " no server reachable)", metrics.noOffers()))
                .metricSnapshot(droppedPackets())
                .metricSnapshot(offersRefused())
                .metricSnapshot(requests())
                .metricSnapshot(histogram("add_duration_seconds", "Time the daemon took to answer an ADD with a lease",
                        metrics.addDurations()))
                .metricSnapshot(histogram("timer_lateness_seconds", "How long after its due time each lease timer"
                        + " (T1, T2, retries, expiry) started running", metrics.timerLateness()))
                .metricSnapshot(counter("timer_deadline_missed", "Lease timers that started only after their lease"
                        + " had expired (the server was free to give the address away)", metrics.timerDeadlinesMissed()))
                .metricSnapshot(byFamily("family_leases", "Leases held by the daemon, by address family and client"
                        + " state", "state", counts.byState(), counts.byState6()))
                .metricSnapshot(byFamily("family_network_leases", "Leases held (granted and not lost), by address"
                        + " family and CNI network", "network", counts.byNetwork(), counts.byNetwork6()))
                .metricSnapshot(byFamily("family_server_leases", "Leases held (granted and not lost), by address family"
                        + " and the server that granted them (IPv4: server identifier; IPv6: server DUID)", "server",
                        counts.byServer(), counts.byServer6()))
                .metricSnapshot(byFamilyAndResult("family_acquisitions", "Attempts to obtain a lease, by address family"
                        + " and result", metrics.acquisitionsOk(), metrics.acquisitionsFailed(), metrics.acquisitions6Ok(),
                        metrics.acquisitions6Failed()))
                .metricSnapshot(byFamilyAndResult("family_renewals", "Attempts to extend a lease held (IPv4: RENEWING"
                        + " and REBINDING; IPv6: RENEW, REBIND, and the REBIND that confirms a lease after a restart), by"
                        + " address family and result", metrics.renewalsOk(), metrics.renewalsFailed(),
                        metrics.renewals6Ok(), metrics.renewals6Failed()))
                .metricSnapshot(ipv6Only("family_leases_lost", "Leases lost (DHCPv6: valid lifetime ended or refused by"
                        + " the server), by address family; DHCPv6 only", metrics.leases6Lost()))
                .metricSnapshot(ipv6Only("family_declines", "Addresses granted at acquisition that the duplicate address"
                        + " probe found in use, each declined and another asked for, by address family; DHCPv6 only"
                        + " (DHCPv4: declines)", metrics.declines6()))
                .metricSnapshot(ipv6Only("family_dad_failures", "Leased addresses the kernel's duplicate address detection"
                        + " flagged dadfailed on the pod's interface after ADD, each declined, by address family; DHCPv6"
                        + " only", metrics.dadFailures6()))
                .build();
    }

    /** A gauge with {@code family} and {@code label}: the IPv4 values, then the IPv6 ones. */
    private static GaugeSnapshot byFamily(String name, String help, String label, Map<String, Integer> v4,
                                          Map<String, Integer> v6) {
        GaugeSnapshot.Builder gauge = GaugeSnapshot.builder().name(PREFIX + name).help(help);
        familyPoints(gauge, IPV4, label, v4);
        familyPoints(gauge, IPV6, label, v6);
        return gauge.build();
    }

    private static void familyPoints(GaugeSnapshot.Builder gauge, String family, String label,
                                     Map<String, Integer> values) {
        for (Map.Entry<String, Integer> e : values.entrySet()) {
            gauge.dataPoint(GaugeDataPointSnapshot.builder().labels(Labels.of("family", family, label, e.getKey()))
                    .value(e.getValue()).build());
        }
    }

    private static CounterSnapshot byFamilyAndResult(String name, String help, long ok4, long failed4, long ok6,
                                                     long failed6) {
        return CounterSnapshot.builder().name(PREFIX + name).help(help)
                .dataPoint(familyResult(IPV4, "ok", ok4))
                .dataPoint(familyResult(IPV4, "failed", failed4))
                .dataPoint(familyResult(IPV6, "ok", ok6))
                .dataPoint(familyResult(IPV6, "failed", failed6))
                .build();
    }

    private static CounterDataPointSnapshot familyResult(String family, String result, long value) {
        return CounterDataPointSnapshot.builder().labels(Labels.of("family", family, "result", result)).value(value)
                .build();
    }

    private static GaugeSnapshot gauge(String name, String help, String label, Map<String, Integer> values) {
        GaugeSnapshot.Builder gauge = GaugeSnapshot.builder().name(PREFIX + name).help(help);
        for (Map.Entry<String, Integer> e : values.entrySet()) {
            gauge.dataPoint(GaugeDataPointSnapshot.builder().labels(Labels.of(label, e.getKey()))
                    .value(e.getValue()).build());
        }
        return gauge.build();
    }

    private static CounterSnapshot byNetwork(String name, String help, Map<String, DaemonMetrics.NetworkStats> networks,
                                             ToLongFunction<DaemonMetrics.NetworkStats> value) {
        CounterSnapshot.Builder counter = CounterSnapshot.builder().name(PREFIX + name).help(help);
        for (Map.Entry<String, DaemonMetrics.NetworkStats> e : networks.entrySet()) {
            counter.dataPoint(CounterDataPointSnapshot.builder().labels(Labels.of("network", e.getKey()))
                    .value(value.applyAsLong(e.getValue())).build());
        }
        return counter.build();
    }

    private static CounterSnapshot byResult(String name, String help, long ok, long failed) {
        return CounterSnapshot.builder().name(PREFIX + name).help(help)
                .dataPoint(CounterDataPointSnapshot.builder().labels(Labels.of("result", "ok")).value(ok).build())
                .dataPoint(CounterDataPointSnapshot.builder().labels(Labels.of("result", "failed")).value(failed).build())
                .build();
    }

    private static CounterSnapshot counter(String name, String help, long value) {
        return CounterSnapshot.builder().name(PREFIX + name).help(help)
                .dataPoint(CounterDataPointSnapshot.builder().value(value).build())
                .build();
    }

    private CounterSnapshot droppedPackets() {
        CounterSnapshot.Builder counter = CounterSnapshot.builder().name(PREFIX + "dropped_packets")
                .help("Received DHCP packets dropped, by reason");
        for (Map.Entry<String, Long> e : metrics.droppedPackets().entrySet()) {
            counter.dataPoint(CounterDataPointSnapshot.builder().labels(Labels.of("reason", e.getKey()))
                    .value(e.getValue()).build());
        }
        return counter.build();
    }

    private CounterSnapshot offersRefused() {
        CounterSnapshot.Builder counter = CounterSnapshot.builder().name(PREFIX + "offers_refused")
                .help("DHCPOFFERs (and DHCPACKs, then declined) not taken because the address lies in, or its subnet"
                        + " overlaps, an excluded range (-exclude, ipam.exclude), by range and reason");
        for (Map.Entry<DaemonMetrics.Refused, Long> e : metrics.offersRefused().entrySet()) {
            counter.dataPoint(CounterDataPointSnapshot.builder()
                    .labels(Labels.of("range", e.getKey().range(), "reason", e.getKey().reason()))
                    .value(e.getValue()).build());
        }
        return counter.build();
    }

    private CounterSnapshot requests() {
        CounterSnapshot.Builder counter = CounterSnapshot.builder().name(PREFIX + "requests")
                .help("Requests answered on the daemon's socket, by CNI command and result code (0: success)");
        for (Map.Entry<DaemonMetrics.Request, Long> e : metrics.requests().entrySet()) {
            counter.dataPoint(CounterDataPointSnapshot.builder()
                    .labels(Labels.of("command", e.getKey().command(), "code", Integer.toString(e.getKey().code())))
                    .value(e.getValue()).build());
        }
        return counter.build();
    }

    private static HistogramSnapshot histogram(String name, String help, DaemonMetrics.Durations d) {
        double[] bounds = new double[d.upperBounds().length + 1];
        System.arraycopy(d.upperBounds(), 0, bounds, 0, d.upperBounds().length);
        bounds[bounds.length - 1] = Double.POSITIVE_INFINITY;
        return HistogramSnapshot.builder().name(PREFIX + name).help(help)
                .dataPoint(HistogramDataPointSnapshot.builder()
                        .classicHistogramBuckets(ClassicHistogramBuckets.of(bounds, d.counts()))
                        .sum(d.sumSeconds()).build())
                .build();
    }

    /** A counter of the {@code family} series that only DHCPv6 has yet: one data point, {@code family="ipv6"}. */
    private static CounterSnapshot ipv6Only(String name, String help, long value) {
        return CounterSnapshot.builder().name(PREFIX + name).help(help)
                .dataPoint(CounterDataPointSnapshot.builder().labels(Labels.of("family", IPV6)).value(value).build())
                .build();
    }
}
