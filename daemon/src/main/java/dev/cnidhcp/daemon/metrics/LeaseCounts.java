package dev.cnidhcp.daemon.metrics;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The leases held, counted three ways at one scrape: by client state ({@code bound},
 * {@code init-reboot}, ...), by CNI network and by DHCP server (its identifier, option 54). The
 * network and server counts include only leases granted and not lost.
 */
public record LeaseCounts(Map<String, Integer> byState, Map<String, Integer> byNetwork,
                          Map<String, Integer> byServer) {
    public LeaseCounts {
        byState = copy(byState, "byState");
        byNetwork = copy(byNetwork, "byNetwork");
        byServer = copy(byServer, "byServer");
    }

    private static Map<String, Integer> copy(Map<String, Integer> counts, String what) {
        return Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(counts, what)));
    }

    /** Only the counts by state (no network or server counts). */
    public static LeaseCounts byStateOnly(Map<String, Integer> byState) {
        return new LeaseCounts(byState, Map.of(), Map.of());
    }
}
