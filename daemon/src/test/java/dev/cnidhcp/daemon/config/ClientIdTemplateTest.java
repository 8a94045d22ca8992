package dev.cnidhcp.daemon.config;

import dev.cnidhcp.cni.CniException;
import dev.cnidhcp.daemon.dhcp.ClientIdentity;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClientIdTemplateTest {
    private static final Map<String, String> POD = Map.of("K8S_POD_NAMESPACE", "default", "K8S_POD_NAME", "web-0",
            "IgnoreUnknown", "1");

    private static byte[] typed(String text) {
        byte[] t = text.getBytes(StandardCharsets.UTF_8);
        byte[] id = new byte[t.length + 1];
        System.arraycopy(t, 0, id, 1, t.length);
        return id;
    }

    private static CniException rejected(Object raw) {
        return assertThrows(CniException.class, () -> ClientIdTemplate.parse(raw).render("c1", "net1", "eth0", POD));
    }

    @Test
    void absentKeyIsTheReferenceIdentifierContainerNetworkIfname() throws Exception {
        ClientIdTemplate t = ClientIdTemplate.parse(null);
        assertSame(ClientIdTemplate.defaultTemplate(), t);
        assertArrayEquals(ClientIdentity.defaultClientId("c0ffee", "net1", "eth0"),
                t.render("c0ffee", "net1", "eth0", Map.of()));
        assertArrayEquals(typed("c0ffee/net1/eth0"), t.render("c0ffee", "net1", "eth0", Map.of()));
    }

    @Test
    void defaultIdentifierOfALongContainerIdIsCutAsTheReferenceCutsIt() throws Exception {
        String id = "f".repeat(300);
        byte[] rendered = ClientIdTemplate.defaultTemplate().render(id, "net1", "eth0", Map.of());
        assertEquals(255, rendered.length);
        assertArrayEquals(ClientIdentity.defaultClientId(id, "net1", "eth0"), rendered);
    }

    @Test
    void podTemplateRendersFromCniArgsAndTheAttachment() throws Exception {
        ClientIdTemplate t = ClientIdTemplate.parse("{K8S_POD_NAMESPACE}/{K8S_POD_NAME}/{ifname}");
        assertArrayEquals(typed("default/web-0/eth0"), t.render("c1", "net1", "eth0", POD));
        assertArrayEquals(typed("default/web-0/eth0"), t.render("c2-new-container", "net1", "eth0", POD),
                "a new container id leaves the identifier as it was");
    }

    @Test
    void everyAttachmentPlaceholderAndLiteralTextAreRendered() throws Exception {
        assertArrayEquals(typed("id=c1 on net1:eth0"),
                ClientIdTemplate.parse("id={containerID} on {network}:{ifname}").render("c1", "net1", "eth0", POD));
        assertArrayEquals(typed("fixed"), ClientIdTemplate.parse("fixed").render("c1", "net1", "eth0", POD));
    }

    @Test
    void keyMissingFromCniArgsIsCode7NamingIt() {
        CniException e = rejected("{K8S_POD_NAMESPACE}/{K8S_POD_UID}");
        assertEquals(7, e.code());
        assertTrue(e.getMessage().contains("{K8S_POD_UID}"), e.getMessage());
        assertTrue(e.getMessage().contains("K8S_POD_NAME, K8S_POD_NAMESPACE"), "says what CNI_ARGS has: " + e.getMessage());
    }

    @Test
    void placeholdersAreCaseSensitive() {
        assertEquals(7, rejected("{IFNAME}").code());
    }

    @Test
    void malformedTemplatesAreCode7() {
        for (Object bad : new Object[] {"{K8S_POD_NAME", "web/{}", "a}b", "{a{b}", "", 42L, true}) {
            CniException e = rejected(bad);
            assertEquals(7, e.code(), String.valueOf(bad));
            assertTrue(e.getMessage().contains("ipam.clientId"), e.getMessage());
        }
    }

    @Test
    void configuredTemplateLongerThan254BytesIsCode7NotCut() throws Exception {
        ClientIdTemplate t = ClientIdTemplate.parse("{K8S_POD_NAME}");
        assertEquals(255, t.render("c1", "n", "e", Map.of("K8S_POD_NAME", "x".repeat(254))).length);
        CniException e = assertThrows(CniException.class,
                () -> t.render("c1", "n", "e", Map.of("K8S_POD_NAME", "x".repeat(255))));
        assertEquals(7, e.code());
        assertTrue(e.getMessage().contains("255 bytes"), e.getMessage());
    }

    @Test
    void templateRenderingToNothingIsCode7() {
        CniException e = assertThrows(CniException.class, () -> ClientIdTemplate.parse("{K8S_POD_NAME}")
                .render("c1", "n", "e", Map.of("K8S_POD_NAME", "")));
        assertEquals(7, e.code());
    }

    @Test
    void typeByteIsZero() throws Exception {
        byte[] id = ClientIdTemplate.parse("{K8S_POD_NAME}").render("c1", "n", "e", POD);
        assertEquals(0, id[0]);
        assertEquals("web-0", new String(Arrays.copyOfRange(id, 1, id.length), StandardCharsets.UTF_8));
    }
}
