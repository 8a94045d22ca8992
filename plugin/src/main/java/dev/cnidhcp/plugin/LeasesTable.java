package dev.cnidhcp.plugin;

import java.time.Clock;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code dhcp leases} for people: one row per lease (container, network, interface, family,
 * namespace, address, server, state, expiry in local time and the seconds left), columns as wide as
 * their widest cell. A DHCPv6 lease is a row of its own ({@code ipv6}), after its attachment's IPv4
 * one, its server the server's DUID and its expiry the end of its valid lifetime; a lease without
 * a family (from a daemon older than DHCPv6) is {@code ipv4}.
 */
final class LeasesTable {
    private static final String[] HEADER = {"CONTAINER", "NETWORK", "IFNAME", "FAMILY", "NETNS", "ADDRESS", "SERVER", "STATE",
        "EXPIRES", "REMAINING"};
    private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    private final Clock clock;
    private final ZoneId zone;

    LeasesTable(Clock clock, ZoneId zone) {
        this.clock = clock;
        this.zone = zone;
    }

    /** The table of the daemon's lease list (the JSON array of {@code LEASES}, parsed). */
    String render(List<?> leases) {
        List<String[]> rows = new ArrayList<>();
        rows.add(HEADER);
        Instant now = clock.instant();
        for (Object item : leases) {
            if (item instanceof Map<?, ?> lease) {
                rows.add(row(lease, now));
            }
        }
        int[] widths = new int[HEADER.length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        StringBuilder out = new StringBuilder();
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                line.append(row[i]);
                if (i + 1 < row.length) {
                    line.append(" ".repeat(widths[i] - row[i].length() + 2));
                }
            }
            out.append(line.toString().stripTrailing()).append('\n');
        }
        return out.toString();
    }

    private String[] row(Map<?, ?> lease, Instant now) {
        String state = text(lease, "state");
        if (Boolean.TRUE.equals(lease.get("lost"))) {
            state += " (lost)";
        } else if (!text(lease, "problem").equals("-")) {
            state += " (unusable)";
        }
        String expires = "-";
        String remaining = "-";
        Instant expiry = instant(lease.get("expiresAt"));
        if (expiry != null) {
            expires = LOCAL.format(expiry.atZone(zone));
            long left = expiry.getEpochSecond() - now.getEpochSecond();
            remaining = left > 0 ? left + "s" : "expired";
        }
        String family = lease.get("family") instanceof String f && !f.isEmpty() ? f : "ipv4";
        return new String[] {text(lease, "container"), text(lease, "network"), text(lease, "ifname"), family,
            text(lease, "netns"), text(lease, "address"), text(lease, "server"), state, expires, remaining};
    }

    private static String text(Map<?, ?> lease, String key) {
        Object value = lease.get(key);
        return value instanceof String s && !s.isEmpty() ? s : "-";
    }

    private static Instant instant(Object value) {
        if (!(value instanceof String s)) {
            return null;
        }
        try {
            return Instant.parse(s);
        } catch (DateTimeException e) {
            return null;
        }
    }
}
