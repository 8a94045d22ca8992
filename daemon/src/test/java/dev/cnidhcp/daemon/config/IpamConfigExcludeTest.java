package dev.cnidhcp.daemon.config;

import dev.cnidhcp.cni.CniException;
import dev.cnidhcp.daemon.dhcp.Exclusions;
import dev.cnidhcp.json.MiniJson;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code ipam.exclude}: a list of CIDRs that no lease of the network may touch. */
class IpamConfigExcludeTest {

    @SuppressWarnings("unchecked")
    private static IpamConfig parse(String json) throws Exception {
        return IpamConfig.parse((Map<String, Object>) MiniJson.parse(json));
    }

    private static CniException rejected(String json) {
        return assertThrows(CniException.class, () -> parse(json));
    }

    @Test
    void absentOrEmptyExcludesNothing() throws Exception {
        assertEquals(Exclusions.NONE, parse("{\"type\":\"dhcp\"}").exclude());
        assertEquals(Exclusions.NONE, parse("{\"exclude\":[]}").exclude());
    }

    @Test
    void listedRangesAreRead() throws Exception {
        IpamConfig c = parse("{\"exclude\":[\"10.96.0.0/12\",\"192.168.1.0/24\",\"172.16.0.9\"]}");

        assertEquals(List.of("10.96.0.0/12", "192.168.1.0/24", "172.16.0.9/32"), c.exclude().strings());
    }

    @Test
    void malformedEntryIsCode7NamingKeyAndValue() {
        for (String value : List.of("10.96.0.0/33", "10.96.0.1/12", "ten", "10.96.0.0/")) {
            CniException e = rejected("{\"exclude\":[\"10.0.0.0/8\",\"" + value + "\"]}");
            assertEquals(7, e.code(), value);
            assertTrue(e.getMessage().contains("ipam.exclude") && e.getMessage().contains("'" + value + "'"),
                    e.getMessage());
        }
    }

    @Test
    void nonListOrNonStringIsCode7NamingKeyAndValue() {
        CniException notList = rejected("{\"exclude\":\"10.96.0.0/12\"}");
        assertEquals(7, notList.code());
        assertTrue(notList.getMessage().contains("ipam.exclude") && notList.getMessage().contains("10.96.0.0/12"),
                notList.getMessage());

        CniException notString = rejected("{\"exclude\":[12]}");
        assertEquals(7, notString.code());
        assertTrue(notString.getMessage().contains("ipam.exclude entry 12"), notString.getMessage());
    }
}
