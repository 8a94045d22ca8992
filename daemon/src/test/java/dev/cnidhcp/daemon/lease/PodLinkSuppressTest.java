package dev.cnidhcp.daemon.lease;

import dev.cnidhcp.daemon.dhcp.ClientIdentity;
import dev.cnidhcp.daemon.dhcp.ClientOptions;
import dev.cnidhcp.daemon.dhcp.Route;
import dev.cnidhcp.daemon.dhcp.Suppression;
import dev.cnidhcp.daemon.lease.LeaseMachine.State;
import dev.cnidhcp.daemon.testing.FakeClock;
import dev.cnidhcp.daemon.testing.LoopbackLeaseTransport;
import dev.cnidhcp.daemon.testing.ManualScheduler;
import dev.cnidhcp.daemon.testing.ScriptedDhcpServer;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The routes the daemon puts back in the pod after a lost and regained lease follow
 * {@code ipam.suppress} as the ADD's result did: with {@code ["gateway"]} no default route comes back,
 * neither the server's (option 121) nor the config's; the classless and static routes do.
 */
class PodLinkSuppressTest {
    private static final Logger DAEMON_LOG = Logger.getLogger("dev.cnidhcp.daemon");

    static {
        DAEMON_LOG.setLevel(Level.OFF);
    }

    private static final LeaseKey KEY = new LeaseKey("c0ffee", "net2", "net1");
    /** Option 121: 10.200.0.0/16 via 10.1.0.1, 0.0.0.0/0 via 10.1.0.1. */
    private static final byte[] CLASSLESS = {16, 10, (byte) 200, 10, 1, 0, 1, 0, 10, 1, 0, 1};
    private static final List<Route> STATIC = List.of(Route.parse("192.168.0.0/16", "10.1.0.254"),
            Route.parse("0.0.0.0/0", "10.1.0.254"));

    private final FakeClock clock = new FakeClock();
    private final Instant expiry = clock.instant().plusSeconds(60);
    private final ScriptedDhcpServer server = new ScriptedDhcpServer(clock).classlessRoutes(CLASSLESS);
    private final LoopbackLeaseTransport net = new LoopbackLeaseTransport(server, clock);
    private final ManualScheduler scheduler = new ManualScheduler(clock);

    /** Starts a machine, lets its lease run out unanswered, then lets the server answer again. */
    private List<List<Route>> restoredAfterLossAndRegain(Suppression suppress) throws Exception {
        Attachment attachment = new Attachment(KEY, Path.of("/var/run/netns/pod"),
                ClientIdentity.defaultClientId("c0ffee", "net2", "net1"), ClientOptions.defaults(), STATIC, null,
                suppress, true);
        LeaseMachine machine = new LeaseMachine(attachment, net, scheduler, clock, Duration.ofSeconds(10),
                Duration.ofSeconds(62));
        machine.start(clock.instant().plusSeconds(60));
        net.setInterfaceAddress(KEY, ScriptedDhcpServer.POOL_FIRST);
        server.down();
        while (clock.instant().isBefore(expiry)) {
            scheduler.runNext();
        }
        server.up();
        scheduler.runNext(); // expiry: link down, INIT-REBOOT, ACK, link up with its routes
        assertEquals(State.BOUND, machine.state());
        return net.restoredRoutes();
    }

    @Test
    void regainedLeaseWithSuppressedGatewayGetsBackNoDefaultRoute() throws Exception {
        assertEquals(List.of(List.of(Route.parse("10.200.0.0/16", "10.1.0.1"), Route.parse("192.168.0.0/16", "10.1.0.254"))),
                restoredAfterLossAndRegain(Suppression.GATEWAY));
    }

    @Test
    void regainedLeaseWithoutSuppressGetsBackEveryRouteIncludingTheDefaults() throws Exception {
        assertEquals(List.of(List.of(Route.parse("10.200.0.0/16", "10.1.0.1"), Route.parse("0.0.0.0/0", "10.1.0.1"),
                        Route.parse("192.168.0.0/16", "10.1.0.254"), Route.parse("0.0.0.0/0", "10.1.0.254"))),
                restoredAfterLossAndRegain(Suppression.NONE));
    }
}
