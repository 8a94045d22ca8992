package dev.cnidhcp.cni;

import dev.cnidhcp.json.JsonException;
import dev.cnidhcp.json.MiniJson;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CniVersionTest {
    private static final List<String> ALL = List.of("0.1.0", "0.2.0", "0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0");

    @Test
    void supportedListsAllSevenVersionsOldestFirst() {
        assertEquals(ALL, CniVersion.SUPPORTED);
    }

    @Test
    void latestIsOneOneZeroAndImpliedIsZeroOneZero() {
        assertEquals("1.1.0", CniVersion.LATEST);
        assertEquals("0.1.0", CniVersion.IMPLIED);
    }

    @Test
    void isSupportedOnlyForListedVersions() {
        ALL.forEach(v -> assertTrue(CniVersion.isSupported(v), v));
        assertFalse(CniVersion.isSupported("0.5.0"));
        assertFalse(CniVersion.isSupported("1.1"));
        assertFalse(CniVersion.isSupported(""));
    }

    @Test
    void versionInfoJsonEchoesVersionAndListsAllSupported() throws JsonException {
        String json = CniVersion.versionInfoJson("0.4.0");
        assertEquals(Map.of("cniVersion", "0.4.0", "supportedVersions", ALL), MiniJson.parse(json));
        assertTrue(json.startsWith("{\"cniVersion\":\"0.4.0\",\"supportedVersions\":["), json);
    }

    @Test
    void compareOrdersVersionsBySpecificationHistory() {
        assertTrue(CniVersion.compare("0.3.0", "0.3.1") < 0);
        assertTrue(CniVersion.compare("1.0.0", "0.4.0") > 0);
        assertEquals(0, CniVersion.compare("1.1.0", "1.1.0"));
        for (int i = 0; i + 1 < ALL.size(); i++) {
            assertTrue(CniVersion.compare(ALL.get(i), ALL.get(i + 1)) < 0);
        }
    }

    @Test
    void compareRejectsUnsupportedVersionNamingIt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CniVersion.compare("1.0.0", "2.0.0"));
        assertTrue(e.getMessage().contains("2.0.0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> CniVersion.compare("0.0.1", "1.0.0"));
        assertTrue(e.getMessage().contains("0.0.1"), e.getMessage());
    }

    @Test
    void atLeastIsInclusive() {
        assertTrue(CniVersion.atLeast("0.4.0", "0.4.0"));
        assertTrue(CniVersion.atLeast("1.1.0", "0.4.0"));
        assertFalse(CniVersion.atLeast("0.3.1", "0.4.0"));
    }
}
