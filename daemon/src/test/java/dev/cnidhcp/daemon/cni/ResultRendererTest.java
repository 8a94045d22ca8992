package dev.cnidhcp.daemon.cni;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cnidhcp.daemon.config.ClientIdTemplate;
import dev.cnidhcp.daemon.config.IpamConfig;
import dev.cnidhcp.daemon.dhcp.ClientOptions;
import dev.cnidhcp.daemon.dhcp.Lease;
import dev.cnidhcp.daemon.dhcp.Route;
import dev.cnidhcp.daemon.dhcp.Suppression;
import dev.cnidhcp.cni.CniVersion;
import org.junit.jupiter.api.Test;

import java.net.Inet4Address;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ResultRendererTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final IpamConfig NO_CONFIG = new IpamConfig(List.of(), -1, ClientOptions.defaults());

    private final ResultRenderer renderer = new ResultRenderer();

    private static Inet4Address ip(String text) {
        return Route.parseAddress(text, "test");
    }

    /** 10.1.0.5/24 via 10.1.0.1, a default route and an on-link route, full DNS. */
    private static Lease lease() {
        return lease(List.of(Route.parse("0.0.0.0/0", "10.1.0.1"), Route.parse("10.9.0.0/16", null)));
    }

    private static Lease lease(List<Route> routes) {
        return new Lease(ip("10.1.0.5"), 24, ip("10.1.0.2"), ip("10.1.0.1"), routes,
                List.of(ip("10.1.0.53"), ip("8.8.8.8")), "example.org", List.of("eng.example.org", "example.org"),
                Duration.ofHours(1), Duration.ofMinutes(30), Duration.ofMinutes(52), Instant.EPOCH);
    }

    private static Lease bareLease() {
        return new Lease(ip("10.1.0.5"), 24, ip("10.1.0.2"), null, List.of(), List.of(), "", List.of(),
                Duration.ofHours(1), Duration.ofMinutes(30), Duration.ofMinutes(52), Instant.EPOCH);
    }

    private JsonNode render(Lease lease, IpamConfig config, String version) throws Exception {
        return JSON.readTree(renderer.render(lease, config, version));
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        return names;
    }

    private static void assertDns(JsonNode dns) {
        assertEquals("10.1.0.53", dns.get("nameservers").get(0).asText());
        assertEquals("8.8.8.8", dns.get("nameservers").get(1).asText());
        assertEquals(2, dns.get("nameservers").size());
        assertEquals("example.org", dns.get("domain").asText());
        assertEquals("eng.example.org", dns.get("search").get(0).asText());
        assertEquals("example.org", dns.get("search").get(1).asText());
    }

    // --- 0.1.0 and 0.2.0: ip4 ---

    @Test
    void zeroOneZeroAndZeroTwoZeroUseTheIp4Object() throws Exception {
        for (String version : List.of("0.1.0", "0.2.0")) {
            JsonNode root = render(lease(), NO_CONFIG, version);
            assertEquals(List.of("cniVersion", "ip4", "dns"), fieldNames(root), version);
            assertEquals(version, root.get("cniVersion").asText());
            JsonNode ip4 = root.get("ip4");
            assertEquals("10.1.0.5/24", ip4.get("ip").asText());
            assertEquals("10.1.0.1", ip4.get("gateway").asText());
            JsonNode routes = ip4.get("routes");
            assertEquals(2, routes.size());
            assertEquals("0.0.0.0/0", routes.get(0).get("dst").asText());
            assertEquals("10.1.0.1", routes.get(0).get("gw").asText());
            assertEquals("10.9.0.0/16", routes.get(1).get("dst").asText());
            assertFalse(routes.get(1).has("gw"));
            assertFalse(routes.get(1).has("scope"));
            assertDns(root.get("dns"));
        }
    }

    @Test
    void zeroTwoZeroAppendsStaticRoutesAfterDhcpRoutes() throws Exception {
        IpamConfig config = new IpamConfig(List.of(Route.parse("192.168.0.0/16", "10.1.0.254")), 7, ClientOptions.defaults());
        JsonNode routes = render(lease(), config, "0.2.0").get("ip4").get("routes");
        assertEquals(3, routes.size());
        assertEquals("192.168.0.0/16", routes.get(2).get("dst").asText());
        assertEquals("10.1.0.254", routes.get(2).get("gw").asText());
        assertFalse(routes.get(2).has("priority"));
    }

    // --- 0.3.x and 0.4.0: ips with version ---

    @Test
    void zeroThreeToZeroFourUseIpsWithVersionFourAndTopLevelRoutes() throws Exception {
        for (String version : List.of("0.3.0", "0.3.1", "0.4.0")) {
            JsonNode root = render(lease(), NO_CONFIG, version);
            assertEquals(List.of("cniVersion", "ips", "routes", "dns"), fieldNames(root), version);
            assertEquals(version, root.get("cniVersion").asText());
            assertFalse(root.has("interfaces"));
            assertFalse(root.has("ip4"));
            JsonNode ips = root.get("ips");
            assertEquals(1, ips.size());
            JsonNode ip = ips.get(0);
            assertEquals("4", ip.get("version").asText());
            assertTrue(ip.get("version").isTextual());
            assertEquals("10.1.0.5/24", ip.get("address").asText());
            assertEquals("10.1.0.1", ip.get("gateway").asText());
            assertFalse(ip.has("interface"));
            JsonNode routes = root.get("routes");
            assertEquals(2, routes.size());
            assertEquals("0.0.0.0/0", routes.get(0).get("dst").asText());
            assertEquals("10.1.0.1", routes.get(0).get("gw").asText());
            assertEquals("10.9.0.0/16", routes.get(1).get("dst").asText());
            assertFalse(routes.get(1).has("gw"));
            assertFalse(routes.get(1).has("scope"));
            assertDns(root.get("dns"));
        }
    }

    // --- 1.0.0 and 1.1.0 ---

    @Test
    void oneZeroZeroHasNoVersionKey() throws Exception {
        JsonNode root = render(lease(), NO_CONFIG, "1.0.0");
        assertEquals("1.0.0", root.get("cniVersion").asText());
        JsonNode ip = root.get("ips").get(0);
        assertEquals(List.of("address", "gateway"), fieldNames(ip));
        assertFalse(root.has("interfaces"));
        JsonNode onLink = root.get("routes").get(1);
        assertEquals(List.of("dst"), fieldNames(onLink));
        assertDns(root.get("dns"));
    }

    @Test
    void oneZeroZeroIgnoresPriority() throws Exception {
        JsonNode routes = render(lease(), new IpamConfig(List.of(), 100, ClientOptions.defaults()), "1.0.0").get("routes");
        routes.forEach(r -> assertFalse(r.has("priority")));
    }

    @Test
    void oneOneZeroGivesOnLinkRoutesScopeLink() throws Exception {
        JsonNode root = render(lease(), NO_CONFIG, "1.1.0");
        assertEquals("1.1.0", root.get("cniVersion").asText());
        assertFalse(root.get("ips").get(0).has("version"));
        JsonNode routes = root.get("routes");
        assertFalse(routes.get(0).has("scope"));
        assertEquals(253, routes.get(1).get("scope").asInt());
        routes.forEach(r -> assertFalse(r.has("priority")));
    }

    @Test
    void oneOneZeroGivesEveryRouteTheIpamPriority() throws Exception {
        IpamConfig config = new IpamConfig(List.of(Route.parse("192.168.0.0/16", null)), 100, ClientOptions.defaults());
        JsonNode routes = render(lease(), config, "1.1.0").get("routes");
        assertEquals(3, routes.size());
        routes.forEach(r -> assertEquals(100, r.get("priority").asInt()));
    }

    @Test
    void priorityZeroIsRendered() throws Exception {
        JsonNode routes = render(lease(), new IpamConfig(List.of(), 0, ClientOptions.defaults()), "1.1.0").get("routes");
        routes.forEach(r -> assertEquals(0, r.get("priority").asInt()));
    }

    @Test
    void staticIpamRoutesAreAppendedAfterDhcpRoutes() throws Exception {
        IpamConfig config = new IpamConfig(List.of(Route.parse("192.168.0.0/16", "10.1.0.254"),
                Route.parse("172.16.0.0/12", null)), -1, ClientOptions.defaults());
        JsonNode routes = render(lease(), config, "1.1.0").get("routes");
        List<String> dsts = new ArrayList<>();
        routes.forEach(r -> dsts.add(r.get("dst").asText()));
        assertEquals(List.of("0.0.0.0/0", "10.9.0.0/16", "192.168.0.0/16", "172.16.0.0/12"), dsts);
        assertEquals("10.1.0.254", routes.get(2).get("gw").asText());
        assertEquals(253, routes.get(3).get("scope").asInt());
    }

    // --- absent fields ---

    @Test
    void leaseWithoutGatewayRoutesOrDnsRendersEmptyRoutesAndEmptyDns() throws Exception {
        JsonNode root = render(bareLease(), NO_CONFIG, "1.0.0");
        assertFalse(root.get("ips").get(0).has("gateway"));
        assertEquals(0, root.get("routes").size());
        assertEquals(0, root.get("dns").size());

        JsonNode old = render(bareLease(), NO_CONFIG, "0.2.0");
        assertFalse(old.get("ip4").has("gateway"));
        assertEquals(0, old.get("ip4").get("routes").size());
    }

    @Test
    void cniVersionIsEchoedForEveryVersion() throws Exception {
        for (String version : List.of("0.1.0", "0.2.0", "0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0")) {
            assertEquals(version, render(lease(), NO_CONFIG, version).get("cniVersion").asText());
        }
    }

    // --- ipam.suppress: ["gateway"] ---

    /** A default and a non-default static route in the config, on top of the lease's default and on-link routes. */
    private static IpamConfig staticRoutes(Suppression suppress) {
        return new IpamConfig(List.of(Route.parse("192.168.0.0/16", "10.1.0.254"), Route.parse("0.0.0.0/0", "10.1.0.254")),
                -1, ClientOptions.defaults(), suppress, ClientIdTemplate.defaultTemplate(), true);
    }

    private static List<String> routesOf(JsonNode routes) {
        List<String> out = new ArrayList<>();
        routes.forEach(r -> out.add(r.get("dst").asText() + (r.has("gw") ? " via " + r.get("gw").asText() : "")));
        return out;
    }

    @Test
    void suppressedGatewayLeavesNoGatewayAndNoDefaultRouteInEveryVersion() throws Exception {
        for (String version : CniVersion.SUPPORTED) {
            JsonNode root = render(lease(), staticRoutes(Suppression.GATEWAY), version);
            boolean old = !CniVersion.atLeast(version, "0.3.0");
            JsonNode ip = old ? root.get("ip4") : root.get("ips").get(0);
            assertEquals("10.1.0.5/24", ip.get(old ? "ip" : "address").asText(), version);
            assertFalse(ip.has("gateway"), version + ": " + root);
            JsonNode routes = old ? root.get("ip4").get("routes") : root.get("routes");
            assertEquals(List.of("10.9.0.0/16", "192.168.0.0/16 via 10.1.0.254"), routesOf(routes), version);
            assertDns(root.get("dns"));
        }
    }

    @Test
    void withoutSuppressTheGatewayAndEveryDefaultRouteStay() throws Exception {
        for (String version : CniVersion.SUPPORTED) {
            JsonNode root = render(lease(), staticRoutes(Suppression.NONE), version);
            boolean old = !CniVersion.atLeast(version, "0.3.0");
            JsonNode ip = old ? root.get("ip4") : root.get("ips").get(0);
            assertEquals("10.1.0.1", ip.get("gateway").asText(), version);
            assertEquals(List.of("0.0.0.0/0 via 10.1.0.1", "10.9.0.0/16", "192.168.0.0/16 via 10.1.0.254",
                    "0.0.0.0/0 via 10.1.0.254"), routesOf(old ? ip.get("routes") : root.get("routes")), version);
        }
    }

    @Test
    void suppressedGatewayKeepsClasslessRoutesWithTheirNextHopsAndScope() throws Exception {
        Lease classless = lease(List.of(Route.parse("10.200.0.0/16", "10.1.0.1"), Route.parse("0.0.0.0/0", "10.1.0.1"),
                Route.parse("10.201.0.0/16", null)));
        IpamConfig config = new IpamConfig(List.of(), 5, ClientOptions.defaults(), Suppression.GATEWAY,
                ClientIdTemplate.defaultTemplate(), true);
        JsonNode routes = render(classless, config, "1.1.0").get("routes");
        assertEquals(List.of("10.200.0.0/16 via 10.1.0.1", "10.201.0.0/16"), routesOf(routes));
        assertFalse(routes.get(0).has("scope"));
        assertEquals(253, routes.get(1).get("scope").asInt());
        routes.forEach(r -> assertEquals(5, r.get("priority").asInt()));
    }
}
