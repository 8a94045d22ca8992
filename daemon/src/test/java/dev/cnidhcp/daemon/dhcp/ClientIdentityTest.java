package dev.cnidhcp.daemon.dhcp;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClientIdentityTest {
    private static final byte[] MAC = {2, 0, 0, 0x0a, (byte) 0xbc, (byte) 0xde};

    @Test
    void defaultClientIdIsTypeZeroThenContainerNetworkAndIfnameInUtf8() {
        byte[] id = ClientIdentity.defaultClientId("c0ffee", "net1", "eth0");
        assertEquals(0, id[0]);
        assertEquals("c0ffee/net1/eth0", new String(id, 1, id.length - 1, StandardCharsets.UTF_8));
    }

    @Test
    void defaultClientIdEncodesNonAsciiAsUtf8() {
        byte[] id = ClientIdentity.defaultClientId("c", "n", "eth\u00e9");
        assertArrayEquals(new byte[] {0, 'c', '/', 'n', '/', 'e', 't', 'h', (byte) 0xc3, (byte) 0xa9}, id);
    }

    @Test
    void twoInterfacesOfOnePodGetDifferentIds() {
        assertFalse(Arrays.equals(ClientIdentity.defaultClientId("pod", "net1", "eth0"),
                ClientIdentity.defaultClientId("pod", "net1", "net1")));
        assertFalse(Arrays.equals(ClientIdentity.defaultClientId("pod", "net1", "eth0"),
                ClientIdentity.defaultClientId("pod", "net2", "eth0")));
    }

    @Test
    void defaultClientIdIsStableForTheSameAttachment() {
        assertArrayEquals(ClientIdentity.defaultClientId("pod", "net1", "eth0"),
                ClientIdentity.defaultClientId("pod", "net1", "eth0"));
    }

    @Test
    void overlongDefaultClientIdIsCutToTheOptionMaximum() {
        byte[] id = ClientIdentity.defaultClientId("a".repeat(300), "n", "eth0");
        assertEquals(255, id.length);
        assertEquals(0, id[0]);
        new ClientIdentity(MAC, id);
    }

    @Test
    void macMustBeSixBytes() {
        byte[] id = ClientIdentity.defaultClientId("c", "n", "eth0");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ClientIdentity(new byte[5], id));
        assertTrue(e.getMessage().contains("5"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new ClientIdentity(new byte[16], id));
    }

    @Test
    void clientIdMustBeTwoTo255Bytes() {
        assertThrows(IllegalArgumentException.class, () -> new ClientIdentity(MAC, new byte[1]));
        assertThrows(IllegalArgumentException.class, () -> new ClientIdentity(MAC, new byte[256]));
        new ClientIdentity(MAC, new byte[2]);
        new ClientIdentity(MAC, new byte[255]);
    }

    @Test
    void accessorsReturnDefensiveCopies() {
        byte[] mac = MAC.clone();
        byte[] id = ClientIdentity.defaultClientId("c", "n", "eth0");
        ClientIdentity identity = new ClientIdentity(mac, id);
        mac[0] = 9;
        id[1] = 9;
        identity.mac()[1] = 9;
        identity.clientId()[2] = 9;
        assertArrayEquals(MAC, identity.mac());
        assertArrayEquals(ClientIdentity.defaultClientId("c", "n", "eth0"), identity.clientId());
    }

    @Test
    void macTextIsColonSeparatedLowercaseHex() {
        assertEquals("02:00:00:0a:bc:de", new ClientIdentity(MAC, new byte[2]).macText());
    }

    @Test
    void chaddrMatchesWhenItStartsWithTheMac() {
        ClientIdentity identity = new ClientIdentity(MAC, new byte[2]);
        assertTrue(identity.matchesChaddr(Arrays.copyOf(MAC, 16)));
        byte[] other = Arrays.copyOf(MAC, 16);
        other[5] = 0;
        assertFalse(identity.matchesChaddr(other));
        assertFalse(identity.matchesChaddr(new byte[4]));
        assertFalse(identity.matchesChaddr(null));
    }
}
