package dev.cnidhcp.daemon.config;

import dev.cnidhcp.cni.CniException;
import dev.cnidhcp.daemon.dhcp.ClientOptions;
import dev.cnidhcp.daemon.dhcp.Route;
import dev.cnidhcp.daemon.dhcp.Suppression;
import dev.cnidhcp.json.MiniJson;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
        IpamConfig c = IpamConfig.parse(ipam("{\"type\":\"dhcp\",\"daemonSocketPath\":\"/x\","
                + "\"somethingNew\":true,\"nested\":{\"a\":[1,2]}}"));
        assertEquals(List.of(), c.routes());
        assertEquals(-1, c.priority());
        assertArrayEquals(ClientOptions.DEFAULT_REQUEST_LIST, c.options().requestList());
        assertTrue(c.options().provided().isEmpty());
    }

    @Test
    void requestedOptionsAreAddedToTheDefaultListByNameOrNumber() throws Exception {
        IpamConfig c = IpamConfig.parse(ipam("{\"request\":[{\"option\":\"ntp-servers\"},{\"option\":\"252\"},"
                + "{\"option\":\"routers\"}]}"));
        byte[] list = c.options().requestList();
        assertEquals(ClientOptions.DEFAULT_REQUEST_LIST.length + 2, list.length, "routers (3) is a default already");
        assertEquals(42, list[list.length - 2] & 0xff);
        assertEquals(252, list[list.length - 1] & 0xff);
    }

    @Test
    void skipDefaultRequestsOnlyTheListedOptions() throws Exception {
        IpamConfig c = IpamConfig.parse(ipam("{\"request\":[{\"option\":\"subnet-mask\",\"skipDefault\":true},"
                + "{\"option\":\"routers\"}]}"));
        assertArrayEquals(new byte[] {1, 3}, c.options().requestList());
    }

    @Test
    void unknownOptionNameIsCode7NamingIt() {
        CniException e = rejected("{\"request\":[{\"option\":\"hostname\"}]}");
        assertEquals(7, e.code());
        assertTrue(e.getMessage().contains("'hostname'"), e.getMessage());
        assertEquals(7, rejected("{\"provide\":[{\"option\":\"0\",\"value\":\"x\"}]}").code());
        assertEquals(7, rejected("{\"request\":[{\"option\":\"255\"}]}").code());
    }

    @Test
    void providedValueOrCniArgGoesIntoTheOptions() throws Exception {
        IpamConfig c = IpamConfig.parse(ipam("{\"provide\":[{\"option\":\"host-name\",\"fromArg\":\"K8S_POD_NAME\"},"
                        + "{\"option\":\"vendor-class-identifier\",\"value\":\"cni\"},"
                        + "{\"option\":\"user-class\",\"fromArg\":\"MISSING\"}]}"),
                Map.of("K8S_POD_NAME", "web-0"));
        assertArrayEquals("web-0".getBytes(StandardCharsets.UTF_8), c.options().provided().get(12));
        assertArrayEquals("cni".getBytes(StandardCharsets.UTF_8), c.options().provided().get(60));
        assertFalse(c.options().provided().containsKey(77), "nothing to provide: no value, arg absent");
    }

    @Test
    void optionsTheClientSetsItselfCannotBeProvided() {
        CniException e = rejected("{\"provide\":[{\"option\":\"dhcp-server-identifier\",\"value\":\"x\"}]}");
        assertEquals(7, e.code());
        assertTrue(e.getMessage().contains("set by the DHCP client itself"), e.getMessage());
        assertEquals(7, rejected("{\"provide\":[{\"option\":\"50\",\"value\":\"x\"}]}").code());
    }

    @Test
    void providedValueLongerThan255BytesIsCode7() {
        CniException e = rejected("{\"provide\":[{\"option\":\"host-name\",\"value\":\"" + "x".repeat(256) + "\"}]}");
        assertEquals(7, e.code());
        assertTrue(e.getMessage().contains("256 bytes"), e.getMessage());
    }

    @Test
    void providedClientIdentifierOfOneByteIsCode7() {
        CniException e = rejected("{\"provide\":[{\"option\":\"dhcp-client-identifier\",\"value\":\"x\"}]}");
        assertEquals(7, e.code());
        assertTrue(e.getMessage().contains("at least 2"), e.getMessage());
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

    // --- suppress (the key of containernetworking/plugins PR 1276) ---

    @Test
    void withoutSuppressNothingIsSuppressed() throws Exception {
        assertEquals(Suppression.NONE, IpamConfig.parse(ipam("{\"type\":\"dhcp\"}")).suppress());
        assertEquals(Suppression.NONE, IpamConfig.parse(ipam("{\"suppress\":[]}")).suppress());
    }

    @Test
    void suppressGatewayIsParsed() throws Exception {
        assertEquals(Suppression.GATEWAY, IpamConfig.parse(ipam("{\"suppress\":[\"gateway\"]}")).suppress());
        assertEquals(Suppression.GATEWAY,
                IpamConfig.parse(ipam("{\"suppress\":[\"gateway\",\"gateway\"]}")).suppress());
    }

    @Test
    void unknownSuppressValueIsCode7NamingIt() {
        for (String value : List.of("\"routes\"", "\"Gateway\"", "\"\"")) {
            CniException e = rejected("{\"suppress\":[\"gateway\"," + value + "]}");
            assertEquals(7, e.code(), value);
            assertTrue(e.getMessage().contains("ipam.suppress") && e.getMessage().contains("'"
                    + value.substring(1, value.length() - 1) + "'"), e.getMessage());
        }
    }

    @Test
    void suppressThatIsNotAListOfStringsIsCode7NamingTheValue() {
        CniException notList = rejected("{\"suppress\":\"gateway\"}");
        assertEquals(7, notList.code());
        assertTrue(notList.getMessage().contains("ipam.suppress must be a list") && notList.getMessage().contains("gateway"),
                notList.getMessage());
        CniException notString = rejected("{\"suppress\":[true]}");
        assertEquals(7, notString.code());
        assertTrue(notString.getMessage().contains("ipam.suppress entry true"), notString.getMessage());
        assertEquals(7, rejected("{\"suppress\":{\"gateway\":true}}").code());
    }

    @Test
    void fqdnIsProvidedAsOption81EncodedWithSAndE() throws Exception {
        IpamConfig c = IpamConfig.parse(ipam("{\"provide\":[{\"option\":\"fqdn\",\"fromArg\":\"K8S_POD_NAME\"}]}"),
                Map.of("K8S_POD_NAME", "web-0"));
        assertArrayEquals(dev.cnidhcp.daemon.dhcp.ClientFqdn.encode("web-0"), c.options().provided().get(81));
        assertEquals(0x05, c.options().provided().get(81)[0]);
        IpamConfig literal = IpamConfig.parse(ipam("{\"provide\":[{\"option\":\"81\",\"value\":\"web-0.example.\"}]}"));
        assertArrayEquals(dev.cnidhcp.daemon.dhcp.ClientFqdn.encode("web-0.example."),
                literal.options().provided().get(81));
    }

    @Test
    void badFqdnIsCode7NamingIt() {
        CniException e = rejected("{\"provide\":[{\"option\":\"fqdn\",\"value\":\"web_0\"}]}");
        assertEquals(7, e.code());
        assertTrue(e.getMessage().contains("web_0"), e.getMessage());
        assertEquals(7, rejected("{\"provide\":[{\"option\":\"fqdn\",\"value\":\"" + "a".repeat(64) + "\"}]}").code());
    }

    @Test
    void releaseOnDelIsTrueUnlessSetFalse() throws Exception {
        assertTrue(IpamConfig.parse(ipam("{}")).releaseOnDel());
        assertTrue(IpamConfig.parse(ipam("{\"releaseOnDel\":true}")).releaseOnDel());
        assertFalse(IpamConfig.parse(ipam("{\"releaseOnDel\":false}")).releaseOnDel());
        CniException e = rejected("{\"releaseOnDel\":\"no\"}");
        assertEquals(7, e.code());
        assertTrue(e.getMessage().contains("releaseOnDel"), e.getMessage());
    }

    @Test
    void clientIdTemplateRendersOverTheAttachmentAndCniArgs() throws Exception {
        IpamConfig c = IpamConfig.parse(ipam("{\"clientId\":\"{K8S_POD_NAMESPACE}/{K8S_POD_NAME}/{ifname}\"}"));
        byte[] id = c.clientIdOf("c1", "net1", "eth0", Map.of("K8S_POD_NAMESPACE", "default", "K8S_POD_NAME", "web-0"));
        assertEquals("\0default/web-0/eth0", new String(id, StandardCharsets.UTF_8));
        assertEquals(7, assertThrows(CniException.class, () -> c.clientIdOf("c1", "net1", "eth0", Map.of())).code());
        assertEquals(7, rejected("{\"clientId\":\"{K8S_POD_NAME\"}").code());
    }

    @Test
    void providedClientIdentifierWinsOverTheTemplate() throws Exception {
        IpamConfig c = IpamConfig.parse(ipam("{\"clientId\":\"{K8S_POD_NAME}\","
                + "\"provide\":[{\"option\":\"dhcp-client-identifier\",\"value\":\"fixed-id\"}]}"));
        assertArrayEquals("fixed-id".getBytes(StandardCharsets.UTF_8), c.clientIdOf("c1", "n", "e", Map.of()),
                "CNI_ARGS lacking K8S_POD_NAME does not matter: the template is not used");
    }

    @Test
    void absentClientIdKeepsTheReferenceIdentifier() throws Exception {
        assertArrayEquals(dev.cnidhcp.daemon.dhcp.ClientIdentity.defaultClientId("c1", "net1", "eth0"),
                IpamConfig.parse(ipam("{}")).clientIdOf("c1", "net1", "eth0", Map.of("K8S_POD_NAME", "web-0")));
    }
}
