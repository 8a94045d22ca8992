package dev.cnidhcp.daemon.cni;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cnidhcp.cni.CniVersion;
import dev.cnidhcp.daemon.config.IpamConfig;
import dev.cnidhcp.daemon.config.Route6;
import dev.cnidhcp.daemon.dhcp.Lease;
import dev.cnidhcp.daemon.dhcp.Route;
import dev.cnidhcp.daemon.dhcp6.Lease6;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Renders a lease as the IPAM result of a given CNI version, in the exact shape of the specification:
 * {@code ip4} for 0.1.0/0.2.0, {@code ips} with {@code version} for 0.3.x/0.4.0, without it from 1.0.0.
 * IPAM results carry no interfaces. With {@code ipam.suppress: ["gateway"]} no version carries a
 * gateway or a default route ({@link dev.cnidhcp.daemon.dhcp.Suppression}), for either family. A
 * DHCPv6 lease joins the IPv4 one in {@code ips} from 0.3.0 on.
 */
public final class ResultRenderer {
    /** Route scope "link" of CNI 1.1.0, for routes without a next hop. */
    private static final int SCOPE_LINK = 253;

    private final ObjectMapper mapper = new ObjectMapper();

    /** An IPv4-only result. */
    public String render(Lease lease, IpamConfig config, String cniVersion) {
        return render(lease, null, config, cniVersion);
    }

    /**
     * The result of an attachment's leases: {@code lease} (IPv4, or null for an IPv6-only attachment)
     * and {@code lease6} (or null without DHCPv6), in one {@code ips} list, IPv4 first. The IPv6 entry
     * has the Router Advertisement's prefix length and router as its gateway when one was learnt (else
     * /128 and no gateway); its routes are the IPv6 entries of {@code ipam.routes} only: the default
     * route via that router is the pod's kernel's to take from the same Router Advertisement
     * ({@code accept_ra}, on in a new namespace), and a main plugin that added it too would fail the
     * ADD ("file exists"). Name servers and search domains of both leases are merged, IPv4's first,
     * without repeats. Results of 0.1.0/0.2.0 carry IPv4 only: an IPv6 lease there is a caller bug
     * (the handler refuses such an ADD with error 1 before any lease is taken).
     */
    public String render(Lease lease, Lease6 lease6, IpamConfig config, String cniVersion) {
        if (lease == null && lease6 == null) {
            throw new IllegalArgumentException("lease and lease6: both null (expected: at least one)");
        }
        boolean ips = CniVersion.atLeast(cniVersion, "0.3.0");
        if (!ips && (lease6 != null || lease == null)) {
            throw new IllegalArgumentException("cniVersion: " + cniVersion + " (expected: 0.3.0 or later for an IPv6"
                    + " lease)");
        }
        List<Route> routes = List.of();
        Inet4Address gateway = null;
        if (lease != null) {
            List<Route> all = new ArrayList<>(lease.routes());
            all.addAll(config.routes());
            routes = config.suppress().routesOf(all);
            gateway = config.suppress().gatewayOf(lease.gateway());
        }
        ObjectNode root = mapper.createObjectNode();
        root.put("cniVersion", cniVersion);
        if (ips) {
            ArrayNode ipList = root.putArray("ips");
            boolean versioned = !CniVersion.atLeast(cniVersion, "1.0.0");
            if (lease != null) {
                ObjectNode ip = ipList.addObject();
                if (versioned) {
                    ip.put("version", "4");
                }
                ip.put("address", lease.cidr());
                putAddress(ip, "gateway", gateway);
            }
            Inet6Address router = lease6 == null || config.suppress().gateway() ? null : lease6.router();
            if (lease6 != null) {
                ObjectNode ip = ipList.addObject();
                if (versioned) {
                    ip.put("version", "6");
                }
                ip.put("address", Route6.text(lease6.address()) + "/" + lease6.prefixLength());
                if (router != null) {
                    ip.put("gateway", Route6.text(router));
                }
            }
            ArrayNode array = root.putArray("routes");
            boolean v110 = CniVersion.atLeast(cniVersion, "1.1.0");
            for (Route r : routes) {
                finish(routeNode(array, r), r.gateway() == null, v110, config);
            }
            if (lease6 != null) {
                for (Route6 r : routes6(config)) {
                    ObjectNode route = array.addObject();
                    route.put("dst", r.cidr());
                    if (r.gateway() != null) {
                        route.put("gw", Route6.text(r.gateway()));
                    }
                    finish(route, r.gateway() == null, v110, config);
                }
            }
        } else {
            ObjectNode ip4 = root.putObject("ip4");
            ip4.put("ip", lease.cidr());
            putAddress(ip4, "gateway", gateway);
            ArrayNode array = ip4.putArray("routes");
            routes.forEach(r -> routeNode(array, r));
        }
        putDns(root.putObject("dns"), lease, lease6);
        return root.toString();
    }

    /** The IPv6 routes: the config's (no default one when suppressed); the RA's router is the kernel's to route by. */
    private static List<Route6> routes6(IpamConfig config) {
        List<Route6> out = new ArrayList<>();
        for (Route6 r : config.routes6()) {
            if (!(config.suppress().gateway() && r.prefixLength() == 0)) {
                out.add(r);
            }
        }
        return out;
    }

    /** The CNI 1.1.0 fields of a route: scope link without a next hop, and the config's priority. */
    private static void finish(ObjectNode route, boolean onLink, boolean v110, IpamConfig config) {
        if (v110) {
            if (onLink) {
                route.put("scope", SCOPE_LINK);
            }
            if (config.priority() >= 0) {
                route.put("priority", config.priority());
            }
        }
    }

    private static void putDns(ObjectNode dns, Lease lease, Lease6 lease6) {
        Set<String> servers = new LinkedHashSet<>();
        Set<String> search = new LinkedHashSet<>();
        String domain = "";
        if (lease != null) {
            lease.dnsServers().forEach(s -> servers.add(s.getHostAddress()));
            search.addAll(lease.searchDomains());
            domain = lease.domain();
        }
        if (lease6 != null) {
            lease6.dnsServers().forEach(s -> servers.add(Route6.text(s)));
            search.addAll(lease6.searchDomains());
        }
        if (!servers.isEmpty()) {
            ArrayNode array = dns.putArray("nameservers");
            servers.forEach(array::add);
        }
        if (!domain.isEmpty()) {
            dns.put("domain", domain);
        }
        if (!search.isEmpty()) {
            ArrayNode array = dns.putArray("search");
            search.forEach(array::add);
        }
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
