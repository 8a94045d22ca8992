package dev.cnidhcp.daemon.admin;

import dev.cnidhcp.daemon.dhcp6.Duids;
import dev.cnidhcp.daemon.lease.Lease6Machine;
import dev.cnidhcp.daemon.lease.Lease6View;

import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The DHCPv6 leases of one snapshot ({@code LeaseManager.views6()}) counted as {@code DAEMON-STATUS}
 * and the metrics show them: by state (every state present, 0 included), lost, and, for the leases
 * granted and not lost, by CNI network and by server (its DUID, colon hex as {@link Duids#text}).
 * A value: made once per request or scrape, read by the thread that made it.
 */
public record Lease6Tally(Map<Lease6Machine.State, Integer> byState, int lost, Map<String, Integer> byNetwork,
                          Map<String, Integer> byServer) {
    public Lease6Tally {
        Map<Lease6Machine.State, Integer> states = new EnumMap<>(Lease6Machine.State.class);
        states.putAll(byState);
        byState = Collections.unmodifiableMap(states);
        byNetwork = Collections.unmodifiableMap(new TreeMap<>(byNetwork));
        byServer = Collections.unmodifiableMap(new TreeMap<>(byServer));
        if (lost < 0) {
            throw new IllegalArgumentException("lost: " + lost + " (expected: not negative)");
        }
    }

    /** Counts {@code views}. */
    public static Lease6Tally of(List<Lease6View> views) {
        Map<Lease6Machine.State, Integer> states = new EnumMap<>(Lease6Machine.State.class);
        for (Lease6Machine.State s : Lease6Machine.State.values()) {
            states.put(s, 0);
        }
        int lost = 0;
        Map<String, Integer> networks = new TreeMap<>();
        Map<String, Integer> servers = new TreeMap<>();
        for (Lease6View view : views) {
            states.merge(view.state(), 1, Integer::sum);
            if (view.lost()) {
                lost++;
            }
            if (view.binding() != null && !view.lost()) {
                networks.merge(view.attachment().key().networkName(), 1, Integer::sum);
                servers.merge(Duids.text(view.binding().lease().serverDuid()), 1, Integer::sum);
            }
        }
        return new Lease6Tally(states, lost, networks, servers);
    }

    /** Every lease counted, whatever its state. */
    public int total() {
        int total = 0;
        for (int n : byState.values()) {
            total += n;
        }
        return total;
    }

    /** {@link #byState} by label ({@code bound}, {@code confirming}, ...), in the states' order. */
    public Map<String, Integer> byStateLabel() {
        Map<String, Integer> out = new LinkedHashMap<>();
        byState.forEach((state, n) -> out.put(state.label(), n));
        return out;
    }
}
