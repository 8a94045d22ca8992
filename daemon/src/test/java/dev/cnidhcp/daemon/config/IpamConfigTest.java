package dev.cnidhcp.daemon.config;

import dev.cnidhcp.cni.CniException;
import dev.cnidhcp.daemon.dhcp.Route;
import dev.cnidhcp.json.MiniJson;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IpamConfigTest {

    @SuppressWarnings("unchecked")
    private static Map<String, Object> ipam(String json) throws Exception {
        return (Map<String, Object>) MiniJson.parse(json);
    }

    private static CniException rejected(String json) {
        return assertThrows(CniException.class, () -> IpamConfig.parse(ipam(json)));
    }

    @Test
    void emptyIpamHasNoRoutesAndNoPriority() throws Exception {
        IpamConfig c = IpamConfig.parse(Map.of());
        assertEquals(List.of(), c.routes());
        assertEquals(-1, c.priority());
    }

    @Test
    void routesListIsParsedInOrder() throws Exception {
        IpamConfig c = IpamConfig.parse(ipam("{\"type\":\"dhcp\",\"routes\":["
                + "{\"dst\":\"192.168.0.0/16\",\"gw\":\"10.1.0.254\"},{\"dst\":\"172.16.0.0/12\"}]}"));
        assertEquals(List.of(Route.parse("192.168.0.0/16", "10.1.0.254"), Route.parse("172.16.0.0/12", null)),
                c.routes());
    }

    @Test
    void priorityIsParsed() throws Exception {
        assertEquals(100, IpamConfig.parse(ipam("{\"priority\":100}")).priority());
        assertEquals(0, IpamConfig.parse(ipam("{\"priority\":0}")).priority());
    }

    @Test
    void unknownKeysAreIgnored() throws Exception {
        IpamConfig c = IpamConfig.parse(ipam("{\"type\":\"dhcp\",\"daemonSocketPath\":\"/x\",\"request\":[{}],"
                + "\"provide\":{\"a\":1},\"somethingNew\":true}"));
        assertEquals(List.of(), c.routes());
        assertEquals(-1, c.priority());
    }

    @Test
    void badRouteDstIsCode7NamingTheKeyAndValue() {
        CniException e = rejected("{\"routes\":[{\"dst\":\"10.0.0.0/33\"}]}");
        assertEquals(7, e.code());
        assertTrue(e.getMessage().contains("ipam.routes"), e.getMessage());
        assertTrue(e.getMessage().contains("dst"), e.getMessage());
        assertTrue(e.getMessage().contains("10.0.0.0/33"), e.getMessage());
    }

    @Test
    void routeWithoutDstIsCode7() {
        CniException e = rejected("{\"routes\":[{\"gw\":\"10.0.0.1\"}]}");
        assertEquals(7, e.code());
        assertTrue(e.getMessage().contains("dst"), e.getMessage());
        assertEquals(7, rejected("{\"routes\":[{\"dst\":5}]}").code());
        assertEquals(7, rejected("{\"routes\":[\"10.0.0.0/8\"]}").code());
    }

    @Test
    void badRouteGwIsCode7NamingTheKeyAndValue() {
        CniException e = rejected("{\"routes\":[{\"dst\":\"10.0.0.0/8\",\"gw\":\"10.0.0\"}]}");
        assertEquals(7, e.code());
        assertTrue(e.getMessage().contains("gw"), e.getMessage());
        assertTrue(e.getMessage().contains("'10.0.0'"), e.getMessage());
    }

    @Test
    void nonStringRouteGwIsCode7() {
        CniException e = rejected("{\"routes\":[{\"dst\":\"10.0.0.0/8\",\"gw\":1}]}");
        assertEquals(7, e.code());
        assertTrue(e.getMessage().contains("\"gw\""), e.getMessage());
    }

    @Test
    void routesThatAreNotAListAreCode7() {
        CniException e = rejected("{\"routes\":{\"dst\":\"10.0.0.0/8\"}}");
        assertEquals(7, e.code());
        assertTrue(e.getMessage().contains("ipam.routes"), e.getMessage());
    }

    @Test
    void badPriorityIsCode7NamingTheKey() {
        for (String value : List.of("-1", "1.5", "\"10\"", "true", "4294967296")) {
            CniException e = rejected("{\"priority\":" + value + "}");
            assertEquals(7, e.code(), value);
            assertTrue(e.getMessage().contains("ipam.priority"), e.getMessage());
        }
    }

    @Test
    void routesListIsImmutable() throws Exception {
        IpamConfig c = IpamConfig.parse(ipam("{\"routes\":[{\"dst\":\"10.0.0.0/8\"}]}"));
        assertThrows(UnsupportedOperationException.class, () -> c.routes().add(Route.parse("0.0.0.0/0", null)));
    }
}
