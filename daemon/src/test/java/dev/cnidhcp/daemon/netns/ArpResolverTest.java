package dev.cnidhcp.daemon.netns;

import dev.cnidhcp.daemon.dhcp.Lease;
import dev.cnidhcp.daemon.dhcp.Route;
import org.junit.jupiter.api.Test;

import java.net.Inet4Address;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Which neighbour a renewal with an unknown server MAC asks for by ARP, and the request it sends. */
class ArpResolverTest {
    private static final byte[] OWN = {2, 0, 0, 0, 0, 1};
    private static final Inet4Address LEASED = ip("10.99.0.150");
    private static final Inet4Address ROUTER = ip("10.99.0.1");

    private static Inet4Address ip(String s) {
        return Route.parseAddress(s, "ip");
    }

    private static Lease lease(int prefixLength, String server, Inet4Address gateway, List<Route> routes) {
        return new Lease(LEASED, prefixLength, ip(server), gateway, routes, List.of(), "", List.of(),
                Duration.ofHours(1), Duration.ofMinutes(30), Duration.ofMinutes(50), Instant.EPOCH);
    }

    @Test
    void aServerOnTheLeasedSubnetIsAskedForItself() {
        assertEquals(ip("10.99.0.2"), ArpResolver.nextHop(lease(24, "10.99.0.2", ROUTER,
                List.of(Route.parse("0.0.0.0/0", "10.99.0.1")))));
        assertEquals(ip("10.99.3.2"), ArpResolver.nextHop(lease(16, "10.99.3.2", null, List.of())));
    }

    @Test
    void aServerOffTheSubnetIsReachedThroughTheRouter() {
        Route viaRouter = Route.parse("0.0.0.0/0", "10.99.0.1");
        assertEquals(ROUTER, ArpResolver.nextHop(lease(24, "10.50.0.2", ROUTER, List.of(viaRouter))));
        assertEquals(ROUTER, ArpResolver.nextHop(lease(24, "10.50.0.2", ROUTER, List.of())), "option 3 alone");
        assertEquals(ROUTER, ArpResolver.nextHop(lease(32, "10.99.0.2", ROUTER, List.of())), "a /32 has no neighbours");
    }

    @Test
    void theMostSpecificRouteToTheServerChoosesTheRouterAsTheKernelWould() {
        List<Route> classless = List.of(Route.parse("0.0.0.0/0", "10.99.0.1"), Route.parse("10.50.0.0/16", "10.99.0.3"),
                Route.parse("10.50.7.0/24", null));
        assertEquals(ip("10.99.0.3"), ArpResolver.nextHop(lease(24, "10.50.0.2", ROUTER, classless)));
        assertEquals(ip("10.50.7.9"), ArpResolver.nextHop(lease(24, "10.50.7.9", ROUTER, classless)),
                "a route on the link: the server itself");
        assertEquals(ROUTER, ArpResolver.nextHop(lease(24, "172.16.0.1", ip("10.99.0.4"), classless)),
                "option 121's default route, not option 3");
    }

    @Test
    void anOffLinkServerWithoutRouterOrRouteHasNoNextHop() {
        assertNull(ArpResolver.nextHop(lease(24, "10.50.0.2", null, List.of())));
        assertNull(ArpResolver.nextHop(lease(24, "10.50.0.2", null, List.of(Route.parse("192.168.0.0/16", "10.99.0.1")))));
    }

    @Test
    void theRequestComesFromTheLeasedAddressWhenTheInterfaceCarriesIt() {
        byte[] expected = {
            0, 1, 8, 0, 6, 4, 0, 1,                 // Ethernet, IPv4, 6, 4, request
            2, 0, 0, 0, 0, 1, 10, 99, 0, (byte) 150, // sender: our MAC, the leased address
            0, 0, 0, 0, 0, 0, 10, 99, 0, 1,          // target: no MAC, the router
        };
        assertArrayEquals(expected, ArpResolver.request(OWN, LEASED, true, ROUTER));
    }

    @Test
    void theRequestIsAProbeFromNoAddressWhenTheInterfaceLacksTheLeasedOne() {
        byte[] expected = {
            0, 1, 8, 0, 6, 4, 0, 1,
            2, 0, 0, 0, 0, 1, 0, 0, 0, 0,            // sender: our MAC, 0.0.0.0 (RFC 5227 probe)
            0, 0, 0, 0, 0, 0, 10, 99, 0, 1,
        };
        assertArrayEquals(expected, ArpResolver.request(OWN, LEASED, false, ROUTER));
    }
}
