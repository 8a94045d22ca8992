package dev.cnidhcp.daemon.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cnidhcp.daemon.dhcp.ClientIdentity;
import dev.cnidhcp.daemon.dhcp.ClientOptions;
import dev.cnidhcp.daemon.dhcp.Exclusions;
import dev.cnidhcp.daemon.dhcp.Suppression;
import dev.cnidhcp.daemon.lease.Attachment;
import dev.cnidhcp.daemon.lease.LeaseContext;
import dev.cnidhcp.daemon.lease.LeaseKey;
import dev.cnidhcp.daemon.lease.LeaseManager;
import dev.cnidhcp.daemon.metrics.DaemonMetrics;
import dev.cnidhcp.daemon.testing.FakeClock;
import dev.cnidhcp.daemon.testing.LoopbackLeaseTransport;
import dev.cnidhcp.daemon.testing.ManualScheduler;
import dev.cnidhcp.daemon.testing.ScriptedDhcpServer;
import dev.cnidhcp.daemon.testing.ScriptedLease6Server;
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
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code LEASES} and {@code DAEMON-STATUS} with DHCPv6 leases beside the IPv4 ones (the scripted
 * servers of both families, one manual scheduler): the family of each entry, the v6 fields, the
 * counts by family, and a lost v6 lease as a warning.
 */
class DualStackAdminTest {
    private static final Logger DAEMON_LOG = Logger.getLogger("dev.cnidhcp.daemon");
    private static final Logger DHCP4JAVA_LOG = Logger.getLogger("org.dhcp4java");
    private static final ObjectMapper JSON = new ObjectMapper();

    static {
        DAEMON_LOG.setLevel(Level.OFF);
        DHCP4JAVA_LOG.setLevel(Level.OFF);
    }

    @TempDir
    Path dir;

    private final FakeClock clock = new FakeClock();
    private final DaemonMetrics metrics = new DaemonMetrics();
    private final ScriptedDhcpServer server = new ScriptedDhcpServer(clock);
    private final ScriptedLease6Server server6 = new ScriptedLease6Server(clock, Duration.ZERO);
    private final ManualScheduler scheduler = new ManualScheduler(clock);
    private final LeaseManager leases = new LeaseManager(LeaseContext.of(new LoopbackLeaseTransport(server, clock),
            scheduler, clock, Duration.ofSeconds(10), Duration.ofSeconds(62)).withMetrics(metrics)
            .withTransport6(server6));

    private Attachment add(String container, String network, boolean v4, boolean v6) throws Exception {
        LeaseKey key = new LeaseKey(container, network, "eth0");
        Attachment a = new Attachment(key, Path.of("/run/netns/" + container),
                ClientIdentity.defaultClientId(container, network, "eth0"), ClientOptions.defaults(), List.of(),
                Path.of("/proc/1/ns/net"), Suppression.NONE, true, Exclusions.NONE, v4, v6);
        leases.grant(a, clock.instant().plusSeconds(60));
        return a;
    }

    private JsonNode listing() throws Exception {
        return JSON.readTree(new LeaseListing(leases, clock).json());
    }

    private JsonNode status() throws Exception {
        return JSON.readTree(new DaemonStatus(leases, metrics, dir.resolve("dhcp.sock"), "/var/lib/cni/dhcp", clock)
                .json());
    }

    private static List<String> fields(JsonNode array, String name) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.path(name).asText()));
        return out;
    }

    @Test
    void theV6LeaseIsListedAfterTheV4LeaseOfItsAttachmentEachWithItsFamily() throws Exception {
        add("b", "net1", true, true);
        add("a", "net1", true, false);
        add("c", "net1", false, true);

        JsonNode list = listing();

        assertEquals(List.of("a", "b", "b", "c"), fields(list, "container"), list.toString());
        assertEquals(List.of("ipv4", "ipv4", "ipv6", "ipv6"), fields(list, "family"), list.toString());
        assertTrue(list.get(0).get("address").asText().startsWith("10.1.0."), list.toString());
        assertTrue(list.get(2).get("address").asText().startsWith("fd99::"), list.toString());
    }

    @Test
    void aV6EntryHasItsAddressIdentityServerAndTimes() throws Exception {
        Attachment a = add("a", "net1", false, true);

        JsonNode l = listing().get(0);

        assertEquals("ipv6", l.get("family").asText());
        assertEquals("bound", l.get("state").asText());
        assertEquals("fd99::10/64", l.get("address").asText());
        assertEquals("00:03:00:01:02:00:00:00:00:02", l.get("server").asText(), "the server's DUID");
        assertEquals("00:03:00:01:02:00:00:00:00:01", l.get("duid").asText(), "the client's DUID");
        assertEquals(Integer.toUnsignedLong(ScriptedLease6Server.identityOf(a).iaid()), l.get("iaid").asLong());
        assertEquals("fe80::1", l.get("router").asText());
        assertEquals("", l.get("serverUnicast").asText());
        assertEquals(60, l.get("preferredSeconds").asLong());
        assertEquals(90, l.get("validSeconds").asLong());
        assertEquals(clock.instant().plusSeconds(30).toString(), l.get("renewAt").asText(), "T1");
        assertEquals(clock.instant().plusSeconds(48).toString(), l.get("rebindAt").asText(), "T2");
        assertEquals(clock.instant().plusSeconds(90).toString(), l.get("expiresAt").asText(), "valid lifetime");
        assertEquals(90, l.get("remainingSeconds").asLong());
        assertEquals("[\"fd99::53\"]", l.get("dns").toString());
        assertEquals("[\"v6.example.org\"]", l.get("search").toString());
        assertFalse(l.get("lost").asBoolean());
    }

    @Test
    void statusCountsTheLeasesOfEachFamilyAndTheV6OnesPerNetworkAndServer() throws Exception {
        Files.createFile(dir.resolve("dhcp.sock"));
        add("a", "net1", true, true);
        add("b", "net1", true, false);
        add("c", "net2", false, true);

        JsonNode s = status();

        assertEquals(2, s.get("leases").get("total").asInt(), s.toString());
        assertEquals(2, s.get("leases6").get("total").asInt(), s.toString());
        assertEquals(2, s.get("leases6").get("byState").get("bound").asInt(), s.toString());
        assertEquals(0, s.get("leases6").get("byState").get("confirming").asInt(), "every v6 state is listed");
        assertEquals(0, s.get("leases6").get("lost").asInt());
        assertEquals(2, s.get("networks").get("net1").get("leases").asInt(), s.toString());
        assertEquals(1, s.get("networks").get("net1").get("leases6").asInt(), s.toString());
        assertEquals(0, s.get("networks").get("net2").get("leases").asInt(), "a network with only v6 leases is listed");
        assertEquals(1, s.get("networks").get("net2").get("leases6").asInt(), s.toString());
        assertEquals(2, s.get("servers6").get("00:03:00:01:02:00:00:00:00:02").asInt(), s.toString());
        assertEquals(0, s.get("warnings").size(), s.toString());
    }

    @Test
    void aLostV6LeaseIsAWarningAndIsNoLongerCountedAsHeld() throws Exception {
        Files.createFile(dir.resolve("dhcp.sock"));
        add("a", "net1", false, true);
        server6.down();
        for (int i = 0; i < 100 && !leases.views6().get(0).lost(); i++) {
            scheduler.runNext(); // T1, RENEW, T2, REBIND, valid lifetime: lost
        }

        JsonNode s = status();

        assertTrue(s.get("healthy").asBoolean(), s.toString());
        assertEquals(1, s.get("leases6").get("lost").asInt(), s.toString());
        assertTrue(s.get("warnings").toString().contains("1 DHCPv6 lease(s) lost"), s.toString());
        assertEquals(0, s.get("networks").path("net1").path("leases6").asInt(), s.toString());
        assertEquals(0, s.get("servers6").size(), s.toString());
        JsonNode l = listing().get(0);
        assertTrue(l.get("lost").asBoolean(), l.toString());
        assertTrue(l.get("remainingSeconds").asLong() <= 0, l.toString());
    }
}
