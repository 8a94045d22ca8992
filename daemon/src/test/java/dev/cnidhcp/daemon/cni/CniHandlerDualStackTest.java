package dev.cnidhcp.daemon.cni;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cnidhcp.daemon.admin.AdminRequests;
import dev.cnidhcp.daemon.admin.DaemonStatus;
import dev.cnidhcp.daemon.admin.LeaseListing;
import dev.cnidhcp.daemon.lease.LeaseContext;
import dev.cnidhcp.daemon.lease.LeaseKey;
import dev.cnidhcp.daemon.lease.LeaseManager;
import dev.cnidhcp.daemon.lease.NoDhcp6;
import dev.cnidhcp.daemon.metrics.DaemonMetrics;
import dev.cnidhcp.daemon.testing.FakeClock;
import dev.cnidhcp.daemon.testing.InstantLeaseTransport;
import dev.cnidhcp.daemon.testing.ManualScheduler;
import dev.cnidhcp.daemon.testing.ScriptedLease6Server;
import dev.cnidhcp.daemon.testing.ScriptedLease6Server.Kind;
import dev.cnidhcp.wire.WireRequest;
import dev.cnidhcp.wire.WireResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** ADD, CHECK and DEL of dual-stack and IPv6-only attachments, from the wire request to the result. */
class CniHandlerDualStackTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Logger DAEMON_LOG = Logger.getLogger("dev.cnidhcp.daemon");

    static {
        DAEMON_LOG.setLevel(Level.OFF);
    }

    private final FakeClock clock = new FakeClock();
    private final InstantLeaseTransport net = new InstantLeaseTransport(clock, Duration.ofSeconds(60), Duration.ZERO);
    private final ScriptedLease6Server server6 = new ScriptedLease6Server(clock, Duration.ZERO);
    private final ManualScheduler scheduler = new ManualScheduler(clock);
    private final DaemonMetrics metrics = new DaemonMetrics();
    @TempDir
    Path dir;

    private CniHandler handler(LeaseManager manager) {
        AdminRequests admin = new AdminRequests(new LeaseListing(manager, Clock.systemUTC()),
                new DaemonStatus(manager, metrics, dir.resolve("dhcp.sock"), "/var/lib/cni/dhcp", Clock.systemUTC()));
        return new CniHandler(manager, new ResultRenderer(), new HostPaths(""), Duration.ofSeconds(5), clock, metrics,
                admin);
    }

    private LeaseManager manager(dev.cnidhcp.daemon.lease.Lease6Transport transport6) {
        return new LeaseManager(LeaseContext.of(net, scheduler, clock, Duration.ofSeconds(10), Duration.ofSeconds(62))
                .withTransport6(transport6));
    }

    private static Map<String, String> env(String command) {
        Map<String, String> env = new HashMap<>();
        env.put("CNI_COMMAND", command);
        env.put("CNI_CONTAINERID", "c0ffee");
        env.put("CNI_NETNS", "/var/run/netns/pod1");
        env.put("CNI_IFNAME", "eth0");
        env.put("CNI_PATH", "/opt/cni/bin");
        return env;
    }

    private static String config(String ipamExtra, String prevResult) {
        return "{\"cniVersion\":\"1.0.0\",\"name\":\"net1\",\"type\":\"macvlan\",\"ipam\":{\"type\":\"dhcp\""
                + ipamExtra + "}" + (prevResult == null ? "" : ",\"prevResult\":" + prevResult) + "}";
    }

    private static WireResponse call(CniHandler handler, String command, String stdin) {
        return handler.handle(new WireRequest(env(command), stdin), new Peer(4242, 0, 0));
    }

    @Test
    void aDualStackAddAnswersWithBothAddressesAndCheckAndDelCoverBoth() throws Exception {
        LeaseManager manager = manager(server6);
        CniHandler handler = handler(manager);

        WireResponse add = call(handler, "ADD", config(",\"dhcpv6\":true", null));

        assertEquals(0, add.exitCode(), add.stdout());
        JsonNode result = JSON.readTree(add.stdout());
        assertEquals(2, result.get("ips").size(), add.stdout());
        String v6 = result.get("ips").get(1).get("address").asText();
        assertTrue(v6.startsWith("fd99:"), v6);

        String prev = "{\"cniVersion\":\"1.0.0\",\"ips\":[{\"address\":\"" + result.get("ips").get(0).get("address")
                .asText() + "\"},{\"address\":\"" + v6 + "\"}]}";
        // the InstantLeaseTransport's interface carries no IPv4 address: CHECK of a v4 lease fails there
        WireResponse check = call(handler, "CHECK", config(",\"dhcpv6\":true", prev));
        assertEquals(1, check.exitCode(), check.stdout());
        assertTrue(JSON.readTree(check.stdout()).get("msg").asText().contains("no IPv4 address"), check.stdout());

        assertEquals(0, call(handler, "DEL", config(",\"dhcpv6\":true", null)).exitCode());
        assertEquals(1, server6.count(Kind.RELEASE));
        assertEquals(1, net.releases());
        assertFalse(manager.holds(new LeaseKey("c0ffee", "net1", "eth0")));
    }

    @Test
    void anIpv6OnlyAttachmentPassesCheckWithItsV6PrevResult() throws Exception {
        CniHandler handler = handler(manager(server6));
        String ipam = ",\"dhcpv4\":false,\"dhcpv6\":true";

        WireResponse add = call(handler, "ADD", config(ipam, null));
        assertEquals(0, add.exitCode(), add.stdout());
        JsonNode ips = JSON.readTree(add.stdout()).get("ips");
        assertEquals(1, ips.size());

        String prev = "{\"cniVersion\":\"1.0.0\",\"ips\":[{\"address\":\"" + ips.get(0).get("address").asText() + "\"}]}";
        WireResponse check = call(handler, "CHECK", config(ipam, prev));
        assertEquals(0, check.exitCode(), check.stdout());
        assertEquals(0, net.acquisitions());
    }

    @Test
    void withoutADhcpv6ClientADualStackAddFailsWithCode100SayingSoAndHoldsNothing() throws Exception {
        LeaseManager manager = manager(new NoDhcp6());

        WireResponse add = call(handler(manager), "ADD", config(",\"dhcpv6\":true", null));

        assertEquals(1, add.exitCode());
        JsonNode error = JSON.readTree(add.stdout());
        assertEquals(100, error.get("code").asInt());
        assertTrue(error.get("msg").asText().contains(NoDhcp6.MESSAGE), add.stdout());
        assertEquals(1, net.releases(), "the IPv4 lease went back");
        assertEquals(List.of(), manager.views());
    }
}
