package dev.cnidhcp.daemon.cni;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cnidhcp.cni.CniVersion;
import dev.cnidhcp.daemon.config.IpamConfig;
import dev.cnidhcp.daemon.dhcp.Lease;
import dev.cnidhcp.daemon.dhcp.Route;

import java.net.Inet4Address;
import java.util.ArrayList;
import java.util.List;

/**
 * Renders a lease as the IPAM result of a given CNI version, in the exact shape of the specification:
 * {@code ip4} for 0.1.0/0.2.0, {@code ips} with {@code version} for 0.3.x/0.4.0, without it from 1.0.0.
 * IPAM results carry no interfaces. With {@code ipam.suppress: ["gateway"]} no version carries a
 * gateway or a default route ({@link dev.cnidhcp.daemon.dhcp.Suppression}).
 */
public final class ResultRenderer {
    /** Route scope "link" of CNI 1.1.0, for routes without a next hop. */
    private static final int SCOPE_LINK = 253;

    private final ObjectMapper mapper = new ObjectMapper();

    public String render(Lease lease, IpamConfig config, String cniVersion) {
        List<Route> all = new ArrayList<>(lease.routes());
        all.addAll(config.routes());
        List<Route> routes = config.suppress().routesOf(all);
        Inet4Address gateway = config.suppress().gatewayOf(lease.gateway());
        ObjectNode root = mapper.createObjectNode();
        root.put("cniVersion", cniVersion);
        if (CniVersion.atLeast(cniVersion, "0.3.0")) {
            ObjectNode ip = root.putArray("ips").addObject();
            if (!CniVersion.atLeast(cniVersion, "1.0.0")) {
                ip.put("version", "4");
            }
            ip.put("address", lease.cidr());
            putAddress(ip, "gateway", gateway);
            ArrayNode array = root.putArray("routes");
            boolean v110 = CniVersion.atLeast(cniVersion, "1.1.0");
            for (Route r : routes) {
                ObjectNode route = routeNode(array, r);
                if (v110) {
                    if (r.gateway() == null) {
                        route.put("scope", SCOPE_LINK);
                    }
                    if (config.priority() >= 0) {
                        route.put("priority", config.priority());
                    }
                }
            }
        } else {
            ObjectNode ip4 = root.putObject("ip4");
            ip4.put("ip", lease.cidr());
            putAddress(ip4, "gateway", gateway);
            ArrayNode array = ip4.putArray("routes");
            routes.forEach(r -> routeNode(array, r));
        }
        ObjectNode dns = root.putObject("dns");
        if (!lease.dnsServers().isEmpty()) {
            ArrayNode servers = dns.putArray("nameservers");
            lease.dnsServers().forEach(s -> servers.add(s.getHostAddress()));
        }
        if (!lease.domain().isEmpty()) {
            dns.put("domain", lease.domain());
        }
        if (!lease.searchDomains().isEmpty()) {
            ArrayNode search = dns.putArray("search");
            lease.searchDomains().forEach(search::add);
        }
        return root.toString();
    }

    private static ObjectNode routeNode(ArrayNode array, Route r) {
        ObjectNode route = array.addObject();
        route.put("dst", r.cidr());
        putAddress(route, "gw", r.gateway());
        return route;
    }

    private static void putAddress(ObjectNode node, String field, Inet4Address address) {
        if (address != null) {
            node.put(field, address.getHostAddress());
        }
    }
}
