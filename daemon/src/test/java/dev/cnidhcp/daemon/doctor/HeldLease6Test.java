package dev.cnidhcp.daemon.doctor;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cnidhcp.daemon.config.Route6;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Reading a LEASES answer with both families: each reader takes its family's entries only. */
class HeldLease6Test {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BOTH = "[{\"family\":\"ipv4\",\"container\":\"c1\",\"network\":\"lan\",\"ifname\":\"eth0\","
            + "\"netns\":\"/run/netns/c1\",\"state\":\"bound\",\"lost\":false,\"problem\":\"\",\"address\":\"10.99.0.100/24\"},"
            + "{\"family\":\"ipv6\",\"container\":\"c1\",\"network\":\"lan\",\"ifname\":\"eth0\",\"netns\":\"/run/netns/c1\","
            + "\"state\":\"renewing\",\"lost\":false,\"problem\":\"\",\"address\":\"fd99::10/64\"},"
            + "{\"family\":\"ipv6\",\"container\":\"c2\",\"network\":\"lan\",\"ifname\":\"eth0\",\"netns\":\"/run/netns/c2\","
            + "\"state\":\"soliciting\",\"lost\":false,\"problem\":\"\"},"
            + "{\"container\":\"c3\",\"network\":\"lan\",\"ifname\":\"eth0\",\"netns\":\"/run/netns/c3\","
            + "\"state\":\"bound\",\"lost\":false,\"problem\":\"\",\"address\":\"10.99.0.101/24\"}]";

    @Test
    void theV6ReaderTakesTheIpv6EntriesAndTheV4ReaderTheRestIncludingThoseWithoutAFamily() throws Exception {
        List<HeldLease6> v6 = HeldLease6.fromJson(JSON.readTree(BOTH));
        List<HeldLease> v4 = HeldLease.fromJson(JSON.readTree(BOTH));

        assertEquals(List.of("c1", "c2"), v6.stream().map(HeldLease6::container).toList());
        assertEquals(Route6.parseAddress("fd99::10", "t"), v6.get(0).address());
        assertEquals(64, v6.get(0).prefix());
        assertEquals("renewing", v6.get(0).state());
        assertNull(v6.get(1).address(), "not granted yet");
        assertEquals(List.of("c1", "c3"), v4.stream().map(HeldLease::container).toList());
    }

    @Test
    void aV6AddressThatDoesNotParseIsRefusedNamingIt() throws Exception {
        String bad = "[{\"family\":\"ipv6\",\"container\":\"c1\",\"address\":\"fd99::10/200\"}]";

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> HeldLease6.fromJson(JSON.readTree(bad)));
        assertEquals("DHCPv6 lease address 'fd99::10/200' (expected: address/len)", e.getMessage());
    }
}
