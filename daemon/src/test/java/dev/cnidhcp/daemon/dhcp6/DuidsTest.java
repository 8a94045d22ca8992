package dev.cnidhcp.daemon.dhcp6;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** DUID and IAID of an attachment (RFC 8415 sections 11, 12; RFC 4361 6.1; RFC 6355). */
class DuidsTest {
    private static final byte[] MAC = {2, 0x42, 0, 0, 0, 7};

    @Test
    void duidLlIsTypeThreeHardwareTypeOneAndTheMac() {
        assertEquals("00030001024200000007", HexFormat.of().formatHex(Duids.duidLl(MAC)));
    }

    @Test
    void withoutATemplateTheDuidIsTheMacsDuidLl() {
        Identity6 id = Duids.identity("c0ffee", "net1", "eth0", MAC, null);

        assertArrayEquals(Duids.duidLl(MAC), id.duid());
    }

    @Test
    void iaidIsStablePerAttachmentAndDiffersBetweenInterfacesAndNetworks() {
        int iaid = Duids.iaid("c0ffee", "net1", "eth0");

        assertEquals(iaid, Duids.iaid("c0ffee", "net1", "eth0"));
        assertNotEquals(iaid, Duids.iaid("c0ffee", "net1", "eth1"));
        assertNotEquals(iaid, Duids.iaid("c0ffee", "net2", "eth0"));
        assertNotEquals(iaid, Duids.iaid("beef", "net1", "eth0"));
    }

    @Test
    void templatedClientIdOfRfc4361FormGivesItsIaidAndDuidUnchanged() {
        byte[] clientId = HexFormat.of().parseHex("ff" + "0000002a" + "00030001024200000009");

        Identity6 id = Duids.identity("c0ffee", "net1", "eth0", MAC, clientId);

        assertEquals(42, id.iaid());
        assertEquals("00030001024200000009", HexFormat.of().formatHex(id.duid()));
    }

    @Test
    void otherTemplatedClientIdGivesADeterministicDuidUuidOfEighteenBytes() {
        byte[] clientId = "\0pod-a/eth0".getBytes(StandardCharsets.UTF_8);

        Identity6 id = Duids.identity("c0ffee", "net1", "eth0", MAC, clientId);

        byte[] duid = id.duid();
        assertEquals(18, duid.length);
        assertEquals("0004", HexFormat.of().formatHex(duid, 0, 2));
        assertEquals(id, Duids.identity("c0ffee", "net1", "eth0", new byte[] {2, 0, 0, 0, 0, 9}, clientId),
                "the MAC does not matter once a template names the client");
        assertNotEquals(id, Duids.identity("c0ffee", "net1", "eth0", MAC, "\0pod-b/eth0".getBytes(StandardCharsets.UTF_8)));
        assertEquals(Duids.iaid("c0ffee", "net1", "eth0"), id.iaid());
    }

    @Test
    void identityComparesByContentAndCopiesItsDuid() {
        byte[] duid = Duids.duidLl(MAC);
        Identity6 id = new Identity6(duid, 1);
        duid[9] = 0;

        assertEquals(new Identity6(Duids.duidLl(MAC), 1), id);
        assertEquals(new Identity6(Duids.duidLl(MAC), 1).hashCode(), id.hashCode());
        assertThrows(IllegalArgumentException.class, () -> new Identity6(new byte[2], 1));
        assertThrows(IllegalArgumentException.class, () -> Duids.duidLl(new byte[5]));
    }
}
