package dev.cnidhcp.daemon.doctor;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cnidhcp.daemon.config.Route6;
import dev.cnidhcp.daemon.dhcp6.Dhcp6Options;

import java.net.Inet6Address;
import java.util.ArrayList;
import java.util.List;

/**
 * One DHCPv6 lease of the daemon's {@code LEASES} answer (an entry with {@code "family":"ipv6"}), as
 * the checks need it.
 *
 * @param address the leased address, or null before the first REPLY
 * @param prefix  its prefix length (0 when there is no address)
 */
record HeldLease6(String container, String network, String ifname, String netns, String state, boolean lost,
                  String problem, Inet6Address address, int prefix) {

    /** How log lines and {@code dhcp leases} name the attachment. */
    String label() {
        return "container=" + container + " ifname=" + ifname + " network=" + network;
    }

    /** The address with its prefix length, {@code fd99::10/64}; "" without an address. */
    String cidr() {
        return address == null ? "" : Dhcp6Options.text(address) + "/" + prefix;
    }

    /** The DHCPv6 entries of a {@code LEASES} array; throws {@link IllegalArgumentException} naming what does not fit. */
    static List<HeldLease6> fromJson(JsonNode array) {
        if (!array.isArray()) {
            throw new IllegalArgumentException("the lease list is not a JSON array");
        }
        List<HeldLease6> out = new ArrayList<>();
        for (JsonNode l : array) {
            if (!isV6(l)) {
                continue;
            }
            Inet6Address address = null;
            int prefix = 0;
            String cidr = l.path("address").asText("");
            if (!cidr.isEmpty()) {
                int slash = cidr.indexOf('/');
                address = Route6.parseAddress(slash < 0 ? cidr : cidr.substring(0, slash), "DHCPv6 lease address");
                prefix = slash < 0 ? 128 : prefixLength(cidr.substring(slash + 1), cidr);
            }
            out.add(new HeldLease6(l.path("container").asText(""), l.path("network").asText(""),
                    l.path("ifname").asText(""), l.path("netns").asText(""), l.path("state").asText(""),
                    l.path("lost").asBoolean(false), l.path("problem").asText(""), address, prefix));
        }
        return out;
    }

    /** Whether a {@code LEASES} entry is a DHCPv6 lease (entries without a family are IPv4). */
    static boolean isV6(JsonNode lease) {
        return lease.path("family").asText("ipv4").equals("ipv6");
    }

    private static int prefixLength(String text, String cidr) {
        try {
            int length = Integer.parseInt(text);
            if (length >= 1 && length <= 128) {
                return length;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new IllegalArgumentException("DHCPv6 lease address '" + cidr + "' (expected: address/len)");
    }
}
