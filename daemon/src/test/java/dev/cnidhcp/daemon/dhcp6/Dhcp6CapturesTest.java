package dev.cnidhcp.daemon.dhcp6;

import dev.cnidhcp.daemon.dhcp.DhcpParseException;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The packets dnsmasq and Kea sent in the lab ({@code testdata/dhcp6}), decoded, and every truncation of them refused. */
class Dhcp6CapturesTest {
    private static final Path DIR = Path.of(System.getProperty("dhcp6.captures", "../testdata/dhcp6"));
    private static final Identity6 CLIENT = new Identity6(HexFormat.of().parseHex("000300015a3042ed16ac"),
            (int) 2226325860L);
    private static final Identity6 RAPID_CLIENT = new Identity6(HexFormat.of().parseHex("00030001ca4c2329333b"),
            (int) 2629280568L);
    private static final byte[] SERVER = HexFormat.of().parseHex("0001000132a192af028d12c8a4ee");
    private static final Identity6 KEA_CLIENT = new Identity6(HexFormat.of().parseHex("000300013e5fd703a642"),
            872006367);
    private static final Identity6 KEA_RAPID_CLIENT = new Identity6(HexFormat.of().parseHex("00030001d69220e34179"),
            2001885888);
    private static final byte[] KEA = HexFormat.of().parseHex("0001000132a19344ba3059cd93c1");
    private static final Instant T0 = Instant.parse("2026-12-01T14:14:08Z");

    private static byte[] capture(String name) throws Exception {
        return HexFormat.of().parseHex(Files.readString(DIR.resolve(name), StandardCharsets.US_ASCII).trim());
    }

    @Test
    void dnsmasqAdvertiseOffersOneAddressWithPreference255() throws Exception {
        Dhcp6Message m = Dhcp6Message.decode(capture("dnsmasq-advertise.hex"));

        assertEquals(MessageType6.ADVERTISE, m.type());
        Dhcp6Messages.checkAnswers(m, m.transactionId(), CLIENT);
        assertArrayEquals(SERVER, m.serverId());
        assertEquals(255, m.preference());
        assertEquals(List.of(Dhcp6Options.parse("fd99::1ff")), Dhcp6Messages.offered(m, CLIENT.iaid()));
        assertEquals("Success (\"success\")", m.status().toString(), "dnsmasq puts its Success at the top level");
    }

    @Test
    void dnsmasqReplyGrantsTheAddressWithItsTimesDnsAndSearchList() throws Exception {
        Dhcp6Message m = Dhcp6Message.decode(capture("dnsmasq-reply.hex"));
        Dhcp6Messages.checkAnswers(m, m.transactionId(), CLIENT);

        Lease6 lease = Dhcp6Messages.leaseOf(m, CLIENT.iaid(), T0);

        assertEquals(Dhcp6Options.parse("fd99::1ff"), lease.address());
        assertEquals(Duration.ofSeconds(60), lease.renewalTime());
        assertEquals(Duration.ofSeconds(105), lease.rebindingTime());
        assertEquals(Duration.ofSeconds(120), lease.preferredLifetime());
        assertEquals(Duration.ofSeconds(120), lease.validLifetime());
        assertEquals(List.of(Dhcp6Options.parse("fd99::53")), lease.dnsServers());
        assertEquals(List.of("lab.example"), lease.searchDomains());
        assertNull(lease.serverUnicast(), "dnsmasq sends no Server Unicast option");
        assertTrue(lease.fromServer(SERVER));
    }

    @Test
    void dnsmasqRapidCommitReplyCarriesTheRapidCommitOption() throws Exception {
        Dhcp6Message m = Dhcp6Message.decode(capture("dnsmasq-reply-rapid-commit.hex"));
        Dhcp6Messages.checkAnswers(m, m.transactionId(), RAPID_CLIENT);

        assertTrue(m.rapidCommit());
        assertEquals(Dhcp6Options.parse("fd99::14c"), Dhcp6Messages.leaseOf(m, RAPID_CLIENT.iaid(), T0).address());
    }

    @Test
    void dnsmasqRouterAdvertisementGivesTheOnLinkPrefixAndTheRouter() throws Exception {
        java.net.Inet6Address router = Dhcp6Options.parse("fe80::8d:12ff:fec8:a4ee");

        RouterAdvertisement ra = RouterAdvertisement.decode(capture("dnsmasq-ra.hex"), router, 255);

        assertTrue(ra.managed(), "M flag: addresses come from DHCPv6");
        assertEquals(64, ra.prefixLengthFor(Dhcp6Options.parse("fd99::1ff")));
        assertEquals(router, ra.defaultRouter());
        assertEquals(1800, ra.routerLifetime());
        assertTrue(!ra.prefixes().get(0).autonomous(), "no SLAAC on the lab's prefix");
    }

    @Test
    void keaAdvertiseHasNoPreferenceSoItCountsAsZero() throws Exception {
        Dhcp6Message m = Dhcp6Message.decode(capture("kea-advertise.hex"));

        assertEquals(MessageType6.ADVERTISE, m.type());
        Dhcp6Messages.checkAnswers(m, m.transactionId(), KEA_CLIENT);
        assertArrayEquals(KEA, m.serverId());
        assertEquals(0, m.preference());
        assertEquals(List.of(Dhcp6Options.parse("fd99::100")), Dhcp6Messages.offered(m, KEA_CLIENT.iaid()));
    }

    @Test
    void keaReplyGrantsTheAddressWithItsTimesDnsAndSearchList() throws Exception {
        Dhcp6Message m = Dhcp6Message.decode(capture("kea-reply.hex"));
        Dhcp6Messages.checkAnswers(m, m.transactionId(), KEA_CLIENT);

        Lease6 lease = Dhcp6Messages.leaseOf(m, KEA_CLIENT.iaid(), T0);

        assertEquals(Dhcp6Options.parse("fd99::100"), lease.address());
        assertEquals(T0.plusSeconds(60), lease.renewAt());
        assertEquals(T0.plusSeconds(105), lease.rebindAt());
        assertEquals(T0.plusSeconds(120), lease.expiresAt());
        assertEquals(List.of(Dhcp6Options.parse("fd99::53")), lease.dnsServers());
        assertEquals(List.of("lab.example"), lease.searchDomains());
        assertTrue(lease.fromServer(KEA));
    }

    @Test
    void keaRapidCommitReplyCarriesTheRapidCommitOption() throws Exception {
        Dhcp6Message m = Dhcp6Message.decode(capture("kea-reply-rapid-commit.hex"));
        Dhcp6Messages.checkAnswers(m, m.transactionId(), KEA_RAPID_CLIENT);

        assertTrue(m.rapidCommit());
        assertEquals(Dhcp6Options.parse("fd99::101"), Dhcp6Messages.leaseOf(m, KEA_RAPID_CLIENT.iaid(), T0).address());
    }

    @Test
    void everyTruncationOfTheCapturesIsRefusedOrDecodesConsistently() throws Exception {
        for (String name : List.of("dnsmasq-advertise.hex", "dnsmasq-reply.hex", "dnsmasq-reply-rapid-commit.hex",
                "kea-advertise.hex", "kea-reply.hex", "kea-reply-rapid-commit.hex")) {
            byte[] whole = capture(name);
            for (int n = 0; n < whole.length; n++) {
                byte[] cut = Arrays.copyOf(whole, n);
                try {
                    Dhcp6Message m = Dhcp6Message.decode(cut);
                    m.iaNas();
                    m.domainList();
                    m.dnsServers();
                    assertArrayEquals(cut, m.encode(), name + " cut at " + n + " re-encodes as read");
                } catch (DhcpParseException expected) {
                    // refused with a message: what strict parsing is for
                }
            }
        }
        byte[] ra = capture("dnsmasq-ra.hex");
        java.net.Inet6Address router = Dhcp6Options.parse("fe80::1");
        for (int n = 0; n < 16; n++) {
            byte[] cut = Arrays.copyOf(ra, n);
            assertThrows(DhcpParseException.class, () -> RouterAdvertisement.decode(cut, router, 255));
        }
    }
}
