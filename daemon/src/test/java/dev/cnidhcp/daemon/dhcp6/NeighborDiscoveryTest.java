package dev.cnidhcp.daemon.dhcp6;

import dev.cnidhcp.daemon.dhcp.DhcpParseException;
import org.junit.jupiter.api.Test;

import java.net.Inet6Address;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** RFC 4861 messages, RFC 4862 DAD and the IPv6/UDP framing of the packet socket. */
class NeighborDiscoveryTest {
    private static final byte[] MAC = {2, 0x42, 0, 0, 0, 7};
    private static final Inet6Address LINK_LOCAL = Dhcp6Options.parse("fe80::42:ff:fe00:7");
    private static final Inet6Address ROUTER = Dhcp6Options.parse("fe80::1");
    private static final Inet6Address LEASED = Dhcp6Options.parse("fd99::10");

    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replace(" ", ""));
    }

    /** An RA: hop limit 64, M and O set, router lifetime 1800 s, then {@code options}. */
    private static byte[] ra(int lifetime, String options) {
        return hex("86 00 0000 40 c0" + String.format("%04x", lifetime) + "00000000 00000000" + options);
    }

    /** Prefix Information: fd99::/64, flags, valid 3600, preferred 1800. */
    private static final String PIO_ON_LINK = "03 04 40 c0 00000e10 00000708 00000000 fd990000000000000000000000000000";
    private static final String PIO_OFF_LINK = "03 04 40 40 00000e10 00000708 00000000 fd990000000000000000000000000000";

    @Test
    void raGivesThePrefixLengthOfAnOnLinkPrefixHoldingTheAddressAndItsSourceAsRouter() throws Exception {
        RouterAdvertisement ra = RouterAdvertisement.decode(ra(1800, PIO_ON_LINK + "01 01 020000000001"), ROUTER, 255);

        assertTrue(ra.managed());
        assertTrue(ra.other());
        assertEquals(64, ra.prefixLengthFor(LEASED));
        assertEquals(128, ra.prefixLengthFor(Dhcp6Options.parse("fd98::10")), "not in the prefix");
        assertEquals(ROUTER, ra.defaultRouter());
    }

    @Test
    void prefixWithoutTheOnLinkFlagGivesNoPrefixLength() throws Exception {
        RouterAdvertisement ra = RouterAdvertisement.decode(ra(1800, PIO_OFF_LINK), ROUTER, 255);

        assertEquals(128, ra.prefixLengthFor(LEASED));
    }

    @Test
    void routerLifetimeZeroMeansNoDefaultRouter() throws Exception {
        RouterAdvertisement ra = RouterAdvertisement.decode(ra(0, PIO_ON_LINK), ROUTER, 255);

        assertNull(ra.defaultRouter());
        assertEquals(64, ra.prefixLengthFor(LEASED));
    }

    @Test
    void raIsRefusedUnlessHopLimit255FromALinkLocalSourceWithSoundOptions() {
        byte[] good = ra(1800, PIO_ON_LINK);
        assertThrows(DhcpParseException.class, () -> RouterAdvertisement.decode(good, ROUTER, 254));
        assertThrows(DhcpParseException.class, () -> RouterAdvertisement.decode(good, LEASED, 255));
        assertThrows(DhcpParseException.class, () -> RouterAdvertisement.decode(ra(1800, "05 00"), ROUTER, 255),
                "an option of length 0");
        assertThrows(DhcpParseException.class, () -> RouterAdvertisement.decode(ra(1800, "03 04 40"), ROUTER, 255),
                "a truncated option");
        assertThrows(DhcpParseException.class, () -> RouterAdvertisement.decode(hex("86 00 0000 40"), ROUTER, 255));
    }

    @Test
    void raAppliedToALeaseSetsPrefixAndRouter() throws Exception {
        RouterAdvertisement ra = RouterAdvertisement.decode(ra(1800, PIO_ON_LINK), ROUTER, 255);
        Lease6 lease = new Lease6(LEASED, 128, null, hex("00030001020000000002"), null, List.of(), List.of(),
                java.time.Duration.ofSeconds(1), java.time.Duration.ofSeconds(2), java.time.Duration.ofSeconds(3),
                java.time.Duration.ofSeconds(4), java.time.Instant.EPOCH);

        Lease6 applied = ra.applyTo(lease);

        assertEquals("fd99::10/64", applied.cidr());
        assertEquals(ROUTER, applied.router());
    }

    @Test
    void routerSolicitationCarriesTheSourceLinkLayerAddress() {
        assertEquals("8500000000000000" + "0101024200000007", HexFormat.of().formatHex(NeighborDiscovery.routerSolicitation(MAC)));
        assertEquals(8, NeighborDiscovery.routerSolicitation(null).length, "none from ::");
    }

    @Test
    void dadProbeGoesToTheSolicitedNodeGroupOfTheAddress() throws Exception {
        assertEquals(Dhcp6Options.parse("ff02::1:ff00:10"), NeighborDiscovery.solicitedNode(LEASED));
        byte[] ns = NeighborDiscovery.dadSolicitation(LEASED);
        assertEquals(LEASED, NeighborDiscovery.target(ns, 255, NeighborDiscovery.NEIGHBOR_SOLICITATION));
        assertThrows(DhcpParseException.class, () -> NeighborDiscovery.target(ns, 1, NeighborDiscovery.NEIGHBOR_SOLICITATION));
    }

    @Test
    void neighborAdvertisementIsSolicitedOverrideWithTheTargetLinkLayerAddress() throws Exception {
        byte[] na = NeighborDiscovery.advertisement(LINK_LOCAL, MAC, true);

        assertEquals(0x60, na[4] & 0xff, "S and O flags");
        assertEquals(LINK_LOCAL, NeighborDiscovery.target(na, 255, NeighborDiscovery.NEIGHBOR_ADVERTISEMENT));
        assertArrayEquals(new byte[] {2, 1, 2, 0x42, 0, 0, 0, 7}, java.util.Arrays.copyOfRange(na, 24, 32));
    }

    @Test
    void eui64LinkLocalFlipsTheUniversalLocalBit() {
        assertEquals(LINK_LOCAL, NeighborDiscovery.linkLocal(MAC));
    }

    @Test
    void udpPacketRoundTripsWithAChecksumThatSumsToZero() {
        byte[] payload = {1, 2, 3, 4, 5};
        byte[] packet = Ipv6Packets.udp(LINK_LOCAL, Dhcp6Transport.ALL_SERVERS, 546, 547, payload);

        Ipv6Packets.Packet p = Ipv6Packets.parse(packet, packet.length);
        assertEquals(LINK_LOCAL, p.source());
        assertEquals(1, p.hopLimit(), "link-scope multicast stays on the link");
        assertNull(Ipv6Packets.udpPayload(p, 546), "to the server port, not the client's");
        assertArrayEquals(payload, Ipv6Packets.udpPayload(p, 547));
        assertEquals(0, Ipv6Packets.checksum(LINK_LOCAL, Dhcp6Transport.ALL_SERVERS, Ipv6Packets.UDP, p.payload()) & 0xffff,
                "the checksum over pseudo-header and datagram verifies");
        assertNull(Ipv6Packets.parse(packet, packet.length - 1), "truncated");
        assertArrayEquals(new byte[] {0x33, 0x33, 0, 1, 0, 2}, Ipv6Packets.multicastMac(Dhcp6Transport.ALL_SERVERS));
    }

    @Test
    void icmpv6PacketHasHopLimit255AndAVerifyingChecksum() {
        byte[] packet = Ipv6Packets.icmpv6(LINK_LOCAL, NeighborDiscovery.ALL_ROUTERS, NeighborDiscovery.routerSolicitation(MAC));

        Ipv6Packets.Packet p = Ipv6Packets.parse(packet, packet.length);
        assertEquals(255, p.hopLimit());
        assertEquals(Ipv6Packets.ICMPV6, p.nextHeader());
        assertEquals(0, Ipv6Packets.checksum(LINK_LOCAL, NeighborDiscovery.ALL_ROUTERS, Ipv6Packets.ICMPV6, p.payload()));
        assertFalse(NeighborDiscovery.isType(p.payload(), RouterAdvertisement.TYPE));
    }
}
