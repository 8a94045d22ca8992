package dev.cnidhcp.daemon.cni;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cnidhcp.daemon.config.ClientIdTemplate;
import dev.cnidhcp.daemon.config.IpamConfig;
import dev.cnidhcp.daemon.config.Route6;
import dev.cnidhcp.daemon.dhcp.ClientOptions;
import dev.cnidhcp.daemon.dhcp.Exclusions;
import dev.cnidhcp.daemon.dhcp.Lease;
import dev.cnidhcp.daemon.dhcp.Route;
import dev.cnidhcp.daemon.dhcp.Suppression;
import dev.cnidhcp.daemon.dhcp6.Lease6;
import dev.cnidhcp.daemon.testing.Leases6;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ResultRendererDualStackTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final ResultRenderer renderer = new ResultRenderer();

    private static Lease lease4() {
        return new Lease(Route.parseAddress("10.1.0.5", "t"), 24, Route.parseAddress("10.1.0.2", "t"),
                Route.parseAddress("10.1.0.1", "t"), List.of(Route.parse("0.0.0.0/0", "10.1.0.1")),
                List.of(Route.parseAddress("10.1.0.53", "t")), "example.org", List.of("example.org"),
                Duration.ofHours(1), Duration.ofMinutes(30), Duration.ofMinutes(52), Instant.EPOCH);
    }

    private static IpamConfig config(Suppression suppress, List<Route6> routes6, boolean v4) {
        return new IpamConfig(List.of(), -1, ClientOptions.defaults(), suppress, ClientIdTemplate.defaultTemplate(),
                true, Exclusions.NONE, routes6, v4, true);
    }

    private static final IpamConfig DUAL = config(Suppression.NONE, List.of(), true);

    private JsonNode render(Lease lease, Lease6 lease6, IpamConfig config, String version) throws Exception {
        return JSON.readTree(renderer.render(lease, lease6, config, version));
    }

    @Test
    void bothFamiliesAreInOneIpsListIpv4First() throws Exception {
        JsonNode r = render(lease4(), Leases6.lease("fd99::1234", Instant.EPOCH), DUAL, "1.0.0");
        assertEquals(2, r.get("ips").size());
        assertEquals("10.1.0.5/24", r.get("ips").get(0).get("address").asText());
        assertEquals("fd99::1234/64", r.get("ips").get(1).get("address").asText());
        assertEquals("fe80::1", r.get("ips").get(1).get("gateway").asText());
        assertFalse(r.get("ips").get(1).has("version"), "1.0.0 entries carry no version");
    }

    /** The pod's kernel routes by the same Router Advertisement: a main plugin adding ::/0 too fails with EEXIST. */
    @Test
    void theRoutersDefaultRouteIsLeftToTheKernelsRouterAdvertisement() throws Exception {
        JsonNode routes = render(lease4(), Leases6.lease("fd99::1234", Instant.EPOCH), DUAL, "1.0.0").get("routes");
        assertEquals(1, routes.size(), routes.toString());
        assertEquals("0.0.0.0/0", routes.get(0).get("dst").asText());
    }

    @Test
    void versions030To040MarkEachEntryWithItsFamily() throws Exception {
        for (String v : List.of("0.3.0", "0.3.1", "0.4.0")) {
            JsonNode ips = render(lease4(), Leases6.lease("fd99::1234", Instant.EPOCH), DUAL, v).get("ips");
            assertEquals("4", ips.get(0).get("version").asText(), v);
            assertEquals("6", ips.get(1).get("version").asText(), v);
        }
    }

    @Test
    void withoutARouterAdvertisementTheAddressIsA128WithTheConfigRoutesOnly() throws Exception {
        IpamConfig config = config(Suppression.NONE, List.of(Route6.parse("fd10::/16", "fd99::1")), true);
        JsonNode r = render(lease4(), Leases6.bare("fd99::1234", Instant.EPOCH), config, "1.0.0");
        assertEquals("fd99::1234/128", r.get("ips").get(1).get("address").asText());
        assertFalse(r.get("ips").get(1).has("gateway"));
        JsonNode routes = r.get("routes");
        assertEquals(2, routes.size());
        assertEquals("fd10::/16", routes.get(1).get("dst").asText());
        assertEquals("fd99::1", routes.get(1).get("gw").asText());
    }

    @Test
    void suppressedGatewayDropsTheRouterAndEveryIpv6DefaultRoute() throws Exception {
        IpamConfig config = config(Suppression.GATEWAY, List.of(Route6.parse("::/0", "fd99::1"),
                Route6.parse("fd10::/16", null)), true);
        JsonNode r = render(lease4(), Leases6.lease("fd99::1234", Instant.EPOCH), config, "1.0.0");
        assertFalse(r.get("ips").get(1).has("gateway"));
        JsonNode routes = r.get("routes");
        assertEquals(1, routes.size(), routes.toString());
        assertEquals("fd10::/16", routes.get(0).get("dst").asText());
    }

    @Test
    void dnsOfBothLeasesIsMergedWithoutRepeats() throws Exception {
        JsonNode dns = render(lease4(), Leases6.lease("fd99::1234", Instant.EPOCH), DUAL, "1.0.0").get("dns");
        assertEquals(List.of("10.1.0.53", "fd99::53"), JSON.convertValue(dns.get("nameservers"), List.class));
        assertEquals(List.of("example.org", "v6.example.org"), JSON.convertValue(dns.get("search"), List.class));
        assertEquals("example.org", dns.get("domain").asText());
    }

    @Test
    void ipv6OnlyResultHasOneEntry() throws Exception {
        JsonNode r = render(null, Leases6.lease("fd99::1234", Instant.EPOCH),
                config(Suppression.NONE, List.of(), false), "1.1.0");
        assertEquals(1, r.get("ips").size());
        assertEquals("fd99::1234/64", r.get("ips").get(0).get("address").asText());
        assertTrue(r.path("routes").isEmpty(), "the default route is the kernel's, from the RA: " + r);
        assertFalse(r.get("dns").has("domain"));
    }

    @Test
    void version110OnLinkIpv6RouteHasScopeLink() throws Exception {
        IpamConfig config = config(Suppression.NONE, List.of(Route6.parse("fd10::/16", null)), true);
        JsonNode routes = render(lease4(), Leases6.bare("fd99::1234", Instant.EPOCH), config, "1.1.0").get("routes");
        assertEquals(253, routes.get(1).get("scope").asInt());
    }

    @Test
    void anIpv6LeaseInAPre030ResultIsACallerBug() {
        assertThrows(IllegalArgumentException.class,
                () -> renderer.render(lease4(), Leases6.lease("fd99::1234", Instant.EPOCH), DUAL, "0.2.0"));
    }
}
