package dev.cnidhcp.daemon.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cnidhcp.daemon.dhcp.ClientIdentity;
import dev.cnidhcp.daemon.dhcp.ClientOptions;
import dev.cnidhcp.daemon.dhcp.DhcpClient;
import dev.cnidhcp.daemon.dhcp.NoLeaseException;
import dev.cnidhcp.daemon.lease.Attachment;
import dev.cnidhcp.daemon.lease.LeaseJournal;
import dev.cnidhcp.daemon.lease.LeaseKey;
import dev.cnidhcp.daemon.lease.LeaseManager;
import dev.cnidhcp.daemon.metrics.DaemonMetrics;
import dev.cnidhcp.daemon.testing.FakeClock;
import dev.cnidhcp.daemon.testing.LoopbackLeaseTransport;
import dev.cnidhcp.daemon.testing.ManualScheduler;
import dev.cnidhcp.daemon.testing.ScriptedDhcpServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code DAEMON-STATUS} and {@code LEASES} over a lease manager with real machines (scripted server,
 * fake clock): what makes the daemon unhealthy, what is only a warning, and how a lost lease shows.
 */
class DaemonStatusTest {
    private static final Logger DAEMON_LOG = Logger.getLogger("dev.cnidhcp.daemon");
    private static final ObjectMapper JSON = new ObjectMapper();

    static {
        DAEMON_LOG.setLevel(Level.OFF);
    }

    @TempDir
    Path dir;

    private final FakeClock clock = new FakeClock();
    private final DaemonMetrics metrics = new DaemonMetrics();
    private final ScriptedDhcpServer server = new ScriptedDhcpServer(clock);
    private final ManualScheduler scheduler = new ManualScheduler(clock);
    private final LeaseManager leases = new LeaseManager(new LoopbackLeaseTransport(
            new DhcpClient(LoopbackLeaseTransport.SETTINGS, clock, metrics), server, clock), scheduler, clock,
            Duration.ofSeconds(10), Duration.ofSeconds(62), LeaseJournal.NONE, metrics);

    private JsonNode status() throws Exception {
        return JSON.readTree(new DaemonStatus(leases, metrics, dir.resolve("dhcp.sock"), "/var/lib/cni/dhcp", clock)
                .json());
    }

    private void add(String container) throws Exception {
        add(container, "net1");
    }

    private void add(String container, String network) throws Exception {
        LeaseKey key = new LeaseKey(container, network, "eth0");
        leases.add(new Attachment(key, Path.of("/run/netns/" + container),
                ClientIdentity.defaultClientId(container, network, "eth0"), ClientOptions.defaults()),
                clock.instant().plusSeconds(60));
    }

    @Test
    void healthyWithSocketAndWritableStateDirectory() throws Exception {
        Files.createFile(dir.resolve("dhcp.sock"));
        add("a");
        add("b");

        JsonNode s = status();

        assertTrue(s.get("healthy").asBoolean(), s.toString());
        assertEquals(0, s.get("problems").size());
        assertEquals(0, s.get("warnings").size());
        assertTrue(s.get("socket").get("present").asBoolean());
        assertTrue(s.get("stateDir").get("writable").asBoolean());
        assertEquals(2, s.get("leases").get("total").asInt());
        assertEquals(2, s.get("leases").get("byState").get("bound").asInt());
        assertEquals(0, s.get("leases").get("byState").get("init-reboot").asInt(), "every state is listed");
        assertTrue(s.get("lastAcquisitionFailure").isNull());
    }

    @Test
    void aMissingSocketIsUnhealthy() throws Exception {
        JsonNode s = status();

        assertFalse(s.get("healthy").asBoolean());
        assertTrue(s.get("problems").get(0).asText().contains("socket " + dir.resolve("dhcp.sock") + " is gone"),
                s.toString());
    }

    @Test
    void aLostLeaseIsAWarningNotAProblem() throws Exception {
        Files.createFile(dir.resolve("dhcp.sock"));
        add("a");
        server.down();
        for (int i = 0; i < 100 && !leases.views().get(0).lost(); i++) {
            scheduler.runNext(); // T1, renewals, T2, rebinding, expiry: lost
        }

        JsonNode s = status();

        assertTrue(s.get("healthy").asBoolean(), s.toString());
        assertEquals(1, s.get("leases").get("lost").asInt(), s.toString());
        assertTrue(s.get("warnings").toString().contains("lost"), s.toString());
        JsonNode lease = JSON.readTree(new LeaseListing(leases, clock).json()).get(0);
        assertTrue(lease.get("lost").asBoolean(), lease.toString());
        assertFalse(lease.get("problem").asText().isEmpty(), lease.toString());
    }

    @Test
    void aRecentFailedAcquisitionIsAWarningAndAnOldOneOnlyShown() throws Exception {
        Files.createFile(dir.resolve("dhcp.sock"));
        metrics.acquisitionFailed(clock.instant(), "container=a ifname=eth0 network=net1", "no DHCPOFFER received");

        JsonNode recent = status();
        assertTrue(recent.get("healthy").asBoolean());
        assertTrue(recent.get("warnings").get(0).asText().contains("could not be obtained in the last 10 minutes"),
                recent.toString());
        assertEquals("container=a ifname=eth0 network=net1",
                recent.get("lastAcquisitionFailure").get("attachment").asText());

        clock.advance(DaemonStatus.RECENT.plusSeconds(1));
        JsonNode old = status();
        assertEquals(0, old.get("warnings").size(), old.toString());
        assertEquals("no DHCPOFFER received", old.get("lastAcquisitionFailure").get("message").asText());
    }

    @Test
    void networksShowLeasesHeldNoOfferCountsAndLastFailureAndServersTheirLeases() throws Exception {
        Files.createFile(dir.resolve("dhcp.sock"));
        add("a");
        add("b");
        server.down();
        assertThrows(NoLeaseException.class, () -> add("c", "net2"));

        JsonNode s = status();

        JsonNode net1 = s.get("networks").get("net1");
        assertEquals(2, net1.get("leases").asInt(), s.toString());
        assertEquals(0, net1.get("leases6").asInt(), "no DHCPv6 lease on it");
        assertEquals(0, net1.get("noOffer").asInt());
        assertEquals(0, net1.get("naks").asInt());
        assertTrue(net1.get("lastFailure").isNull(), s.toString());
        assertEquals(List.of("leases", "leases6", "noOffer", "naks", "lastFailure", "lastAdded"), fieldNames(net1));
        assertFalse(net1.get("lastAdded").isNull(), "its ADDs got leases: " + s);
        JsonNode net2 = s.get("networks").get("net2");
        assertEquals(0, net2.get("leases").asInt(), s.toString());
        assertEquals(1, net2.get("noOffer").asInt());
        assertTrue(net2.get("lastFailure").get("message").asText().contains("the pool may be exhausted"), s.toString());
        assertTrue(net2.get("lastFailure").has("at"));
        assertTrue(net2.get("lastAdded").isNull(), "no ADD on it got a lease: " + s);
        assertEquals(1, s.get("servers").size(), s.toString());
        assertEquals(2, s.get("servers").get(ScriptedDhcpServer.SERVER_ID.getHostAddress()).asInt(), s.toString());
        assertTrue(s.get("healthy").asBoolean(), "an exhausted pool is the server's, not the daemon's");
        assertTrue(s.get("warnings").toString().contains("network net2: 1 acquisition(s) got no DHCPOFFER"),
                s.toString());
        assertFalse(s.get("warnings").toString().contains("network net1"), s.toString());
    }

    @Test
    void aNoOfferWarningEndsAfterTenMinutesButTheCountStays() throws Exception {
        Files.createFile(dir.resolve("dhcp.sock"));
        server.down();
        assertThrows(NoLeaseException.class, () -> add("c", "net2"));

        clock.advance(DaemonStatus.RECENT.plusSeconds(1));
        JsonNode s = status();

        assertEquals(0, s.get("warnings").size(), s.toString());
        assertEquals(1, s.get("networks").get("net2").get("noOffer").asInt());
    }

    @Test
    void aLostLeaseIsNotCountedAsHeldByItsNetworkOrServer() throws Exception {
        Files.createFile(dir.resolve("dhcp.sock"));
        add("a");
        server.down();
        for (int i = 0; i < 100 && !leases.views().get(0).lost(); i++) {
            scheduler.runNext();
        }

        JsonNode s = status();

        assertEquals(0, s.get("networks").get("net1").get("leases").asInt(), s.toString());
        assertEquals(0, s.get("servers").size(), s.toString());
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Test
    void listsTheDaemonsExcludedRanges() throws Exception {
        JsonNode none = status();
        JsonNode some = JSON.readTree(new DaemonStatus(leases, metrics, dir.resolve("dhcp.sock"), "/var/lib/cni/dhcp",
                dev.cnidhcp.daemon.time.Timeline.of(clock), List.of("10.96.0.0/12", "192.168.0.0/16")).json());

        assertTrue(none.get("exclude").isArray() && none.get("exclude").isEmpty(), none.toString());
        assertEquals("[\"10.96.0.0/12\",\"192.168.0.0/16\"]", some.get("exclude").toString());
    }
}
