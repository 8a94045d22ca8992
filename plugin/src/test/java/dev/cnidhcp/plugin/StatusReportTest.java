package dev.cnidhcp.plugin;

import dev.cnidhcp.json.MiniJson;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StatusReportTest {
    private static final Instant NOW = Instant.parse("2026-11-27T06:30:00Z");
    private final StatusReport report = new StatusReport(Clock.fixed(NOW, ZoneOffset.UTC), ZoneOffset.UTC);

    private static Map<?, ?> status(String json) throws Exception {
        return (Map<?, ?>) MiniJson.parse(json);
    }

    @Test
    void healthyDaemonWithLeasesInTwoStates() throws Exception {
        Map<?, ?> s = status("{\"healthy\":true,\"problems\":[],\"warnings\":[],"
                + "\"socket\":{\"path\":\"/run/cni/dhcp.sock\",\"present\":true},"
                + "\"stateDir\":{\"path\":\"/var/lib/cni/dhcp\",\"writable\":true,\"error\":\"\"},"
                + "\"leases\":{\"total\":3,\"byState\":{\"init\":0,\"bound\":2,\"renewing\":1},\"lost\":0,\"initReboot\":0},"
                + "\"lastAcquisitionFailure\":null}");

        assertEquals(String.join("\n",
                "healthy",
                "  socket           /run/cni/dhcp.sock: present",
                "  state directory  /var/lib/cni/dhcp: writable",
                "  leases           3: bound 2, renewing 1",
                "  lost             0 (in init-reboot: 0)",
                "  last failure     none",
                ""), report.render(s));
    }

    @Test
    void unhealthyDaemonListsItsProblemsFirstAndItsWarningsLast() throws Exception {
        Map<?, ?> s = status("{\"healthy\":false,\"problems\":[\"state directory /d cannot take a lease record (No space"
                + " left on device): ADD fails\"],\"warnings\":[\"1 lease(s) lost\"],"
                + "\"socket\":{\"path\":\"/s\",\"present\":true},"
                + "\"stateDir\":{\"path\":\"/d\",\"writable\":false,\"error\":\"No space left on device\"},"
                + "\"leases\":{\"total\":1,\"byState\":{\"init-reboot\":1},\"lost\":1,\"initReboot\":1},"
                + "\"lastAcquisitionFailure\":{\"at\":\"2026-11-27T06:28:00Z\",\"attachment\":\"container=a ifname=eth0"
                + " network=n\",\"message\":\"no DHCPOFFER received from any server in 10 s\"}}");

        assertEquals(String.join("\n",
                "unhealthy",
                "  problem: state directory /d cannot take a lease record (No space left on device): ADD fails",
                "  socket           /s: present",
                "  state directory  /d: NOT writable (No space left on device)",
                "  leases           1: init-reboot 1",
                "  lost             1 (in init-reboot: 1)",
                "  last failure     2026-11-27 06:28:00 (120 s ago) container=a ifname=eth0 network=n: no DHCPOFFER"
                        + " received from any server in 10 s",
                "  warning: 1 lease(s) lost",
                ""), report.render(s));
    }

    @Test
    void networksWithTheirCountsAndLastFailureAndServersWithTheirLeases() throws Exception {
        Map<?, ?> s = status("{\"healthy\":true,\"problems\":[],\"warnings\":[\"network labnet: 3 acquisition(s) got no"
                + " DHCPOFFER from any server, the last 4 s ago: its pool may be exhausted\"],"
                + "\"socket\":{\"path\":\"/s\",\"present\":true},"
                + "\"stateDir\":{\"path\":\"/d\",\"writable\":true,\"error\":\"\"},"
                + "\"leases\":{\"total\":6,\"byState\":{\"bound\":6},\"lost\":0,\"initReboot\":0},"
                + "\"lastAcquisitionFailure\":null,"
                + "\"networks\":{\"labmac\":{\"leases\":1,\"noOffer\":0,\"naks\":0,\"lastFailure\":null},"
                + "\"labnet\":{\"leases\":5,\"noOffer\":3,\"naks\":1,\"lastFailure\":{\"at\":\"2026-11-27T06:29:56Z\","
                + "\"message\":\"no DHCPOFFER received from any server in 4 s on interface eth0\"}}},"
                + "\"servers\":{\"10.99.0.2\":6}}");

        assertEquals(String.join("\n",
                "healthy",
                "  socket           /s: present",
                "  state directory  /d: writable",
                "  leases           6: bound 6",
                "  lost             0 (in init-reboot: 0)",
                "  last failure     none",
                "  network labmac: leases 1, no offer 0, naks 0",
                "  network labnet: leases 5, no offer 3, naks 1",
                "    last failure   2026-11-27 06:29:56 (4 s ago): no DHCPOFFER received from any server in 4 s on"
                        + " interface eth0",
                "  servers          10.99.0.2: 6 lease(s)",
                "  warning: network labnet: 3 acquisition(s) got no DHCPOFFER from any server, the last 4 s ago: its"
                        + " pool may be exhausted",
                ""), report.render(s));
    }

    @Test
    void theDaemonsExcludedRangesAreListed() throws Exception {
        Map<?, ?> some = status("{\"healthy\":true,\"problems\":[],\"warnings\":[],"
                + "\"socket\":{\"path\":\"/s\",\"present\":true},\"stateDir\":{\"path\":\"/d\",\"writable\":true},"
                + "\"leases\":{\"total\":0,\"byState\":{},\"lost\":0,\"initReboot\":0},\"lastAcquisitionFailure\":null,"
                + "\"exclude\":[\"10.96.0.0/12\",\"192.168.0.0/16\"]}");
        Map<?, ?> none = status("{\"healthy\":true,\"problems\":[],\"warnings\":[],"
                + "\"socket\":{\"path\":\"/s\",\"present\":true},\"stateDir\":{\"path\":\"/d\",\"writable\":true},"
                + "\"leases\":{\"total\":0,\"byState\":{},\"lost\":0,\"initReboot\":0},\"lastAcquisitionFailure\":null,"
                + "\"exclude\":[]}");

        assertTrue(report.render(some).contains("  excluded ranges  10.96.0.0/12, 192.168.0.0/16\n"), report.render(some));
        assertTrue(report.render(none).contains("  excluded ranges  none (-exclude not given)\n"), report.render(none));
    }

    @Test
    void dhcpv6LeasesAreCountedOnLinesOfTheirOwnWithTheirServersByDuid() throws Exception {
        Map<?, ?> s = status("{\"healthy\":true,\"problems\":[],\"warnings\":[\"1 DHCPv6 lease(s) lost and being"
                + " regained\"],\"socket\":{\"path\":\"/s\",\"present\":true},"
                + "\"stateDir\":{\"path\":\"/d\",\"writable\":true,\"error\":\"\"},"
                + "\"leases\":{\"total\":2,\"byState\":{\"bound\":2},\"lost\":0,\"initReboot\":0},"
                + "\"leases6\":{\"total\":3,\"byState\":{\"init\":1,\"soliciting\":0,\"bound\":2,\"confirming\":0},"
                + "\"lost\":1,\"confirming\":0},\"lastAcquisitionFailure\":null,"
                + "\"networks\":{\"labnet\":{\"leases\":2,\"leases6\":2,\"noOffer\":0,\"naks\":0,\"lastFailure\":null}},"
                + "\"servers\":{\"10.99.0.2\":2},\"servers6\":{\"00:03:00:01:02:00:00:00:00:02\":2}}");

        assertEquals(String.join("\n",
                "healthy",
                "  socket           /s: present",
                "  state directory  /d: writable",
                "  leases           2: bound 2",
                "  lost             0 (in init-reboot: 0)",
                "  DHCPv6 leases    3: init 1, bound 2",
                "  DHCPv6 lost      1 (in confirming: 0)",
                "  last failure     none",
                "  network labnet: leases 2, DHCPv6 leases 2, no offer 0, naks 0",
                "  servers          10.99.0.2: 2 lease(s)",
                "  DHCPv6 servers   00:03:00:01:02:00:00:00:00:02: 2 lease(s)",
                "  warning: 1 DHCPv6 lease(s) lost and being regained",
                ""), report.render(s));
    }

    @Test
    void aNodeWithoutDhcpv6LeasesHasNoDhcpv6Lines() throws Exception {
        Map<?, ?> s = status("{\"healthy\":true,\"problems\":[],\"warnings\":[],"
                + "\"socket\":{\"path\":\"/s\",\"present\":true},\"stateDir\":{\"path\":\"/d\",\"writable\":true},"
                + "\"leases\":{\"total\":1,\"byState\":{\"bound\":1},\"lost\":0,\"initReboot\":0},"
                + "\"leases6\":{\"total\":0,\"byState\":{\"bound\":0},\"lost\":0,\"confirming\":0},"
                + "\"lastAcquisitionFailure\":null,"
                + "\"networks\":{\"labnet\":{\"leases\":1,\"leases6\":0,\"noOffer\":0,\"naks\":0,\"lastFailure\":null}},"
                + "\"servers\":{\"10.99.0.2\":1},\"servers6\":{}}");

        String text = report.render(s);

        assertFalse(text.contains("DHCPv6"), text);
        assertTrue(text.contains("  network labnet: leases 1, no offer 0, naks 0\n"), text);
    }
}
