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
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Where a renewal or a DHCPRELEASE is framed for: never left to the pod's neighbour table. */
class FrameTargetTest {
    private static final byte[] SERVER_MAC = {2, 0, 0, 0, 0, 7};
    private static final Inet4Address ROUTER = ip("10.95.0.1");

    private static Inet4Address ip(String s) {
        return Route.parseAddress(s, "ip");
    }

    private static Lease lease(String server, Inet4Address gateway) {
        return new Lease(ip("10.95.0.120"), 24, ip(server), gateway, List.of(), List.of(), "", List.of(),
                Duration.ofSeconds(20), Duration.ofSeconds(10), Duration.ofSeconds(17), Instant.EPOCH);
    }

    @Test
    void theMacTheServerLastAnsweredFromIsUsedWithoutAskingAnybody() {
        FrameTarget t = FrameTarget.of(lease("10.95.0.3", ROUTER), SERVER_MAC);
        assertArrayEquals(SERVER_MAC, t.mac());
        assertNull(t.arpFor(), "no ARP: the frame leaves at once");
        assertFalse(t.broadcast());
    }

    @Test
    void anUnknownMacOfAServerOnTheLinkIsAskedByArpForTheServerItself() {
        FrameTarget t = FrameTarget.of(lease("10.95.0.3", ROUTER), null);
        assertNull(t.mac());
        assertEquals(ip("10.95.0.3"), t.arpFor());
        assertFalse(t.broadcast());
    }

    @Test
    void anUnknownMacOfAServerBehindARelayIsAskedByArpForTheRouter() {
        assertEquals(ROUTER, FrameTarget.of(lease("10.50.0.2", ROUTER), null).arpFor());
    }

    @Test
    void anOffLinkServerWithoutARouterGetsTheBroadcastMac() {
        FrameTarget t = FrameTarget.of(lease("10.50.0.2", null), null);
        assertTrue(t.broadcast());
        assertNull(t.mac());
    }

    @Test
    void theKnownMacIsCopiedInAndOut() {
        byte[] mac = SERVER_MAC.clone();
        FrameTarget t = FrameTarget.of(lease("10.95.0.3", null), mac);
        mac[5] = 9;
        t.mac()[5] = 9;
        assertArrayEquals(SERVER_MAC, t.mac());
    }

    @Test
    void aMacThatIsNotSixBytesOrComesWithAnArpTargetIsACallerBug() {
        assertThrows(IllegalArgumentException.class, () -> new FrameTarget(new byte[4], null));
        assertThrows(IllegalArgumentException.class, () -> new FrameTarget(SERVER_MAC, ROUTER));
    }
}
