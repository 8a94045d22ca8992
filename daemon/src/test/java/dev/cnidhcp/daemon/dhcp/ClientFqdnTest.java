package dev.cnidhcp.daemon.dhcp;

import org.junit.jupiter.api.Test;

import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClientFqdnTest {
    private static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    @Test
    void flagsAreSAndERcodesZero() {
        byte[] v = ClientFqdn.encode("web-0");
        assertEquals(0x05, v[0], "RFC 4702 2.1: S (0x01) | E (0x04); O and N clear");
        assertEquals(0, v[1], "RCODE1: clients send 0 (RFC 4702 2.2)");
        assertEquals(0, v[2], "RCODE2: clients send 0 (RFC 4702 2.2)");
    }

    @Test
    void partialNameHasNoRootLabel() {
        // RFC 4702 2.3.1: a partial name is the labels without the terminating zero-length label
        assertEquals("050000" + "05" + hex("web-0".getBytes()), hex(ClientFqdn.encode("web-0")));
    }

    @Test
    void fullyQualifiedNameIsRfc1035LabelsWithTheRoot() {
        // RFC 1035 4.1.4's example name F.ISI.ARPA: 1 F 3 I S I 4 A R P A 0
        assertEquals("01" + "46" + "03" + "495349" + "04" + "41525041" + "00", hex(ClientFqdn.wireName("F.ISI.ARPA.")));
        assertEquals("050000" + "05" + hex("web-0".getBytes()) + "07" + hex("example".getBytes()) + "00",
                hex(ClientFqdn.encode("web-0.example.")));
    }

    @Test
    void labelOf63IsAcceptedAnd64Refused() {
        assertEquals(3 + 1 + 63, ClientFqdn.encode("a".repeat(63)).length);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ClientFqdn.encode("a".repeat(64)));
        assertTrue(e.getMessage().contains("64 characters"), e.getMessage());
    }

    @Test
    void emptyLabelsAreRefused() {
        for (String bad : new String[] {"", ".", "a..b", ".a", "a.b.."}) {
            assertThrows(IllegalArgumentException.class, () -> ClientFqdn.encode(bad), bad);
        }
    }

    @Test
    void nameOver255BytesEncodedIsRefused() {
        String label = "a".repeat(63);
        String name = label + "." + label + "." + label + "." + label + "."; // 4 * 64 + 1 = 257 bytes
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ClientFqdn.encode(name));
        assertTrue(e.getMessage().contains("257 bytes"), e.getMessage());
    }

    @Test
    void nameThatFitsRfc1035ButNotTheOptionIsRefused() {
        String label = "a".repeat(63);
        String name = label + "." + label + "." + label + "." + "a".repeat(59) + "."; // 253 bytes + 3 > 255
        assertEquals(253, ClientFqdn.wireName(name).length);
        assertThrows(IllegalArgumentException.class, () -> ClientFqdn.encode(name));
    }

    @Test
    void onlyHostNameCharactersAreAccepted() {
        for (String bad : new String[] {"web_0", "web 0", "wéb", "-web", "web-", "a.-b.c"}) {
            assertThrows(IllegalArgumentException.class, () -> ClientFqdn.encode(bad), bad);
        }
        assertEquals("050000" + "05" + hex("Web-9".getBytes()), hex(ClientFqdn.encode("Web-9")));
    }
}
