package dev.cnidhcp.daemon.config;

import java.util.Map;

/**
 * DHCP option names accepted in {@code ipam.request} and {@code ipam.provide}: the reference plugin's
 * names, a few more of the ISC names for the options this plugin requests, or decimal numbers.
 */
public final class OptionNames {
    private static final Map<String, Integer> NAMES = Map.ofEntries(
            // the reference plugin's names
            Map.entry("dhcp-client-identifier", 61),
            Map.entry("subnet-mask", 1),
            Map.entry("routers", 3),
            Map.entry("host-name", 12),
            Map.entry("user-class", 77),
            Map.entry("vendor-class-identifier", 60),
            // ISC names of the options requested by default
            Map.entry("domain-name-servers", 6),
            Map.entry("domain-name", 15),
            Map.entry("interface-mtu", 26),
            Map.entry("broadcast-address", 28),
            Map.entry("static-routes", 33),
            Map.entry("ntp-servers", 42),
            Map.entry("dhcp-lease-time", 51),
            Map.entry("dhcp-server-identifier", 54),
            Map.entry("dhcp-renewal-time", 58),
            Map.entry("dhcp-rebinding-time", 59),
            Map.entry("domain-search", 119),
            Map.entry("classless-static-routes", 121),
            // provided as a name and encoded (RFC 4702)
            Map.entry("fqdn", 81));

    private OptionNames() {
    }

    /**
     * The option code of a name or decimal number (1..254).
     *
     * @throws IllegalArgumentException naming the value when it is neither
     */
    public static int code(String option) {
        Integer known = NAMES.get(option);
        if (known != null) {
            return known;
        }
        if (!option.isEmpty() && option.length() <= 3 && option.chars().allMatch(c -> c >= '0' && c <= '9')) {
            int n = Integer.parseInt(option);
            if (n >= 1 && n <= 254) {
                return n;
            }
        }
        throw new IllegalArgumentException("unknown DHCP option '" + option
                + "' (expected a decimal code 1..254 or one of " + String.join(", ", new java.util.TreeSet<>(NAMES.keySet()))
                + ")");
    }
}
