package dev.cnidhcp.plugin;

import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;

/**
 * {@code dhcp status} for people: the first line says {@code healthy} or {@code unhealthy}, then why
 * (every problem), what was checked (socket, state directory, leases by state, lost leases, the
 * last failed acquisition, each network's leases, no-offer and NAK counts, the servers and their
 * leases) and any warnings. DHCPv6 leases get lines of their own (by state, lost, per network, the
 * servers by DUID) only when there are any, so an IPv4-only node's report is as before. A daemon
 * that sends no {@code networks} or {@code servers} (an older one) gets no such lines.
 */
final class StatusReport {
    private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    private final Clock clock;
    private final ZoneId zone;

    StatusReport(Clock clock, ZoneId zone) {
        this.clock = clock;
        this.zone = zone;
    }

    /** The report of the daemon's status (the JSON object of {@code DAEMON-STATUS}, parsed). */
    String render(Map<?, ?> status) {
        StringBuilder out = new StringBuilder();
        out.append(Boolean.TRUE.equals(status.get("healthy")) ? "healthy" : "unhealthy").append('\n');
        for (Object problem : list(status.get("problems"))) {
            out.append("  problem: ").append(problem).append('\n');
        }
        Map<?, ?> socket = map(status.get("socket"));
        out.append("  socket           ").append(socket.get("path")).append(": ")
                .append(Boolean.TRUE.equals(socket.get("present")) ? "present" : "missing").append('\n');
        Map<?, ?> dir = map(status.get("stateDir"));
        out.append("  state directory  ").append(dir.get("path")).append(": ")
                .append(Boolean.TRUE.equals(dir.get("writable")) ? "writable" : "NOT writable (" + dir.get("error") + ")")
                .append('\n');
        Map<?, ?> leases = map(status.get("leases"));
        out.append("  leases           ").append(leases.get("total")).append(states(leases)).append('\n');
        out.append("  lost             ").append(leases.get("lost")).append(" (in init-reboot: ")
                .append(leases.get("initReboot")).append(")\n");
        Map<?, ?> leases6 = map(status.get("leases6"));
        if (leases6.get("total") instanceof Long total6 && total6 > 0) {
            out.append("  DHCPv6 leases    ").append(total6).append(states(leases6)).append('\n');
            out.append("  DHCPv6 lost      ").append(leases6.get("lost")).append(" (in confirming: ")
                    .append(leases6.get("confirming")).append(")\n");
        }
        out.append("  last failure     ").append(lastFailure(status.get("lastAcquisitionFailure"))).append('\n');
        for (Map.Entry<?, ?> e : map(status.get("networks")).entrySet()) {
            Map<?, ?> network = map(e.getValue());
            out.append("  network ").append(e.getKey()).append(": leases ").append(network.get("leases"));
            if (network.get("leases6") instanceof Long n6 && n6 > 0) {
                out.append(", DHCPv6 leases ").append(n6);
            }
            out.append(", no offer ").append(network.get("noOffer")).append(", naks ").append(network.get("naks"))
                    .append('\n');
            if (network.get("lastFailure") instanceof Map<?, ?> failure) {
                out.append("    last failure   ").append(when(failure.get("at"))).append(": ")
                        .append(failure.get("message")).append('\n');
            }
        }
        if (status.get("servers") instanceof Map<?, ?> servers) {
            out.append("  servers          ");
            if (servers.isEmpty()) {
                out.append("none");
            }
            String comma = "";
            for (Map.Entry<?, ?> e : servers.entrySet()) {
                out.append(comma).append(e.getKey()).append(": ").append(e.getValue()).append(" lease(s)");
                comma = ", ";
            }
            out.append('\n');
        }
        if (status.get("servers6") instanceof Map<?, ?> servers6 && !servers6.isEmpty()) {
            out.append("  DHCPv6 servers   ");
            String comma = "";
            for (Map.Entry<?, ?> e : servers6.entrySet()) {
                out.append(comma).append(e.getKey()).append(": ").append(e.getValue()).append(" lease(s)");
                comma = ", ";
            }
            out.append('\n');
        }
        if (status.get("exclude") instanceof List<?> ranges) {
            out.append("  excluded ranges  ").append(ranges.isEmpty() ? "none (-exclude not given)"
                    : String.join(", ", ranges.stream().map(String::valueOf).toList())).append('\n');
        }
        for (Object warning : list(status.get("warnings"))) {
            out.append("  warning: ").append(warning).append('\n');
        }
        return out.toString();
    }

    /** ": bound 2, renewing 1": the states of a {@code leases} object that hold any lease. */
    private static String states(Map<?, ?> leases) {
        StringBuilder out = new StringBuilder();
        String separator = ": ";
        for (Map.Entry<?, ?> e : map(leases.get("byState")).entrySet()) {
            if (e.getValue() instanceof Long n && n > 0) {
                out.append(separator).append(e.getKey()).append(' ').append(n);
                separator = ", ";
            }
        }
        return out.toString();
    }

    private String lastFailure(Object value) {
        if (!(value instanceof Map<?, ?> failure)) {
            return "none";
        }
        return when(failure.get("at")) + " " + failure.get("attachment") + ": " + failure.get("message");
    }

    /** An RFC 3339 time as local time and how long ago; as the daemon wrote it when it does not parse. */
    private String when(Object value) {
        String when = String.valueOf(value);
        try {
            Instant at = Instant.parse(when);
            long ago = Math.max(0, Duration.between(at, clock.instant()).toSeconds());
            return LOCAL.format(at.atZone(zone)) + " (" + ago + " s ago)";
        } catch (DateTimeException e) {
            return when; // shown as the daemon wrote it
        }
    }

    private static List<?> list(Object value) {
        return value instanceof List<?> l ? l : List.of();
    }

    private static Map<?, ?> map(Object value) {
        return value instanceof Map<?, ?> m ? m : Map.of();
    }
}
