package dev.cnidhcp.daemon.config;

import dev.cnidhcp.cni.CniException;
import dev.cnidhcp.cni.ErrorCode;
import dev.cnidhcp.json.MiniJson;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IpamConfigFamiliesTest {

    @SuppressWarnings("unchecked")
    private static IpamConfig parse(String json) throws Exception {
        return IpamConfig.parse((Map<String, Object>) MiniJson.parse(json));
    }

    private static CniException rejected(String json) {
        return assertThrows(CniException.class, () -> parse(json));
    }

    @Test
    void withoutTheKeysTheAttachmentLeasesIpv4Only() throws Exception {
        IpamConfig c = parse("{\"type\":\"dhcp\"}");
        assertTrue(c.dhcpv4());
        assertFalse(c.dhcpv6());
    }

    @Test
    void dhcpv6TrueAddsIpv6() throws Exception {
        IpamConfig c = parse("{\"type\":\"dhcp\",\"dhcpv6\":true}");
        assertTrue(c.dhcpv4());
        assertTrue(c.dhcpv6());
    }

    @Test
    void dhcpv4FalseWithDhcpv6IsIpv6Only() throws Exception {
        IpamConfig c = parse("{\"type\":\"dhcp\",\"dhcpv4\":false,\"dhcpv6\":true}");
        assertFalse(c.dhcpv4());
        assertTrue(c.dhcpv6());
    }

    @Test
    void neitherFamilyIsError7NamingBothKeys() {
        CniException e = rejected("{\"type\":\"dhcp\",\"dhcpv4\":false}");
        assertEquals(ErrorCode.INVALID_NETWORK_CONFIG, e.code());
        assertTrue(e.getMessage().contains("dhcpv4") && e.getMessage().contains("dhcpv6"), e.getMessage());
    }

    @Test
    void aStringForDhcpv6IsError7NamingKeyAndValue() {
        CniException e = rejected("{\"type\":\"dhcp\",\"dhcpv6\":\"yes\"}");
        assertEquals(ErrorCode.INVALID_NETWORK_CONFIG, e.code());
        assertTrue(e.getMessage().contains("ipam.dhcpv6") && e.getMessage().contains("yes"), e.getMessage());
    }

    @Test
    void aNumberForDhcpv4IsError7() {
        assertEquals(ErrorCode.INVALID_NETWORK_CONFIG, rejected("{\"type\":\"dhcp\",\"dhcpv4\":1}").code());
    }

    @Test
    void ipv6RoutesGoToRoutes6AndIpv4OnesStayInRoutes() throws Exception {
        IpamConfig c = parse("{\"type\":\"dhcp\",\"dhcpv6\":true,\"routes\":[{\"dst\":\"10.9.0.0/16\"},"
                + "{\"dst\":\"fd10::/16\",\"gw\":\"fe80::1\"},{\"dst\":\"::/0\"}]}");
        assertEquals(1, c.routes().size());
        assertEquals("10.9.0.0/16", c.routes().get(0).cidr());
        assertEquals(2, c.routes6().size());
        assertEquals(16, c.routes6().get(0).prefixLength());
        assertEquals(0, c.routes6().get(1).prefixLength());
    }

    @Test
    void anIpv6RouteWithAnIpv4GatewayIsError7() {
        CniException e = rejected("{\"type\":\"dhcp\",\"routes\":[{\"dst\":\"fd10::/16\",\"gw\":\"10.0.0.1\"}]}");
        assertEquals(ErrorCode.INVALID_NETWORK_CONFIG, e.code());
        assertTrue(e.getMessage().contains("10.0.0.1"), e.getMessage());
    }
}
