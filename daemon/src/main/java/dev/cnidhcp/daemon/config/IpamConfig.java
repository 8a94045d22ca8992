package dev.cnidhcp.daemon.config;

import dev.cnidhcp.cni.CniException;
import dev.cnidhcp.cni.ErrorCode;
import dev.cnidhcp.daemon.dhcp.Route;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The keys this daemon reads from a network config's {@code ipam} object. Unknown keys are ignored,
 * as CNI expects.
 *
 * @param routes   static routes appended to every result ({@code ipam.routes})
 * @param priority the route priority for CNI 1.1.0 results ({@code ipam.priority}), or -1
 */
public record IpamConfig(List<Route> routes, int priority) {

    public IpamConfig {
        routes = List.copyOf(routes);
    }

    /** Reads an {@code ipam} object; a malformed known key is code 7 naming the key and value. */
    public static IpamConfig parse(Map<String, Object> ipam) throws CniException {
        List<Route> routes = new ArrayList<>();
        Object raw = ipam.get("routes");
        if (raw != null) {
            if (!(raw instanceof List<?> list)) {
                throw invalid("ipam.routes must be a list, got " + raw);
            }
            for (Object item : list) {
                if (!(item instanceof Map<?, ?> route) || !(route.get("dst") instanceof String dst)) {
                    throw invalid("ipam.routes entry " + item + " has no \"dst\" string");
                }
                Object gw = route.get("gw");
                if (gw != null && !(gw instanceof String)) {
                    throw invalid("ipam.routes entry " + item + ": \"gw\" must be a string");
                }
                try {
                    routes.add(Route.parse(dst, (String) gw));
                } catch (IllegalArgumentException e) {
                    throw invalid("ipam.routes: " + e.getMessage());
                }
            }
        }
        int priority = -1;
        Object p = ipam.get("priority");
        if (p != null) {
            if (!(p instanceof Long n) || n < 0 || n > Integer.MAX_VALUE) {
                throw invalid("ipam.priority must be a non-negative integer, got " + p);
            }
            priority = n.intValue();
        }
        return new IpamConfig(routes, priority);
    }

    private static CniException invalid(String message) {
        return new CniException(ErrorCode.INVALID_NETWORK_CONFIG, message);
    }
}
