package dev.cnidhcp.daemon.metrics;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The leases held, counted three ways at one scrape: by client state ({@code bound},
 * {@code init-reboot}, ...), by CNI network and by DHCP server (its identifier, option 54). The
 * network and server counts include only leases granted and not lost. The same three for the
 * DHCPv6 leases ({@code byState6}: {@code bound}, {@code confirming}, ...; {@code byServer6} by the
 * server's DUID), empty on a node without any.
 */
public record LeaseCounts(Map<String, Integer> byState, Map<String, Integer> byNetwork,
                          Map<String, Integer> byServer, Map<String, Integer> byState6,
                          Map<String, Integer> byNetwork6, Map<String, Integer> byServer6) {
    public LeaseCounts {
        byState = copy(byState, "byState");
        byNetwork = copy(byNetwork, "byNetwork");
        byServer = copy(byServer, "byServer");
        byState6 = copy(byState6, "byState6");
        byNetwork6 = copy(byNetwork6, "byNetwork6");
        byServer6 = copy(byServer6, "byServer6");
    }

    /** IPv4 leases only (no DHCPv6 counts). */
    public LeaseCounts(Map<String, Integer> byState, Map<String, Integer> byNetwork, Map<String, Integer> byServer) {
        this(byState, byNetwork, byServer, Map.of(), Map.of(), Map.of());
    }

    private static Map<String, Integer> copy(Map<String, Integer> counts, String what) {
        return Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(counts, what)));
    }

    /** Only the counts by state (no network or server counts). */
    public static LeaseCounts byStateOnly(Map<String, Integer> byState) {
        return new LeaseCounts(byState, Map.of(), Map.of());
    }
}
