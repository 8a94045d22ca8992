package dev.cnidhcp.daemon.dhcp6;

import dev.cnidhcp.daemon.dhcp.DhcpParseException;
import dev.cnidhcp.daemon.dhcp.DropReason;
import org.junit.jupiter.api.Test;

import java.net.Inet6Address;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** RFC 8415 message and option codecs: what the client writes, byte for byte, and what it refuses to read. */
class Dhcp6MessageTest {
    private static final byte[] MAC = {2, 0x42, 0, 0, 0, 7};
    private static final Identity6 ID = new Identity6(Duids.duidLl(MAC), 0x01020304);
    private static final byte[] SERVER = HexFormat.of().parseHex("00030001020000000002");
    private static final Inet6Address ADDRESS = Dhcp6Options.parse("fd99::10");
    private static final Instant T0 = Instant.parse("2024-05-01T12:00:00Z");

    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replace(" ", ""));
    }

    @Test
    void solicitCarriesClientIdElapsedTimeOptionRequestRapidCommitAndAnEmptyIaNa() {
        byte[] wire = Dhcp6Messages.solicit(0xabcdef, ID, null, true, 0).encode();

        assertEquals("01abcdef"
                + "0001000a" + "00030001" + "024200000007"   // CLIENTID: DUID-LL, Ethernet
                + "00080002" + "0000"                       // ELAPSED_TIME 0
                + "00060006" + "00170018" + "0052"          // ORO: 23, 24, 82
                + "000e0000"                                // RAPID_COMMIT
                + "0003000c" + "01020304" + "00000000" + "00000000", // IA_NA, T1 = T2 = 0, no address
                HexFormat.of().formatHex(wire));
    }

    @Test
    void solicitNamesTheRequestedAddressAsAHintWithZeroLifetimes() throws Exception {
        Dhcp6Message m = Dhcp6Message.decode(Dhcp6Messages.solicit(1, ID, ADDRESS, false, 100).encode());

        IaNa ia = m.iaNa(ID.iaid());
        assertEquals(List.of(new IaAddress(ADDRESS, 0, 0, null)), ia.addresses());
        assertFalse(m.rapidCommit());
        assertEquals(100, m.elapsedTime());
    }

    @Test
    void requestCarriesTheServerIdentifierAndTheAdvertisedAddress() throws Exception {
        Dhcp6Message m = Dhcp6Message.decode(Dhcp6Messages.request(7, ID, SERVER, List.of(ADDRESS), 0).encode());

        assertEquals(MessageType6.REQUEST, m.type());
        assertArrayEquals(SERVER, m.serverId());
        assertArrayEquals(ID.duid(), m.clientId());
        assertEquals(ADDRESS, m.iaNa(ID.iaid()).addresses().get(0).address());
    }

    @Test
    void rebindHasNoServerIdentifierButRenewReleaseAndDeclineDo() throws Exception {
        Lease6 lease = lease();
        assertNull(Dhcp6Message.decode(Dhcp6Messages.rebind(1, ID, lease, 0).encode()).serverId());
        for (Dhcp6Message m : List.of(Dhcp6Messages.renew(1, ID, lease, 0), Dhcp6Messages.release(1, ID, lease, 0),
                Dhcp6Messages.decline(1, ID, lease, 0))) {
            Dhcp6Message back = Dhcp6Message.decode(m.encode());
            assertArrayEquals(SERVER, back.serverId(), m.type().toString());
            assertEquals(ADDRESS, back.iaNa(ID.iaid()).addresses().get(0).address(), m.type().toString());
        }
    }

    @Test
    void replyGrantsTheIaNaAddressWithItsTimesDnsAndSearchList() throws Exception {
        Dhcp6Message reply = reply(new IaNa(ID.iaid(), 1800, 2880, List.of(new IaAddress(ADDRESS, 3000, 3600, null)), null),
                new Option6(Option6.DNS_SERVERS, Dhcp6Options.encodeAddresses(List.of(Dhcp6Options.parse("fd99::2")))),
                new Option6(Option6.DOMAIN_LIST, Dhcp6Options.encodeDomainList(List.of("lab.test", "example.org"))),
                new Option6(Option6.UNICAST, Dhcp6Options.parse("fd99::2").getAddress()));

        Lease6 lease = Dhcp6Messages.leaseOf(Dhcp6Message.decode(reply.encode()), ID.iaid(), T0);

        assertEquals(ADDRESS, lease.address());
        assertEquals(128, lease.prefixLength());
        assertNull(lease.router());
        assertArrayEquals(SERVER, lease.serverDuid());
        assertEquals(Dhcp6Options.parse("fd99::2"), lease.serverUnicast());
        assertEquals(List.of(Dhcp6Options.parse("fd99::2")), lease.dnsServers());
        assertEquals(List.of("lab.test", "example.org"), lease.searchDomains());
        assertEquals(T0.plusSeconds(1800), lease.renewAt());
        assertEquals(T0.plusSeconds(2880), lease.rebindAt());
        assertEquals(Duration.ofSeconds(3000), lease.preferredLifetime());
        assertEquals(T0.plusSeconds(3600), lease.expiresAt());
    }

    @Test
    void t1AndT2LeftToTheClientAreHalfAndFourFifthsOfThePreferredLifetime() throws Exception {
        Dhcp6Message reply = reply(new IaNa(ID.iaid(), 0, 0, List.of(new IaAddress(ADDRESS, 1000, 2000, null)), null));

        Lease6 lease = Dhcp6Messages.leaseOf(reply, ID.iaid(), T0);

        assertEquals(Duration.ofSeconds(500), lease.renewalTime());
        assertEquals(Duration.ofSeconds(800), lease.rebindingTime());
    }

    @Test
    void iaNaWithT1AboveT2IsDiscarded() {
        Dhcp6Message reply = reply(new IaNa(ID.iaid(), 900, 800, List.of(new IaAddress(ADDRESS, 1000, 2000, null)), null));

        DhcpParseException e = assertThrows(DhcpParseException.class, () -> Dhcp6Messages.leaseOf(reply, ID.iaid(), T0));
        assertTrue(e.getMessage().contains("T1 900 > T2 800"), e.getMessage());
    }

    @Test
    void addressWhosePreferredLifetimeExceedsItsValidOneIsNotUsable() {
        Dhcp6Message reply = reply(new IaNa(ID.iaid(), 0, 0, List.of(new IaAddress(ADDRESS, 3000, 2000, null)), null));

        assertThrows(DhcpParseException.class, () -> Dhcp6Messages.leaseOf(reply, ID.iaid(), T0));
        assertThrows(DhcpParseException.class, () -> Dhcp6Messages.leaseOf(reply, ID.iaid() + 1, T0),
                "another IAID's IA_NA grants nothing");
    }

    @Test
    void iaNaStatusNoAddrsAvailIsReadWithItsMessage() throws Exception {
        Dhcp6Message reply = reply(new IaNa(ID.iaid(), 0, 0, List.of(),
                new StatusCode6(StatusCode6.NO_ADDRS_AVAIL, "no addresses available")));
        Dhcp6Message back = Dhcp6Message.decode(reply.encode());

        assertEquals("NoAddrsAvail (\"no addresses available\")", back.iaNa(ID.iaid()).status().toString());
        assertEquals(List.of(), Dhcp6Messages.offered(back, ID.iaid()));
        DhcpParseException e = assertThrows(DhcpParseException.class, () -> Dhcp6Messages.leaseOf(back, ID.iaid(), T0));
        assertTrue(e.getMessage().contains("NoAddrsAvail"), e.getMessage());
    }

    @Test
    void unknownOptionsSurviveDecodeAndReencode() throws Exception {
        byte[] wire = hex("07000001 0001000a 00030001024200000007 0002000a 00030001020000000002 ff00000301 0203");

        Dhcp6Message m = Dhcp6Message.decode(wire);

        assertArrayEquals(wire, m.encode());
        assertArrayEquals(new byte[] {1, 2, 3}, m.option(0xff00));
    }

    @Test
    void truncatedOptionIsRefusedNamingIt() {
        byte[] wire = hex("07000001 0001000a 000300010242");

        DhcpParseException e = assertThrows(DhcpParseException.class, () -> Dhcp6Message.decode(wire));
        assertTrue(e.getMessage().contains("payload of option 1"), e.getMessage());
    }

    @Test
    void messageShorterThanItsHeaderIsRefused() {
        assertThrows(DhcpParseException.class, () -> Dhcp6Message.decode(hex("0700")));
    }

    @Test
    void relayAndReconfigureMessagesAreNotForAClient() {
        for (String type : List.of("0a", "0b", "0c", "0d", "00")) {
            assertThrows(DhcpParseException.class, () -> Dhcp6Message.decode(hex(type + "000001")), type);
        }
    }

    @Test
    void twoServerIdentifiersAreRefused() {
        byte[] wire = hex("07000001 0002000a 00030001020000000002 0002000a 00030001020000000003");

        assertThrows(DhcpParseException.class, () -> Dhcp6Message.decode(wire));
    }

    @Test
    void fixedSizeOptionsOfTheWrongSizeAreRefused() throws Exception {
        assertThrows(DhcpParseException.class, () -> Dhcp6Message.decode(hex("02000001 00070002 ffff")).preference());
        assertThrows(DhcpParseException.class, () -> Dhcp6Message.decode(hex("07000001 000e0001 00")).rapidCommit());
        assertThrows(DhcpParseException.class, () -> Dhcp6Message.decode(hex("07000001 000c0004 fd990000")).serverUnicast());
        assertThrows(DhcpParseException.class, () -> Dhcp6Message.decode(hex("07000001 00170008 fd990000 00000000")).dnsServers());
        assertThrows(DhcpParseException.class, () -> Dhcp6Message.decode(hex("07000001 00030008 01020304 00000000")).iaNas());
        assertThrows(DhcpParseException.class, () -> Dhcp6Message.decode(hex("07000001 00020002 0003")).serverId());
        assertEquals(255, Dhcp6Message.decode(hex("02000001 00070001 ff")).preference());
        assertEquals(0, Dhcp6Message.decode(hex("02000001")).preference(), "absent preference is 0 (RFC 8415 18.2.9)");
    }

    @Test
    void replyForAnotherTransactionOrClientOrWithoutServerIdIsDroppedWithItsReason() {
        Dhcp6Message good = reply(IaNa.request(ID.iaid(), List.of()));
        Dhcp6Message noServer = new Dhcp6Message(MessageType6.REPLY, 5,
                List.of(new Option6(Option6.CLIENTID, ID.duid())));
        Identity6 other = new Identity6(Duids.duidLl(new byte[] {2, 0, 0, 0, 0, 8}), ID.iaid());

        assertEquals(DropReason.WRONG_XID, assertThrows(DhcpParseException.class,
                () -> Dhcp6Messages.checkAnswers(good, 6, ID)).reason());
        assertEquals(DropReason.WRONG_CLIENT_ID, assertThrows(DhcpParseException.class,
                () -> Dhcp6Messages.checkAnswers(good, 5, other)).reason());
        assertEquals(DropReason.NO_SERVER_ID, assertThrows(DhcpParseException.class,
                () -> Dhcp6Messages.checkAnswers(noServer, 5, ID)).reason());
    }

    @Test
    void domainListRefusesCompressionPointersAndUnterminatedNames() {
        assertThrows(DhcpParseException.class, () -> Dhcp6Options.domainList(hex("03 6c6162 c000")));
        assertThrows(DhcpParseException.class, () -> Dhcp6Options.domainList(hex("03 6c6162 04 7465")));
        assertThrows(DhcpParseException.class, () -> Dhcp6Options.domainList(hex("00")), "the root alone");
    }

    @Test
    void addressTextIsCompressedAsRfc5952Writes() {
        assertEquals("fd99::10", Dhcp6Options.text(ADDRESS));
        assertEquals("fe80::42:ff:fe00:7", Dhcp6Options.text(Dhcp6Options.parse("fe80:0:0:0:42:ff:fe00:7")));
        assertEquals("fd99:1::1:0:0:1", Dhcp6Options.text(Dhcp6Options.parse("fd99:1:0:0:1:0:0:1")));
    }

    static Dhcp6Message reply(IaNa ia, Option6... more) {
        List<Option6> o = new java.util.ArrayList<>(List.of(new Option6(Option6.CLIENTID, ID.duid()),
                new Option6(Option6.SERVERID, SERVER), ia.toOption()));
        o.addAll(List.of(more));
        return new Dhcp6Message(MessageType6.REPLY, 5, o);
    }

    private static Lease6 lease() {
        return new Lease6(ADDRESS, 64, null, SERVER, null, List.of(), List.of(), Duration.ofSeconds(10),
                Duration.ofSeconds(20), Duration.ofSeconds(30), Duration.ofSeconds(40), T0);
    }
}
