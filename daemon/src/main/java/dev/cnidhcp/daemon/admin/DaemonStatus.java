package dev.cnidhcp.daemon.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import java.util.List;
import java.util.Map;
import java.util.Optional;

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
 * "byState":{"bound":N,...},"lost":N,"initReboot":N},"lastAcquisitionFailure":{"at":"...",
 * "attachment":"...","message":"..."},"exclude":["10.96.0.0/12",...]}} ({@code lastAcquisitionFailure}
 * is null when none failed; {@code exclude} lists the daemon's {@code -exclude} ranges, empty when none).
 * Never waits for an exchange.
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
        details.put("time", LeaseListing.rfc3339(timeline.wall().instant()));
        details.set("socket", socket(problems));
        details.set("stateDir", stateDir(problems));
        details.set("leases", leases(warnings));
        details.set("lastAcquisitionFailure", lastFailure(warnings));
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

    /** The last failed acquisition (a warning when recent), or JSON null. */
    private JsonNode lastFailure(ArrayNode warnings) {
        Optional<DaemonMetrics.Failure> failure = metrics.lastAcquisitionFailure();
        if (failure.isEmpty()) {
            return NullNode.getInstance();
        }
        DaemonMetrics.Failure f = failure.get();
        if (Duration.between(f.at(), timeline.monotonic().instant()).compareTo(RECENT) < 0) {
            warnings.add("a lease could not be obtained in the last " + RECENT.toMinutes()
                    + " minutes (see the last acquisition failure)");
        }
        return JSON.createObjectNode().put("at", LeaseListing.rfc3339(timeline.toWall(f.at()))).put("attachment", f.attachment())
                .put("message", f.message());
    }
}
