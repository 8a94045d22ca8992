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
 * last failed acquisition) and any warnings.
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
        out.append("  leases           ").append(leases.get("total"));
        String separator = ": ";
        for (Map.Entry<?, ?> e : map(leases.get("byState")).entrySet()) {
            if (e.getValue() instanceof Long n && n > 0) {
                out.append(separator).append(e.getKey()).append(' ').append(n);
                separator = ", ";
            }
        }
        out.append('\n');
        out.append("  lost             ").append(leases.get("lost")).append(" (in init-reboot: ")
                .append(leases.get("initReboot")).append(")\n");
        out.append("  last failure     ").append(lastFailure(status.get("lastAcquisitionFailure"))).append('\n');
        for (Object warning : list(status.get("warnings"))) {
            out.append("  warning: ").append(warning).append('\n');
        }
        return out.toString();
    }

    private String lastFailure(Object value) {
        if (!(value instanceof Map<?, ?> failure)) {
            return "none";
        }
        String when = String.valueOf(failure.get("at"));
        try {
            Instant at = Instant.parse(when);
            long ago = Math.max(0, Duration.between(at, clock.instant()).toSeconds());
            when = LOCAL.format(at.atZone(zone)) + " (" + ago + " s ago)";
        } catch (DateTimeException e) {
            // shown as the daemon wrote it
        }
        return when + " " + failure.get("attachment") + ": " + failure.get("message");
    }

    private static List<?> list(Object value) {
        return value instanceof List<?> l ? l : List.of();
    }

    private static Map<?, ?> map(Object value) {
        return value instanceof Map<?, ?> m ? m : Map.of();
    }
}
