package dev.cnidhcp.plugin;

import dev.cnidhcp.json.MiniJson;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class LeasesTableTest {
    private static final Instant NOW = Instant.parse("2026-11-27T06:30:00Z");
    private final LeasesTable table = new LeasesTable(Clock.fixed(NOW, ZoneOffset.UTC), ZoneId.of("Europe/Paris"));

    @Test
    void oneRowPerLeaseWithExpiryInLocalTimeAndSecondsLeft() throws Exception {
        List<?> leases = (List<?>) MiniJson.parse("[{\"container\":\"pod-a\",\"network\":\"labnet\","
                + "\"ifname\":\"eth0\",\"netns\":\"/run/netns/a\",\"state\":\"bound\",\"lost\":false,"
                + "\"problem\":\"\",\"address\":\"10.99.0.101/24\",\"server\":\"10.99.0.2\","
                + "\"expiresAt\":\"2026-11-27T06:31:30Z\"},"
                + "{\"container\":\"pod-bb\",\"network\":\"labnet\",\"ifname\":\"net1\",\"netns\":\"/run/netns/b\","
                + "\"state\":\"init-reboot\",\"lost\":true,\"problem\":\"lease expired without renewal\","
                + "\"address\":\"10.99.0.102/24\",\"server\":\"10.99.0.2\",\"expiresAt\":\"2026-11-27T06:29:00Z\"},"
                + "{\"container\":\"pod-c\",\"network\":\"labnet\",\"ifname\":\"eth0\",\"netns\":\"/run/netns/c\","
                + "\"state\":\"selecting\",\"lost\":false,\"problem\":\"\"}]");

        assertEquals(String.join("\n",
                "CONTAINER  NETWORK  IFNAME  FAMILY  NETNS         ADDRESS         SERVER     STATE               EXPIRES              REMAINING",
                "pod-a      labnet   eth0    ipv4    /run/netns/a  10.99.0.101/24  10.99.0.2  bound               2026-11-27 07:31:30  90s",
                "pod-bb     labnet   net1    ipv4    /run/netns/b  10.99.0.102/24  10.99.0.2  init-reboot (lost)  2026-11-27 07:29:00  expired",
                "pod-c      labnet   eth0    ipv4    /run/netns/c  -               -          selecting           -                    -",
                ""), table.render(leases));
    }

    @Test
    void noLeasesIsTheHeaderAlone() {
        assertEquals("CONTAINER  NETWORK  IFNAME  FAMILY  NETNS  ADDRESS  SERVER  STATE  EXPIRES  REMAINING\n",
                table.render(List.of()));
    }

    @Test
    void aDhcpv6LeaseIsARowOfItsOwnWithItsFamilyAndTheServersDuid() throws Exception {
        List<?> leases = (List<?>) MiniJson.parse("[{\"family\":\"ipv4\",\"container\":\"pod-a\",\"network\":\"labnet\","
                + "\"ifname\":\"eth0\",\"netns\":\"/run/netns/a\",\"state\":\"bound\",\"lost\":false,"
                + "\"problem\":\"\",\"address\":\"10.99.0.101/24\",\"server\":\"10.99.0.2\","
                + "\"expiresAt\":\"2026-11-27T06:31:30Z\"},"
                + "{\"family\":\"ipv6\",\"container\":\"pod-a\",\"network\":\"labnet\",\"ifname\":\"eth0\","
                + "\"netns\":\"/run/netns/a\",\"state\":\"rebinding\",\"lost\":false,\"problem\":\"\","
                + "\"address\":\"fd99::1c/64\",\"server\":\"00:03:00:01:02:00:00:00:00:02\",\"iaid\":305441741,"
                + "\"expiresAt\":\"2026-11-27T06:30:45Z\"},"
                + "{\"family\":\"ipv6\",\"container\":\"pod-b\",\"network\":\"labnet\",\"ifname\":\"eth0\","
                + "\"netns\":\"/run/netns/b\",\"state\":\"init\",\"lost\":true,\"problem\":\"valid lifetime ended\","
                + "\"address\":\"fd99::1d/64\",\"server\":\"00:03:00:01:02:00:00:00:00:02\","
                + "\"expiresAt\":\"2026-11-27T06:29:00Z\"}]");

        assertEquals(String.join("\n",
                "CONTAINER  NETWORK  IFNAME  FAMILY  NETNS         ADDRESS         SERVER                         STATE        EXPIRES              REMAINING",
                "pod-a      labnet   eth0    ipv4    /run/netns/a  10.99.0.101/24  10.99.0.2                      bound        2026-11-27 07:31:30  90s",
                "pod-a      labnet   eth0    ipv6    /run/netns/a  fd99::1c/64     00:03:00:01:02:00:00:00:00:02  rebinding    2026-11-27 07:30:45  45s",
                "pod-b      labnet   eth0    ipv6    /run/netns/b  fd99::1d/64     00:03:00:01:02:00:00:00:00:02  init (lost)  2026-11-27 07:29:00  expired",
                ""), table.render(leases));
    }
}
