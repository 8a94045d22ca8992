package dev.cnidhcp.daemon.metrics;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MetricsAddressTest {
    @Test
    void ipv4AndPort() {
        MetricsAddress a = MetricsAddress.parse("127.0.0.1:9563");
        assertEquals(new MetricsAddress("127.0.0.1", 9563), a);
        assertTrue(a.loopback());
        assertEquals("127.0.0.1:9563", a.toString());
    }

    @Test
    void bracketedIpv6() {
        MetricsAddress a = MetricsAddress.parse("[::1]:9563");
        assertEquals(new MetricsAddress("::1", 9563), a);
        assertTrue(a.loopback());
        assertEquals("[::1]:9563", a.toString());
    }

    @Test
    void emptyHostMeansEveryAddressAndIsNotLoopback() {
        MetricsAddress a = MetricsAddress.parse(":9563");
        assertEquals("", a.host());
        assertFalse(a.loopback());
    }

    @Test
    void aRoutableAddressIsNotLoopback() {
        assertFalse(MetricsAddress.parse("192.0.2.7:9563").loopback());
    }

    @Test
    void malformedValuesNameTheFlagAndTheValue() {
        for (String bad : new String[] {"9563", "127.0.0.1", "127.0.0.1:", "127.0.0.1:x", "127.0.0.1:0",
            "127.0.0.1:65536", "::1:9563"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MetricsAddress.parse(bad),
                    bad);
            assertTrue(e.getMessage().contains("-metrics") && e.getMessage().contains("\"" + bad + "\""),
                    e.getMessage());
        }
    }
}
