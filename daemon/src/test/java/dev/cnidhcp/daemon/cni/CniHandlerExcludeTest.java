package dev.cnidhcp.daemon.cni;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cnidhcp.daemon.admin.AdminRequests;
import dev.cnidhcp.daemon.admin.DaemonStatus;
import dev.cnidhcp.daemon.admin.LeaseListing;
import dev.cnidhcp.daemon.dhcp.DhcpClient;
import dev.cnidhcp.daemon.dhcp.Exclusions;
import dev.cnidhcp.daemon.lease.LeaseManager;
import dev.cnidhcp.daemon.metrics.DaemonMetrics;
import dev.cnidhcp.daemon.testing.FakeClock;
import dev.cnidhcp.daemon.testing.LoopbackLeaseTransport;
import dev.cnidhcp.daemon.testing.ManualScheduler;
import dev.cnidhcp.daemon.testing.ScriptedDhcpServer;
import dev.cnidhcp.daemon.testing.ScriptedDhcpServer.Kind;
import dev.cnidhcp.wire.WireRequest;
import dev.cnidhcp.wire.WireResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * ADD under {@code ipam.exclude} and the daemon's {@code -exclude}, through the real client and the
 * scripted server (pool 10.1.0.10-20/24, server 10.1.0.2) on a fake clock.
 */
class CniHandlerExcludeTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Logger DAEMON_LOG = Logger.getLogger("dev.cnidhcp.daemon");

    static {
        DAEMON_LOG.setLevel(Level.OFF);
        Logger.getLogger("org.dhcp4java").setLevel(Level.OFF);
    }

    @TempDir
    Path dir;

    private final FakeClock clock = new FakeClock();
    private final ScriptedDhcpServer server = new ScriptedDhcpServer(clock);
    private final DaemonMetrics metrics = new DaemonMetrics();

    private CniHandler handler(String daemonExclude) {
        DhcpClient client = new DhcpClient(LoopbackLeaseTransport.SETTINGS.withExclude(
                Exclusions.parseList(daemonExclude)), clock, metrics);
        LeaseManager leases = new LeaseManager(new LoopbackLeaseTransport(client, server, clock),
                new ManualScheduler(clock), clock, Duration.ofSeconds(10), Duration.ofSeconds(62));
        this.leases = leases;
        AdminRequests admin = new AdminRequests(new LeaseListing(leases, clock),
                new DaemonStatus(leases, metrics, dir.resolve("dhcp.sock"), "/var/lib/cni/dhcp", clock));
        return new CniHandler(leases, new ResultRenderer(), new HostPaths(""), Duration.ofSeconds(60), clock, metrics,
                admin);
    }

    private LeaseManager leases;

    private static WireResponse add(CniHandler handler, String ipamExtra) {
        Map<String, String> env = new HashMap<>();
        env.put("CNI_COMMAND", "ADD");
        env.put("CNI_CONTAINERID", "c0ffee");
        env.put("CNI_NETNS", "/var/run/netns/pod1");
        env.put("CNI_IFNAME", "eth0");
        env.put("CNI_PATH", "/opt/cni/bin");
        String config = "{\"cniVersion\":\"1.0.0\",\"name\":\"net1\",\"type\":\"macvlan\","
                + "\"ipam\":{\"type\":\"dhcp\"" + ipamExtra + "}}";
        return handler.handle(new WireRequest(env, config), new Peer(4242, 0, 0));
    }

    @Test
    void addWhoseOnlyOfferIsInAnIpamExcludedRangeFailsNamingAddressRangeAndServer() throws Exception {
        WireResponse response = add(handler(""), ",\"exclude\":[\"10.1.0.0/24\"]");

        assertEquals(1, response.exitCode(), response.stdout());
        JsonNode error = JSON.readTree(response.stdout());
        assertEquals(100, error.get("code").asInt());
        String msg = error.get("msg").asText();
        assertTrue(msg.contains("10.1.0.10") && msg.contains("10.1.0.0/24") && msg.contains("10.1.0.2"), msg);
        assertTrue(error.get("details").asText().contains("exclude"), error.toString());
        assertEquals(0, server.count(Kind.SELECTING), "nothing requested, nothing held at the server");
        assertTrue(leases.views().isEmpty(), "no lease kept for the pod");
    }

    @Test
    void daemonRangeRefusesTheOfferToo() throws Exception {
        WireResponse response = add(handler("10.0.0.0/8"), "");

        assertEquals(100, JSON.readTree(response.stdout()).get("code").asInt(), response.stdout());
        assertEquals(1, metrics.offersRefusedTotal());
    }

    @Test
    void rangesBesideThePoolLeaveTheAddAlone() throws Exception {
        WireResponse response = add(handler("10.96.0.0/12"), ",\"exclude\":[\"192.168.0.0/16\"]");

        assertEquals(0, response.exitCode(), response.stdout());
        assertEquals("10.1.0.10/24", JSON.readTree(response.stdout()).get("ips").get(0).get("address").asText());
    }

    @Test
    void malformedExcludeIsCode7NamingKeyAndValue() throws Exception {
        WireResponse response = add(handler(""), ",\"exclude\":[\"10.1.0.0/33\"]");

        JsonNode error = JSON.readTree(response.stdout());
        assertEquals(7, error.get("code").asInt(), response.stdout());
        assertTrue(error.get("msg").asText().contains("ipam.exclude")
                && error.get("msg").asText().contains("10.1.0.0/33"), error.toString());
        assertEquals(0, server.count(Kind.DISCOVER));
    }
}
