package dev.cnidhcp.daemon.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cnidhcp.daemon.lease.Lease6Machine;
import dev.cnidhcp.daemon.lease.LeaseMachine;
import dev.cnidhcp.daemon.lease.LeaseManager;
import dev.cnidhcp.daemon.lease.LeaseView;
import dev.cnidhcp.daemon.metrics.DaemonMetrics;
import dev.cnidhcp.daemon.time.Timeline;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The answer to {@code DAEMON-STATUS} ({@code dhcp status}, the liveness probe): whether the daemon
 * is healthy, and why.
 *
 * <p>Unhealthy means something a restart or an operator must fix in the daemon itself: the state
 * directory cannot take a lease record (ADD would fail), or the socket file is gone (no plugin can
 * connect). Lost leases and failed acquisitions are warnings: they point at the network or the DHCP
 * server, and restarting the daemon would not bring them back.
 *
 * <p>Shape: {@code {"healthy":true,"problems":[],"warnings":[],"time":"...","socket":{"path":"...",
 * "present":true},"stateDir":{"path":"...","writable":true,"error":""},"leases":{"total":N,
 * "byState":{"bound":N,...},"lost":N,"initReboot":N},"leases6":{"total":N,"byState":{"bound":N,...},
 * "lost":N,"confirming":N},"lastAcquisitionFailure":{"at":"...",
 * "attachment":"...","message":"..."},"networks":{"NAME":{"leases":N,"leases6":N,"noOffer":N,"naks":N,
 * "lastFailure":{"at":"...","message":"..."},"lastAdded":"..."}},"servers":{"ADDRESS":N},
 * "servers6":{"DUID":N},"exclude":["10.96.0.0/12",...]}} ({@code lastAcquisitionFailure}
 * and a network's {@code lastFailure} are null when none failed; {@code lastAdded}, when an ADD last
 * obtained a new lease on it, is null before the first). {@code networks} has every CNI network
 * that holds a lease or had something counted; {@code leases} there and {@code servers} (by server
 * identifier) count the leases granted and not lost. {@code leases} counts the IPv4 leases,
 * {@code leases6} the DHCPv6 ones (its states are {@code Lease6Machine.State}'s; {@code confirming}:
 * recorded leases being confirmed with REBIND after a restart); a network's {@code leases6} and
 * {@code servers6} (by server DUID, colon hex) count the DHCPv6 leases granted and not lost. Lost
 * DHCPv6 leases are a warning, as lost IPv4 ones. A network whose acquisition ended without any
 * offer in the last {@link #RECENT} is a warning (its pool may be exhausted). Never waits for an
 * exchange. {@code exclude} lists the daemon's {@code -exclude} ranges, empty when none.
 */
public final class DaemonStatus {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** A failed acquisition this recent is a warning. */
    static final Duration RECENT = Duration.ofMinutes(10);

    private final LeaseManager leases;
    private final DaemonMetrics metrics;
    private volatile Path socketPath;
    private final String stateDir;
    private final Timeline timeline;
    private final List<String> exclude;

    /** With one clock for lease times and for display (tests). */
    public DaemonStatus(LeaseManager leases, DaemonMetrics metrics, Path socketPath, String stateDir, Clock clock) {
        this(leases, metrics, socketPath, stateDir, Timeline.of(clock));
    }

    /**
     * @param socketPath the socket the daemon serves (host prefix applied)
     * @param stateDir   {@code -statedir}, as the operator wrote it
     */
    public DaemonStatus(LeaseManager leases, DaemonMetrics metrics, Path socketPath, String stateDir,
                        Timeline timeline) {
        this(leases, metrics, socketPath, stateDir, timeline, List.of());
    }

    /** @param exclude the daemon's {@code -exclude} ranges, {@code a.b.c.d/len} each */
    public DaemonStatus(LeaseManager leases, DaemonMetrics metrics, Path socketPath, String stateDir,
                        Timeline timeline, List<String> exclude) {
        this.exclude = List.copyOf(exclude);
        this.leases = leases;
        this.metrics = metrics;
        this.socketPath = socketPath;
        this.stateDir = stateDir;
        this.timeline = timeline;
    }

    /** The socket actually served, when it is not {@code -socketpath} (one passed by systemd). */
    public void servingOn(Path socket) {
        this.socketPath = socket;
    }

    public String json() {
        ArrayNode problems = JSON.createArrayNode();
        ArrayNode warnings = JSON.createArrayNode();
        ObjectNode details = JSON.createObjectNode();
        Lease6Tally v6 = Lease6Tally.of(leases.views6());
        details.put("time", LeaseListing.rfc3339(timeline.wall().instant()));
        details.set("socket", socket(problems));
        details.set("stateDir", stateDir(problems));
        details.set("leases", leases(warnings));
        details.set("leases6", leases6(v6, warnings));
        details.set("lastAcquisitionFailure", lastFailure(warnings));
        details.set("networks", networks(v6, warnings));
        ObjectNode servers = JSON.createObjectNode();
        leases.countByServer().forEach(servers::put);
        details.set("servers", servers);
        ObjectNode servers6 = JSON.createObjectNode();
        v6.byServer().forEach(servers6::put);
        details.set("servers6", servers6);
        ArrayNode ranges = details.putArray("exclude");
        exclude.forEach(ranges::add);

        ObjectNode out = JSON.createObjectNode();
        out.put("healthy", problems.isEmpty());
        out.set("problems", problems);
        out.set("warnings", warnings);
        out.setAll(details);
        return out.toString();
    }

    private ObjectNode socket(ArrayNode problems) {
        boolean present = Files.exists(socketPath, LinkOption.NOFOLLOW_LINKS);
        if (!present) {
            problems.add("socket " + socketPath + " is gone: no plugin can reach the daemon (restart it)");
        }
        return JSON.createObjectNode().put("path", socketPath.toString()).put("present", present);
    }

    private ObjectNode stateDir(ArrayNode problems) {
        String error = "";
        try {
            leases.checkCanServeAdd();
        } catch (IOException | RuntimeException e) {
            error = e.getMessage() == null ? e.toString() : e.getMessage();
            problems.add("state directory " + stateDir + " cannot take a lease record (" + error + "): ADD fails");
        }
        return JSON.createObjectNode().put("path", stateDir).put("writable", error.isEmpty()).put("error", error);
    }

    private ObjectNode leases(ArrayNode warnings) {
        Map<LeaseMachine.State, Integer> byState = leases.countByState();
        int total = 0;
        ObjectNode states = JSON.createObjectNode();
        for (Map.Entry<LeaseMachine.State, Integer> e : byState.entrySet()) {
            states.put(e.getKey().label(), e.getValue());
            total += e.getValue();
        }
        int lost = 0;
        for (LeaseView view : leases.views()) {
            if (view.lost()) {
                lost++;
            }
        }
        if (lost > 0) {
            warnings.add(lost + " lease(s) lost and being regained (their pods' links are down): see 'dhcp leases'");
        }
        ObjectNode counts = JSON.createObjectNode().put("total", total);
        counts.set("byState", states);
        return counts.put("lost", lost).put("initReboot", byState.get(LeaseMachine.State.INIT_REBOOT));
    }

    /** The DHCPv6 leases by state; lost ones are a warning (their pods keep IPv4, CHECK fails). */
    private static ObjectNode leases6(Lease6Tally v6, ArrayNode warnings) {
        if (v6.lost() > 0) {
            warnings.add(v6.lost() + " DHCPv6 lease(s) lost and being regained (their pods may no longer use those"
                    + " IPv6 addresses; IPv4 is unaffected): see 'dhcp leases'");
        }
        ObjectNode counts = JSON.createObjectNode().put("total", v6.total());
        ObjectNode states = counts.putObject("byState");
        v6.byStateLabel().forEach(states::put);
        return counts.put("lost", v6.lost()).put("confirming", v6.byState().get(Lease6Machine.State.CONFIRMING));
    }

    /**
     * Per network: leases held (IPv4, and DHCPv6 as {@code leases6}), no-offer and NAK counts, last
     * failure; a warning for a recent no-offer.
     */
    private ObjectNode networks(Lease6Tally v6, ArrayNode warnings) {
        Map<String, Integer> held = leases.countByNetwork();
        Map<String, DaemonMetrics.NetworkStats> counted = metrics.networks();
        TreeSet<String> names = new TreeSet<>(held.keySet());
        names.addAll(counted.keySet());
        names.addAll(v6.byNetwork().keySet());
        ObjectNode out = JSON.createObjectNode();
        for (String name : names) {
            DaemonMetrics.NetworkStats stats = counted.getOrDefault(name, DaemonMetrics.NetworkStats.NONE);
            ObjectNode network = out.putObject(name);
            network.put("leases", held.getOrDefault(name, 0)).put("leases6", v6.byNetwork().getOrDefault(name, 0))
                    .put("noOffer", stats.noOffers()).put("naks", stats.naks());
            network.set("lastFailure", stats.lastFailure().<JsonNode>map(f -> JSON.createObjectNode()
                    .put("at", LeaseListing.rfc3339(timeline.toWall(f.at()))).put("message", f.message()))
                    .orElse(NullNode.getInstance()));
            network.set("lastAdded", stats.lastAdded().<JsonNode>map(at -> JSON.getNodeFactory()
                    .textNode(LeaseListing.rfc3339(timeline.toWall(at)))).orElse(NullNode.getInstance()));
            stats.lastNoOffer().filter(this::recent).ifPresent(at -> warnings.add("network " + name + ": "
                    + stats.noOffers() + " acquisition(s) got no DHCPOFFER from any server, the last "
                    + Duration.between(at, timeline.monotonic().instant()).toSeconds() + " s ago: its pool may be"
                    + " exhausted (" + held.getOrDefault(name, 0) + " lease(s) held here); check the free addresses"
                    + " at the DHCP server"));
        }
        return out;
    }

    private boolean recent(Instant at) {
        return Duration.between(at, timeline.monotonic().instant()).compareTo(RECENT) < 0;
    }

    /** The last failed acquisition (a warning when recent), or JSON null. */
    private JsonNode lastFailure(ArrayNode warnings) {
        Optional<DaemonMetrics.Failure> failure = metrics.lastAcquisitionFailure();
        if (failure.isEmpty()) {
            return NullNode.getInstance();
        }
        DaemonMetrics.Failure f = failure.get();
        if (recent(f.at())) {
            warnings.add("a lease could not be obtained in the last " + RECENT.toMinutes()
                    + " minutes (see the last acquisition failure)");
        }
        return JSON.createObjectNode().put("at", LeaseListing.rfc3339(timeline.toWall(f.at()))).put("attachment", f.attachment())
                .put("message", f.message());
    }
}
