package dev.cnidhcp.daemon.dhcp;

import java.net.Inet4Address;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@code ipam.suppress} keeps out of what a pod is given from its lease. With {@code "gateway"}
 * (the one value, as proposed for the reference plugin in containernetworking/plugins PR 1276) the
 * router of option 3 is left out of the result's {@code ips} and every default route
 * ({@code 0.0.0.0/0}) is dropped from its routes, wherever it came from (option 121, option 3, or
 * {@code ipam.routes}); every other route is kept. The lease itself is kept whole: the daemon still
 * uses its routes to reach the server.
 *
 * @param gateway whether the gateway and default routes are suppressed
 */
public record Suppression(boolean gateway) {
    /** Nothing suppressed: what a config without {@code ipam.suppress} (and an old record) means. */
    public static final Suppression NONE = new Suppression(false);
    /** {@code "suppress": ["gateway"]}. */
    public static final Suppression GATEWAY = new Suppression(true);
    /** The value of {@code ipam.suppress} that suppresses the gateway. */
    public static final String GATEWAY_NAME = "gateway";

    /** The gateway the pod is given: {@code leaseGateway}, or null when suppressed. */
    public Inet4Address gatewayOf(Inet4Address leaseGateway) {
        return gateway ? null : leaseGateway;
    }

    /** The routes the pod is given: {@code routes} in order, without the default routes when suppressed. */
    public List<Route> routesOf(List<Route> routes) {
        if (!gateway) {
            return List.copyOf(routes);
        }
        List<Route> kept = new ArrayList<>(routes.size());
        for (Route r : routes) {
            if (r.prefixLength() != 0) {
                kept.add(r);
            }
        }
        return List.copyOf(kept);
    }

    /** The {@code ipam.suppress} values this stands for, e.g. {@code ["gateway"]} (empty for {@link #NONE}). */
    public List<String> names() {
        return gateway ? List.of(GATEWAY_NAME) : List.of();
    }

    /** The suppression of {@code names} ({@link #names()}'s form); throws naming a value that is unknown. */
    public static Suppression of(List<String> names) {
        boolean gateway = false;
        for (String name : names) {
            if (!GATEWAY_NAME.equals(name)) {
                throw new IllegalArgumentException("suppress: '" + name + "' (expected: \"" + GATEWAY_NAME + "\")");
            }
            gateway = true;
        }
        return gateway ? GATEWAY : NONE;
    }
}
