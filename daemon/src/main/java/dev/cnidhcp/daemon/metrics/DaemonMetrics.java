package dev.cnidhcp.daemon.metrics;

import dev.cnidhcp.daemon.time.TimerQueue;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * The daemon's counters, in plain JDK types so that any code can count without a metrics library;
 * {@link PrometheusMapping} turns them into Prometheus metrics at scrape time. One instance per
 * daemon, passed in through constructors; a test passes a fresh one.
 *
 * <p>Threads: every method may be called from any thread at any time and never blocks.
 */
public final class DaemonMetrics {
    /** Upper bounds, in seconds, of the ADD duration buckets; one more bucket holds the rest (+Inf). */
    private static final double[] ADD_BUCKETS = {0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120};
    /** Upper bounds, in seconds, of the lease timer lateness buckets. */
    private static final double[] LATENESS_BUCKETS = {0.01, 0.1, 0.5, 1, 5, 10, 30, 60, 300};

    private final LongAdder acquisitionsOk = new LongAdder();
    private final LongAdder acquisitionsFailed = new LongAdder();
    private final LongAdder renewalsOk = new LongAdder();
    private final LongAdder renewalsFailed = new LongAdder();
    private final LongAdder naks = new LongAdder();
    private final LongAdder declines = new LongAdder();
    private final LongAdder timeouts = new LongAdder();
    private final LongAdder noOffers = new LongAdder();
    private final LongAdder acquisitions6Ok = new LongAdder();
    private final LongAdder acquisitions6Failed = new LongAdder();
    private final LongAdder renewals6Ok = new LongAdder();
    private final LongAdder renewals6Failed = new LongAdder();
    private final LongAdder lost6 = new LongAdder();
    private final LongAdder dadFailed6 = new LongAdder();
    private final LongAdder declined6 = new LongAdder();
    private final ConcurrentHashMap<String, LongAdder> dropped = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Refused, LongAdder> refused = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Request, LongAdder> requests = new ConcurrentHashMap<>();
    private final DurationHistogram addDurations = new DurationHistogram(ADD_BUCKETS);
    private final DurationHistogram timerLateness = new DurationHistogram(LATENESS_BUCKETS);
    private final LongAdder deadlinesMissed = new LongAdder();
    private final AtomicReference<Failure> lastAcquisitionFailure = new AtomicReference<>();
    /** By CNI network name; a network appears once something was counted for it. */
    private final ConcurrentHashMap<String, NetworkCounters> networks = new ConcurrentHashMap<>();

    public DaemonMetrics() {
    }

    /** A CNI request answered: its command and the code it was answered with (0: success). */
    public record Request(String command, int code) {
        public Request {
            Objects.requireNonNull(command, "command");
        }
    }

    /**
     * What refused offers are counted by.
     *
     * @param range  the excluded range the offer touched, {@code a.b.c.d/len} (configured, so few values)
     * @param reason {@code address} (the offered address lies in the range) or {@code subnet} (its
     *               subnet overlaps the range)
     */
    public record Refused(String range, String reason) {
        public Refused {
            Objects.requireNonNull(range, "range");
            Objects.requireNonNull(reason, "reason");
        }
    }

    /**
     * The last acquisition that failed.
     *
     * @param at         when it failed
     * @param attachment whose lease it was ({@code container=... ifname=... network=...})
     * @param message    why, as the daemon logged it
     */
    public record Failure(Instant at, String attachment, String message) {
    }

    /**
     * What was counted for one CNI network.
     *
     * @param noOffers    acquisitions that ended without a single DHCPOFFER
     * @param naks        DHCPNAKs received in its exchanges
     * @param lastFailure its last failed acquisition, if any
     * @param lastNoOffer when its last acquisition without any offer failed (on the clock of
     *                    {@link #acquisitionFailed(Instant, String, String, String, boolean)}), if any
     * @param lastAdded   when an ADD on it last obtained a new lease (same clock), if any: a failure
     *                    before it is one the server has recovered from for new pods
     */
    public record NetworkStats(long noOffers, long naks, Optional<Failure> lastFailure, Optional<Instant> lastNoOffer,
                               Optional<Instant> lastAdded) {
        public NetworkStats {
            Objects.requireNonNull(lastFailure, "lastFailure");
            Objects.requireNonNull(lastNoOffer, "lastNoOffer");
            Objects.requireNonNull(lastAdded, "lastAdded");
        }

        /** Nothing counted. */
        public static final NetworkStats NONE = new NetworkStats(0, 0, Optional.empty(), Optional.empty(), Optional.empty());
    }

    /** One network's counters; any thread. */
    private static final class NetworkCounters {
        final LongAdder noOffers = new LongAdder();
        final LongAdder naks = new LongAdder();
        final AtomicReference<Failure> lastFailure = new AtomicReference<>();
        final AtomicReference<Instant> lastNoOffer = new AtomicReference<>();
        final AtomicReference<Instant> lastAdded = new AtomicReference<>();

        NetworkStats snapshot() {
            return new NetworkStats(noOffers.sum(), naks.sum(), Optional.ofNullable(lastFailure.get()),
                    Optional.ofNullable(lastNoOffer.get()), Optional.ofNullable(lastAdded.get()));
        }
    }

    /** The counters of {@code network}, or null for "" (a network not known yet counts globally only). */
    private NetworkCounters network(String network) {
        Objects.requireNonNull(network, "network");
        return network.isEmpty() ? null : networks.computeIfAbsent(network, n -> new NetworkCounters());
    }

    /**
     * Durations (of ADDs, or of timer lateness): counts per bucket (not cumulative; the last one is above every bound), their
     * number and their sum.
     */
    public record Durations(double[] upperBounds, long[] counts, long count, double sumSeconds) {
    }

    // --- counting ---

    /** A lease was obtained (ADD, INIT-REBOOT, or DISCOVER after a lease was lost). */
    public void acquired() {
        acquisitionsOk.increment();
    }

    /** As {@link #acquired()}, for a new lease an ADD on {@code network} obtained at {@code at}. */
    public void added(Instant at, String network) {
        acquired();
        NetworkCounters counters = network(network);
        if (counters != null) {
            counters.lastAdded.set(at);
        }
    }

    /** An attempt to obtain a lease failed; {@code at}, {@code attachment} and {@code why} are kept for STATUS. */
    public void acquisitionFailed(Instant at, String attachment, String why) {
        acquisitionsFailed.increment();
        lastAcquisitionFailure.set(new Failure(at, attachment, why));
    }

    /**
     * As {@link #acquisitionFailed(Instant, String, String)}, also kept as the last failure of
     * {@code network} ("" when not known), and as its last acquisition without any offer when
     * {@code noOffer}.
     */
    public void acquisitionFailed(Instant at, String network, String attachment, String why, boolean noOffer) {
        Failure failure = new Failure(at, attachment, why);
        acquisitionsFailed.increment();
        lastAcquisitionFailure.set(failure);
        NetworkCounters counters = network(network);
        if (counters != null) {
            counters.lastFailure.set(failure);
            if (noOffer) {
                counters.lastNoOffer.set(at);
            }
        }
    }

    /** A DHCPv6 lease was obtained (ADD, or SOLICIT after a lease was lost). */
    public void acquired6() {
        acquisitions6Ok.increment();
    }

    /** An attempt to obtain a DHCPv6 lease failed. */
    public void acquisitionFailed6() {
        acquisitions6Failed.increment();
    }

    /** A DHCPv6 lease held was extended (RENEW, REBIND, or the REBIND that confirms it after a restart). */
    public void renewed6() {
        renewals6Ok.increment();
    }

    /** A RENEW or REBIND attempt was refused, unanswered, or failed otherwise. */
    public void renewalFailed6() {
        renewals6Failed.increment();
    }

    /** A DHCPv6 lease was lost (valid lifetime ended, or refused by the server). */
    public void lost6() {
        lost6.increment();
    }

    /**
     * The kernel's duplicate address detection flagged a leased IPv6 address dadfailed on the pod's
     * interface after ADD; the address was declined (DECLINE).
     */
    public void dadFailed6() {
        dadFailed6.increment();
    }

    /** A lease held was extended (RENEWING or REBINDING answered with an ACK). */
    public void renewed() {
        renewalsOk.increment();
    }

    /** A RENEWING or REBINDING attempt got a NAK, no answer, or failed otherwise. */
    public void renewalFailed() {
        renewalsFailed.increment();
    }

    /** A DHCPNAK arrived. */
    public void nak() {
        naks.increment();
    }

    /** A DHCPNAK arrived in an exchange of {@code network} ("" when not known: counted globally only). */
    public void nak(String network) {
        naks.increment();
        NetworkCounters counters = network(network);
        if (counters != null) {
            counters.naks.increment();
        }
    }

    /**
     * A DHCPNAK already counted by {@link #nak()} (where the network was not known) refused an
     * exchange of {@code network}: counted for the network only.
     */
    public void nakOf(String network) {
        NetworkCounters counters = network(network);
        if (counters != null) {
            counters.naks.increment();
        }
    }

    /**
     * A DHCPv6 address granted at acquisition was found in use by the duplicate address probe (a
     * Neighbor Solicitation answered) and declined with DECLINE; another is asked for.
     */
    public void declined6() {
        declined6.increment();
    }

    /** An offered address was found in use (ARP) and declined with DHCPDECLINE. */
    public void declined() {
        declines.increment();
    }

    /** A DHCP exchange ended at its deadline without an accepted reply. */
    public void timeout() {
        timeouts.increment();
    }

    /** An acquisition ended without a single DHCPOFFER: no server has an address to give (pool exhausted?). */
    public void noOffer() {
        noOffers.increment();
    }

    /** As {@link #noOffer()}, for an acquisition on {@code network} ("" when not known: counted globally only). */
    public void noOffer(String network) {
        noOffers.increment();
        NetworkCounters counters = network(network);
        if (counters != null) {
            counters.noOffers.increment();
        }
    }

    /**
     * A DHCPOFFER (or an ACK, then declined) was not taken because it touches an excluded range;
     * {@code range} and {@code reason} become label values (see {@link Refused}).
     */
    public void offerRefused(String range, String reason) {
        refused.computeIfAbsent(new Refused(range, reason), r -> new LongAdder()).increment();
    }

    /** A received DHCP packet was dropped; {@code reason} is a short constant (it becomes a label value). */
    public void droppedPacket(String reason) {
        dropped.computeIfAbsent(reason, r -> new LongAdder()).increment();
    }

    /** A request was answered; {@code command} must come from a small fixed set (it becomes a label value). */
    public void request(String command, int code) {
        requests.computeIfAbsent(new Request(command, code), r -> new LongAdder()).increment();
    }

    /** An ADD was answered with a lease after {@code took}. */
    public void addAnswered(Duration took) {
        addDurations.record(took);
    }

    /** A lease timer started {@code lateness} after it was due. */
    public void timerRan(Duration lateness) {
        timerLateness.record(lateness);
    }

    /** A lease timer started after its lease had expired. */
    public void timerMissedDeadline() {
        deadlinesMissed.increment();
    }

    /** Counts what a {@link TimerQueue} reports: how late each timer ran, and missed deadlines. */
    public TimerQueue.Observer timerObserver() {
        return new TimerQueue.Observer() {
            @Override
            public void ran(Duration lateness) {
                timerRan(lateness);
            }

            @Override
            public void missedDeadline(Duration by) {
                timerMissedDeadline();
            }
        };
    }

    // --- reading ---

    public long acquisitionsOk() {
        return acquisitionsOk.sum();
    }

    public long acquisitionsFailed() {
        return acquisitionsFailed.sum();
    }

    public long acquisitions6Ok() {
        return acquisitions6Ok.sum();
    }

    public long acquisitions6Failed() {
        return acquisitions6Failed.sum();
    }

    public long renewals6Ok() {
        return renewals6Ok.sum();
    }

    public long renewals6Failed() {
        return renewals6Failed.sum();
    }

    public long leases6Lost() {
        return lost6.sum();
    }

    public long dadFailures6() {
        return dadFailed6.sum();
    }

    public long declines6() {
        return declined6.sum();
    }

    public long renewalsOk() {
        return renewalsOk.sum();
    }

    public long renewalsFailed() {
        return renewalsFailed.sum();
    }

    public long naks() {
        return naks.sum();
    }

    public long declines() {
        return declines.sum();
    }

    public long timeouts() {
        return timeouts.sum();
    }

    public long noOffers() {
        return noOffers.sum();
    }

    /** Dropped packets by reason, sorted by reason. */
    public Map<String, Long> droppedPackets() {
        Map<String, Long> out = new TreeMap<>();
        dropped.forEach((reason, count) -> out.put(reason, count.sum()));
        return out;
    }

    /** Offers refused for an excluded range, by range and reason, sorted. */
    public Map<Refused, Long> offersRefused() {
        Map<Refused, Long> out = new TreeMap<>((a, b) -> a.range().equals(b.range())
                ? a.reason().compareTo(b.reason()) : a.range().compareTo(b.range()));
        refused.forEach((key, count) -> out.put(key, count.sum()));
        return out;
    }

    /** Every refused offer, whatever the range. */
    public long offersRefusedTotal() {
        long total = 0;
        for (LongAdder count : refused.values()) {
            total += count.sum();
        }
        return total;
    }

    /** Every dropped packet, whatever the reason. */
    public long droppedPacketsTotal() {
        long total = 0;
        for (LongAdder count : dropped.values()) {
            total += count.sum();
        }
        return total;
    }

    /** Requests answered, by command and code. */
    public Map<Request, Long> requests() {
        Map<Request, Long> out = new TreeMap<>((a, b) -> a.command().equals(b.command())
                ? Integer.compare(a.code(), b.code()) : a.command().compareTo(b.command()));
        requests.forEach((request, count) -> out.put(request, count.sum()));
        return out;
    }

    public Durations addDurations() {
        return addDurations.snapshot();
    }

    /** How late lease timers started. */
    public Durations timerLateness() {
        return timerLateness.snapshot();
    }

    /** Lease timers that started after their lease had expired. */
    public long timerDeadlinesMissed() {
        return deadlinesMissed.sum();
    }

    public Optional<Failure> lastAcquisitionFailure() {
        return Optional.ofNullable(lastAcquisitionFailure.get());
    }

    /** What was counted for each network, sorted by network name. */
    public Map<String, NetworkStats> networks() {
        Map<String, NetworkStats> out = new TreeMap<>();
        networks.forEach((name, counters) -> out.put(name, counters.snapshot()));
        return out;
    }
}
