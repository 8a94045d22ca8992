package dev.cnidhcp.daemon.doctor;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cnidhcp.daemon.dhcp.Cidr;
import dev.cnidhcp.daemon.dhcp.Route;

import java.net.Inet4Address;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * One lease of the daemon's {@code LEASES} answer ({@code dhcp leases --json}), as the checks need it.
 *
 * @param address  the leased address, or null before the first ACK
 * @param prefix   its prefix length (0 when there is no address)
 * @param gateway  the lease's router, or null
 * @param acquired when the server last granted it (ACK), or null
 * @param routes   the routes the pod was given, or null when the daemon does not report them
 * @param suppress the config's {@code ipam.suppress} values
 */
record HeldLease(String container, String network, String ifname, String netns, String state, boolean lost,
                 String problem, Inet4Address address, int prefix, Inet4Address gateway, Instant acquired,
                 List<Route> routes, List<String> suppress) {
    HeldLease {
        routes = routes == null ? null : List.copyOf(routes);
        suppress = List.copyOf(suppress);
    }

    /** How log lines and {@code dhcp leases} name the attachment. */
    String label() {
        return "container=" + container + " ifname=" + ifname + " network=" + network;
    }

    /** The leased subnet (address and mask), or null without an address. */
    Cidr subnet() {
        return address == null ? null : Cidr.containing(address, prefix);
    }

    /**
     * Reads the IPv4 entries of a {@code LEASES} array (DHCPv6 ones are {@link HeldLease6}'s); throws
     * {@link IllegalArgumentException} naming what does not fit.
     */
    static List<HeldLease> fromJson(JsonNode array) {
        if (!array.isArray()) {
            throw new IllegalArgumentException("the lease list is not a JSON array");
        }
        List<HeldLease> out = new ArrayList<>();
        for (JsonNode l : array) {
            if (HeldLease6.isV6(l)) {
                continue;
            }
            Inet4Address address = null;
            int prefix = 0;
            String cidr = l.path("address").asText("");
            if (!cidr.isEmpty()) {
                int slash = cidr.indexOf('/');
                address = Route.parseAddress(slash < 0 ? cidr : cidr.substring(0, slash), "lease address");
                prefix = slash < 0 ? 32 : prefixLength(cidr.substring(slash + 1), cidr);
            }
            String gw = l.path("gateway").asText("");
            List<Route> routes = null;
            if (l.get("routes") != null && l.get("routes").isArray()) {
                routes = new ArrayList<>();
                for (JsonNode r : l.get("routes")) {
                    routes.add(Route.parse(r.path("dst").asText(""), r.path("gw").asText("")));
                }
            }
            List<String> suppress = new ArrayList<>();
            l.path("suppress").forEach(s -> suppress.add(s.asText()));
            out.add(new HeldLease(l.path("container").asText(""), l.path("network").asText(""),
                    l.path("ifname").asText(""), l.path("netns").asText(""), l.path("state").asText(""),
                    l.path("lost").asBoolean(false), l.path("problem").asText(""), address, prefix,
                    gw.isEmpty() ? null : Route.parseAddress(gw, "lease gateway"), instant(l.path("acquired").asText("")),
                    routes, suppress));
        }
        return out;
    }

    /** An RFC 3339 time, or null when absent or unreadable. */
    static Instant instant(String text) {
        if (text == null || text.isEmpty()) {
            return null;
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static int prefixLength(String text, String cidr) {
        try {
            int length = Integer.parseInt(text);
            if (length >= 0 && length <= 32) {
                return length;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new IllegalArgumentException("lease address '" + cidr + "' (expected: a.b.c.d/len)");
    }
}
