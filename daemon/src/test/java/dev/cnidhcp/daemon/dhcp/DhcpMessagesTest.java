package dev.cnidhcp.daemon.dhcp;

import org.dhcp4java.DHCPConstants;
import org.dhcp4java.DHCPPacket;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.net.Inet4Address;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DhcpMessagesTest {
    private static final int XID = 0x1234abcd;
    private static final byte[] MAC = {2, 0x42, 0, 0, 0, 7};
    private static final byte[] CLIENT_ID = ClientIdentity.defaultClientId("c0ffee", "net1", "eth0");
    private static final ClientIdentity ID = new ClientIdentity(MAC, CLIENT_ID);
    private static final Inet4Address YIADDR = ip("10.1.0.5");
    private static final Inet4Address SERVER = ip("10.1.0.2");
    private static final Inet4Address ROUTER = ip("10.1.0.1");
    private static final Instant NOW = Instant.parse("2024-05-01T12:00:00Z");
    private static final byte[] DEFAULT_LIST = {1, 3, 6, 15, 26, 28, 33, 51, 54, 58, 59, 119, 121};

    private static Inet4Address ip(String text) {
        return Route.parseAddress(text, "test address");
    }

    private static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }

    private static DHCPPacket parse(byte[] wire) {
        return DHCPPacket.getPacket(wire, 0, wire.length, true);
    }

    // ------------------------------------------------------------------ client messages

    private static void assertCommonRequestFields(DHCPPacket p, byte type) {
        assertEquals(DHCPConstants.BOOTREQUEST, p.getOp());
        assertEquals(XID, p.getXid());
        assertEquals(DHCPConstants.HTYPE_ETHER, p.getHtype());
        assertEquals(6, p.getHlen());
        assertArrayEquals(MAC, Arrays.copyOf(p.getChaddr(), 6));
        assertEquals(type, p.getDHCPMessageType());
        assertArrayEquals(CLIENT_ID, p.getOptionRaw(DHCPConstants.DHO_DHCP_CLIENT_IDENTIFIER));
    }

    @Test
    void defaultRequestListAsksForTheOptionsTheLeaseUses() {
        assertArrayEquals(DEFAULT_LIST, ClientOptions.DEFAULT_REQUEST_LIST);
    }

    @Test
    void discoverCarriesXidChaddrTypeClientIdAndRequestList() {
        DHCPPacket p = parse(DhcpMessages.discover(XID, ID, ClientOptions.defaults(), false, null));
        assertCommonRequestFields(p, DHCPConstants.DHCPDISCOVER);
        assertArrayEquals(DEFAULT_LIST, p.getOptionRaw(DHCPConstants.DHO_DHCP_PARAMETER_REQUEST_LIST));
        assertEquals((short) 1500, p.getOptionAsShort(DHCPConstants.DHO_DHCP_MAX_MESSAGE_SIZE));
        assertEquals(0, p.getFlags());
        assertFalse(p.containsOption(DHCPConstants.DHO_DHCP_REQUESTED_ADDRESS));
        assertFalse(p.containsOption(DHCPConstants.DHO_DHCP_SERVER_IDENTIFIER));
        assertEquals(Ipv4Udp.ANY, p.getCiaddr());
    }

    @Test
    void discoverWithBroadcastSetsTheBroadcastFlag() {
        DHCPPacket p = parse(DhcpMessages.discover(XID, ID, ClientOptions.defaults(), true, null));
        assertEquals((short) 0x8000, p.getFlags());
    }

    @Test
    void discoverSendsTheGivenRequestList() {
        DHCPPacket p = parse(DhcpMessages.discover(XID, ID, new ClientOptions(bytes(1, 3), java.util.Map.of()), false, null));
        assertArrayEquals(bytes(1, 3), p.getOptionRaw(DHCPConstants.DHO_DHCP_PARAMETER_REQUEST_LIST));
    }

    @Test
    void requestInSelectingStateCarriesRequestedAddressAndServerId() {
        DHCPPacket p = parse(DhcpMessages.requestOffer(XID, ID, ClientOptions.defaults(), false,
                YIADDR, SERVER));
        assertCommonRequestFields(p, DHCPConstants.DHCPREQUEST);
        assertEquals(YIADDR, p.getOptionAsInetAddr(DHCPConstants.DHO_DHCP_REQUESTED_ADDRESS));
        assertEquals(SERVER, p.getOptionAsInetAddr(DHCPConstants.DHO_DHCP_SERVER_IDENTIFIER));
        assertArrayEquals(DEFAULT_LIST, p.getOptionRaw(DHCPConstants.DHO_DHCP_PARAMETER_REQUEST_LIST));
        assertEquals(Ipv4Udp.ANY, p.getCiaddr());
    }

    @Test
    void requestInSelectingStateHonoursBroadcastFlag() {
        DHCPPacket p = parse(DhcpMessages.requestOffer(XID, ID, ClientOptions.defaults(), true,
                YIADDR, SERVER));
        assertEquals((short) 0x8000, p.getFlags());
    }

    @Test
    void builtMessagesHaveSecsZeroAndWithSecsSetsItInACopy() {
        byte[] discover = DhcpMessages.discover(XID, ID, ClientOptions.defaults(), false, null);
        byte[] later = DhcpMessages.withSecs(discover, 300);

        assertEquals(0, parse(discover).getSecs());
        assertEquals(300, parse(later).getSecs());
        assertEquals(0xffff, parse(DhcpMessages.withSecs(discover, 1_000_000)).getSecs() & 0xffff, "saturates");
        assertArrayEquals(Arrays.copyOfRange(discover, 10, discover.length),
                Arrays.copyOfRange(later, 10, later.length), "nothing else changes");
        assertThrows(IllegalArgumentException.class, () -> DhcpMessages.withSecs(discover, -1));
    }

    @Test
    void renewalCarriesCiaddrAndNeitherRequestedAddressNorServerId() {
        DHCPPacket p = parse(DhcpMessages.requestRenewal(XID, ID, ClientOptions.defaults(), YIADDR));
        assertCommonRequestFields(p, DHCPConstants.DHCPREQUEST);
        assertEquals(YIADDR, p.getCiaddr());
        assertFalse(p.containsOption(DHCPConstants.DHO_DHCP_REQUESTED_ADDRESS));
        assertFalse(p.containsOption(DHCPConstants.DHO_DHCP_SERVER_IDENTIFIER));
        assertArrayEquals(DEFAULT_LIST, p.getOptionRaw(DHCPConstants.DHO_DHCP_PARAMETER_REQUEST_LIST));
        assertEquals(0, p.getFlags());
    }

    @Test
    void releaseCarriesCiaddrServerIdAndTheSameClientId() {
        DHCPPacket p = parse(DhcpMessages.release(XID, ID, YIADDR, SERVER));
        assertCommonRequestFields(p, DHCPConstants.DHCPRELEASE);
        assertEquals(YIADDR, p.getCiaddr());
        assertEquals(SERVER, p.getOptionAsInetAddr(DHCPConstants.DHO_DHCP_SERVER_IDENTIFIER));
        assertFalse(p.containsOption(DHCPConstants.DHO_DHCP_REQUESTED_ADDRESS));
    }

    // ------------------------------------------------------------------ server replies

    /** RFC 3397's example: eng.apple.com, marketing.apple.com (compressed). */
    private static byte[] searchList() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(3);
        out.writeBytes("eng".getBytes(StandardCharsets.US_ASCII));
        out.write(5);
        out.writeBytes("apple".getBytes(StandardCharsets.US_ASCII));
        out.write(3);
        out.writeBytes("com".getBytes(StandardCharsets.US_ASCII));
        out.write(0);
        out.write(9);
        out.writeBytes("marketing".getBytes(StandardCharsets.US_ASCII));
        out.write(0xc0);
        out.write(0x04);
        return out.toByteArray();
    }

    /** An ACK with every option the lease reads, except 33 and 121. */
    private static DHCPPacket ack() {
        DHCPPacket p = new DHCPPacket();
        p.setOp(DHCPConstants.BOOTREPLY);
        p.setHtype(DHCPConstants.HTYPE_ETHER);
        p.setHlen((byte) 6);
        p.setXid(XID);
        p.setChaddr(MAC);
        p.setYiaddr(YIADDR);
        p.setDHCPMessageType(DHCPConstants.DHCPACK);
        p.setOptionAsInetAddress(DHCPConstants.DHO_DHCP_SERVER_IDENTIFIER, SERVER);
        p.setOptionRaw(DHCPConstants.DHO_SUBNET_MASK, bytes(255, 255, 255, 0));
        p.setOptionRaw(DHCPConstants.DHO_ROUTERS, bytes(10, 1, 0, 1, 10, 1, 0, 254));
        p.setOptionRaw(DHCPConstants.DHO_DOMAIN_NAME_SERVERS, bytes(10, 1, 0, 53, 8, 8, 8, 8));
        p.setOptionAsString(DHCPConstants.DHO_DOMAIN_NAME, "example.org");
        p.setOptionAsInt(DHCPConstants.DHO_DHCP_LEASE_TIME, 3600);
        p.setOptionAsInt(DHCPConstants.DHO_DHCP_RENEWAL_TIME, 1000);
        p.setOptionAsInt(DHCPConstants.DHO_DHCP_REBINDING_TIME, 3000);
        p.setOptionRaw((byte) 119, searchList());
        return p;
    }

    private static DhcpMessages.Reply reply(DHCPPacket p) throws DhcpParseException {
        return DhcpMessages.parseReply(p.serialize(), XID, ID);
    }

    private static Lease lease(DHCPPacket p) throws DhcpParseException {
        return DhcpMessages.leaseOf(reply(p), NOW);
    }

    private static DhcpParseException rejected(DHCPPacket p) {
        return assertThrows(DhcpParseException.class, () -> reply(p));
    }

    @Test
    void parseReplyAcceptsTheAckForThisExchange() throws DhcpParseException {
        DhcpMessages.Reply r = reply(ack());
        assertEquals(MessageType.ACK, r.type());
        assertEquals(YIADDR, r.yiaddr());
        assertEquals(SERVER, r.serverId());
    }

    @Test
    void parseReplyAcceptsAnOffer() throws DhcpParseException {
        DHCPPacket p = ack();
        p.setDHCPMessageType(DHCPConstants.DHCPOFFER);
        assertEquals(MessageType.OFFER, reply(p).type());
    }

    @Test
    void parseReplyAcceptsTheClientIdEchoedBack() throws DhcpParseException {
        DHCPPacket p = ack();
        p.setOptionRaw(DHCPConstants.DHO_DHCP_CLIENT_IDENTIFIER, CLIENT_ID);
        assertEquals(MessageType.ACK, reply(p).type());
    }

    @Test
    void parseReplyRejectsAnotherXid() {
        DHCPPacket p = ack();
        p.setXid(XID + 1);
        assertTrue(rejected(p).getMessage().contains("xid"));
    }

    @Test
    void parseReplyRejectsAnotherChaddr() {
        DHCPPacket p = ack();
        byte[] other = MAC.clone();
        other[5] = 8;
        p.setChaddr(other);
        assertTrue(rejected(p).getMessage().contains("chaddr"));
    }

    @Test
    void parseReplyRejectsAnotherEchoedClientId() {
        DHCPPacket p = ack();
        p.setOptionRaw(DHCPConstants.DHO_DHCP_CLIENT_IDENTIFIER,
                ClientIdentity.defaultClientId("c0ffee", "net1", "eth1"));
        assertTrue(rejected(p).getMessage().contains("client identifier"));
    }

    @Test
    void parseReplyRejectsBootRequest() {
        DHCPPacket p = ack();
        p.setOp(DHCPConstants.BOOTREQUEST);
        assertTrue(rejected(p).getMessage().contains("BOOTREPLY"));
    }

    @Test
    void parseReplyRejectsMissingMessageType() {
        DHCPPacket p = ack();
        p.removeOption(DHCPConstants.DHO_DHCP_MESSAGE_TYPE);
        assertTrue(rejected(p).getMessage().contains("option 53"));
    }

    @Test
    void parseReplyRejectsAckWithoutServerIdentifier() {
        DHCPPacket p = ack();
        p.removeOption(DHCPConstants.DHO_DHCP_SERVER_IDENTIFIER);
        assertTrue(rejected(p).getMessage().contains("option 54"));
    }

    @Test
    void parseReplyAcceptsNakWithoutServerIdentifier() throws DhcpParseException {
        DHCPPacket p = ack();
        p.setDHCPMessageType(DHCPConstants.DHCPNAK);
        p.removeOption(DHCPConstants.DHO_DHCP_SERVER_IDENTIFIER);
        DhcpMessages.Reply r = reply(p);
        assertEquals(MessageType.NAK, r.type());
        assertNull(r.serverId());
    }

    @Test
    void parseReplyRejectsTruncatedBytes() {
        byte[] wire = ack().serialize();
        for (int length : new int[] {0, 1, 100, 235}) {
            byte[] cut = Arrays.copyOf(wire, length);
            DhcpParseException e = assertThrows(DhcpParseException.class,
                    () -> DhcpMessages.parseReply(cut, XID, ID), () -> "accepted " + length + " bytes");
            assertTrue(e.getMessage().startsWith("malformed DHCP message"), e.getMessage());
        }
    }

    @Test
    void eachRejectionNamesItsReason() {
        DHCPPacket xid = ack();
        xid.setXid(XID + 1);
        assertEquals(DropReason.WRONG_XID, rejected(xid).reason());
        DHCPPacket chaddr = ack();
        chaddr.setChaddr(new byte[] {2, 0x42, 0, 0, 0, 8});
        assertEquals(DropReason.WRONG_CHADDR, rejected(chaddr).reason());
        DHCPPacket clientId = ack();
        clientId.setOptionRaw(DHCPConstants.DHO_DHCP_CLIENT_IDENTIFIER, new byte[] {0, 'x'});
        assertEquals(DropReason.WRONG_CLIENT_ID, rejected(clientId).reason());
        DHCPPacket op = ack();
        op.setOp(DHCPConstants.BOOTREQUEST);
        assertEquals(DropReason.NOT_BOOTREPLY, rejected(op).reason());
        DHCPPacket type = ack();
        type.removeOption(DHCPConstants.DHO_DHCP_MESSAGE_TYPE);
        assertEquals(DropReason.NO_MESSAGE_TYPE, rejected(type).reason());
        DHCPPacket server = ack();
        server.removeOption(DHCPConstants.DHO_DHCP_SERVER_IDENTIFIER);
        assertEquals(DropReason.NO_SERVER_ID, rejected(server).reason());
    }

    @Test
    void parseReplyRejectsAMessageWithoutMagicCookie() {
        byte[] wire = ack().serialize();
        wire[236] = 0;
        DhcpParseException e = assertThrows(DhcpParseException.class, () -> DhcpMessages.parseReply(wire, XID, ID));
        assertEquals(DropReason.BAD_COOKIE, e.reason());
    }

    @Test
    void parseReplyRejectsAnOptionLongerThanTheMessage() {
        byte[] wire = ack().serialize();
        int end = wire.length - 1;
        while (wire[end] != (byte) 255) {
            end--;
        }
        byte[] cut = Arrays.copyOf(wire, end + 3);
        cut[end] = 15;         // domain name ...
        cut[end + 1] = 40;     // ... of 40 bytes, of which 1 is there
        DhcpParseException e = assertThrows(DhcpParseException.class, () -> DhcpMessages.parseReply(cut, XID, ID));
        assertEquals(DropReason.MALFORMED, e.reason());
    }

    @Test
    void parseReplyRejectsAMessageTypeOfTwoBytesInsteadOfThrowingUnchecked() {
        DHCPPacket p = ack();
        p.setOptionRaw(DHCPConstants.DHO_DHCP_MESSAGE_TYPE, bytes(5, 5));
        assertEquals(DropReason.MALFORMED, rejected(p).reason());
    }

    @Test
    void parseReplyRejectsServerIdentifierOfWrongLength() {
        DHCPPacket p = ack();
        p.setOptionRaw(DHCPConstants.DHO_DHCP_SERVER_IDENTIFIER, bytes(10, 1, 0));
        assertThrows(DhcpParseException.class, () -> reply(p));
    }

    // ------------------------------------------------------------------ leaseOf

    @Test
    void leaseTakesAddressPrefixServerAndTimesFromTheAck() throws DhcpParseException {
        Lease lease = lease(ack());
        assertEquals(YIADDR, lease.address());
        assertEquals(24, lease.prefixLength());
        assertEquals("10.1.0.5/24", lease.cidr());
        assertEquals(SERVER, lease.serverId());
        assertEquals(Duration.ofSeconds(3600), lease.leaseTime());
        assertEquals(Duration.ofSeconds(1000), lease.renewalTime());
        assertEquals(Duration.ofSeconds(3000), lease.rebindingTime());
        assertEquals(NOW, lease.acquired());
        assertEquals(NOW.plusSeconds(1000), lease.renewAt());
        assertEquals(NOW.plusSeconds(3600), lease.expiresAt());
    }

    @Test
    void prefixFromOption1() throws DhcpParseException {
        DHCPPacket p = ack();
        p.setOptionRaw(DHCPConstants.DHO_SUBNET_MASK, bytes(255, 255, 240, 0));
        assertEquals(20, lease(p).prefixLength());
    }

    @Test
    void withoutOption1ThePrefixIsTheAddressClass() throws DhcpParseException {
        DHCPPacket p = ack();
        p.removeOption(DHCPConstants.DHO_SUBNET_MASK);
        assertEquals(8, lease(p).prefixLength());
    }

    @Test
    void nonContiguousMaskMakesTheAckUnusable() {
        DHCPPacket p = ack();
        p.setOptionRaw(DHCPConstants.DHO_SUBNET_MASK, bytes(255, 0, 255, 0));
        assertThrows(DhcpParseException.class, () -> lease(p));
    }

    @Test
    void renewalAndRebindingDefaultToHalfAndSevenEighthsOfTheLease() throws DhcpParseException {
        DHCPPacket p = ack();
        p.removeOption(DHCPConstants.DHO_DHCP_RENEWAL_TIME);
        p.removeOption(DHCPConstants.DHO_DHCP_REBINDING_TIME);
        Lease lease = lease(p);
        assertEquals(Duration.ofSeconds(1800), lease.renewalTime());
        assertEquals(Duration.ofSeconds(3150), lease.rebindingTime());
    }

    @Test
    void renewalTimeNotBelowTheLeaseFallsBackToHalf() throws DhcpParseException {
        DHCPPacket p = ack();
        p.setOptionAsInt(DHCPConstants.DHO_DHCP_RENEWAL_TIME, 3600);
        p.removeOption(DHCPConstants.DHO_DHCP_REBINDING_TIME);
        assertEquals(Duration.ofSeconds(1800), lease(p).renewalTime());
    }

    @Test
    void renewalLaterThanRebindingFallsBackToHalfTheLeaseInsteadOfSkippingRenewing() throws DhcpParseException {
        DHCPPacket p = ack();
        p.setOptionAsInt(DHCPConstants.DHO_DHCP_RENEWAL_TIME, 3000);
        p.setOptionAsInt(DHCPConstants.DHO_DHCP_REBINDING_TIME, 2000);
        Lease lease = lease(p);
        assertEquals(Duration.ofSeconds(1800), lease.renewalTime(), "T1 was clamped to T2 before: no RENEWING");
        assertEquals(Duration.ofSeconds(2000), lease.rebindingTime(), "the server's T2 still fits");
    }

    @Test
    void renewalAndRebindingBothBelowHalfAndOutOfOrderGiveBothDefaults() throws DhcpParseException {
        DHCPPacket p = ack();
        p.setOptionAsInt(DHCPConstants.DHO_DHCP_RENEWAL_TIME, 1000);
        p.setOptionAsInt(DHCPConstants.DHO_DHCP_REBINDING_TIME, 600);
        Lease lease = lease(p);
        assertEquals(Duration.ofSeconds(1800), lease.renewalTime());
        assertEquals(Duration.ofSeconds(3150), lease.rebindingTime());
    }

    /** What a server may send as T1 or T2 for a 3600 s lease: absent, malformed, or a number of seconds. */
    private static final Integer ABSENT = null;
    private static final int WRONG_LENGTH = -1;

    private static void setTime(DHCPPacket p, byte option, Integer seconds) {
        if (seconds == null) {
            p.removeOption(option);
        } else if (seconds == WRONG_LENGTH) {
            p.setOptionRaw(option, bytes(0, 100));
        } else {
            p.setOptionAsInt(option, seconds);
        }
    }

    /**
     * Every combination of T1 and T2 values (absent, wrong length, 0, below half the lease, between,
     * equal to each other, at and past the lease): the lease keeps 0 < T1 < T2 < lease, takes the
     * server's values when they already fit, and otherwise corrects them as RFC 2131 4.4.5 defaults
     * (T2 = 7/8 of the lease when it is not below the lease; T1 = half when it is not below T2).
     */
    @Test
    void everyCombinationOfServerT1AndT2GivesRenewingBeforeRebindingBeforeExpiry() throws DhcpParseException {
        Integer[] values = {ABSENT, WRONG_LENGTH, 0, 600, 1800, 2000, 3000, 3150, 3600, 4000};
        Duration lease = Duration.ofSeconds(3600);
        Duration half = Duration.ofSeconds(1800);
        Duration sevenEighths = Duration.ofSeconds(3150);
        int checked = 0;
        for (Integer t1 : values) {
            for (Integer t2 : values) {
                DHCPPacket p = ack();
                setTime(p, DHCPConstants.DHO_DHCP_RENEWAL_TIME, t1);
                setTime(p, DHCPConstants.DHO_DHCP_REBINDING_TIME, t2);
                Lease l = lease(p);
                String what = "T1 " + t1 + ", T2 " + t2 + ": " + l.renewalTime() + " / " + l.rebindingTime();
                assertTrue(l.renewalTime().compareTo(Duration.ZERO) > 0, what);
                assertTrue(l.renewalTime().compareTo(l.rebindingTime()) < 0, what);
                assertTrue(l.rebindingTime().compareTo(lease) < 0, what);
                boolean t2Usable = t2 != null && t2 > 0 && t2 < 3600;
                Duration expectedT2 = t2Usable ? Duration.ofSeconds(t2) : sevenEighths;
                boolean t1Usable = t1 != null && t1 > 0 && t1 < expectedT2.toSeconds();
                Duration expectedT1 = t1Usable ? Duration.ofSeconds(t1) : half;
                if (expectedT1.compareTo(expectedT2) >= 0) {
                    expectedT2 = sevenEighths;
                }
                assertEquals(expectedT1, l.renewalTime(), what);
                assertEquals(expectedT2, l.rebindingTime(), what);
                checked++;
            }
        }
        assertEquals(values.length * values.length, checked);
    }

    @Test
    void consistentServerTimesAreKeptAsSent() throws DhcpParseException {
        DHCPPacket p = ack(); // T1 1000, T2 3000 of 3600
        Lease lease = lease(p);
        assertEquals(Duration.ofSeconds(1000), lease.renewalTime());
        assertEquals(Duration.ofSeconds(3000), lease.rebindingTime());
    }

    @Test
    void serverT2BelowHalfTheLeaseWithoutT1GivesBothDefaults() throws DhcpParseException {
        DHCPPacket p = ack();
        p.removeOption(DHCPConstants.DHO_DHCP_RENEWAL_TIME);
        p.setOptionAsInt(DHCPConstants.DHO_DHCP_REBINDING_TIME, 600);
        Lease lease = lease(p);
        assertEquals(Duration.ofSeconds(1800), lease.renewalTime());
        assertEquals(Duration.ofSeconds(3150), lease.rebindingTime());
    }

    @Test
    void infiniteLeaseIsRenewedFarInTheFuture() throws DhcpParseException {
        DHCPPacket p = ack();
        p.setOptionAsInt(DHCPConstants.DHO_DHCP_LEASE_TIME, 0xffffffff);
        p.removeOption(DHCPConstants.DHO_DHCP_RENEWAL_TIME);
        p.removeOption(DHCPConstants.DHO_DHCP_REBINDING_TIME);
        Lease lease = lease(p);
        assertEquals(Duration.ofSeconds(Integer.MAX_VALUE), lease.leaseTime());
        assertEquals(Duration.ofSeconds(Integer.MAX_VALUE).dividedBy(2), lease.renewalTime());
    }

    @Test
    void ackWithoutLeaseTimeIsUnusable() {
        DHCPPacket p = ack();
        p.removeOption(DHCPConstants.DHO_DHCP_LEASE_TIME);
        DhcpParseException e = assertThrows(DhcpParseException.class, () -> lease(p));
        assertTrue(e.getMessage().contains("option 51"), e.getMessage());
    }

    @Test
    void ackWithoutAddressIsUnusable() {
        DHCPPacket p = ack();
        p.setYiaddr(Ipv4Udp.ANY);
        DhcpParseException e = assertThrows(DhcpParseException.class, () -> lease(p));
        assertTrue(e.getMessage().contains("yiaddr"), e.getMessage());
    }

    @Test
    void withoutOptions121And33TheRoutesAreTheDefaultRouteViaTheFirstRouter() throws DhcpParseException {
        Lease lease = lease(ack());
        assertEquals(ROUTER, lease.gateway());
        assertEquals(List.of(Route.parse("0.0.0.0/0", "10.1.0.1")), lease.routes());
    }

    @Test
    void withoutRouterThereIsNoGatewayAndNoDefaultRoute() throws DhcpParseException {
        DHCPPacket p = ack();
        p.removeOption(DHCPConstants.DHO_ROUTERS);
        Lease lease = lease(p);
        assertNull(lease.gateway());
        assertEquals(List.of(), lease.routes());
    }

    @Test
    void malformedRouterOptionIsIgnored() throws DhcpParseException {
        DHCPPacket p = ack();
        p.setOptionRaw(DHCPConstants.DHO_ROUTERS, bytes(10, 1, 0));
        Lease lease = lease(p);
        assertNull(lease.gateway());
        assertEquals(List.of(), lease.routes());
    }

    @Test
    void option33RoutesComeBeforeTheDefaultRouteViaOption3() throws DhcpParseException {
        DHCPPacket p = ack();
        p.setOptionRaw(DHCPConstants.DHO_STATIC_ROUTES, bytes(172, 16, 0, 0, 10, 1, 0, 9));
        assertEquals(List.of(Route.parse("172.16.0.0/16", "10.1.0.9"), Route.parse("0.0.0.0/0", "10.1.0.1")),
                lease(p).routes());
    }

    @Test
    void option121ReplacesOptions3And33ForRoutesButNotForTheGateway() throws DhcpParseException {
        DHCPPacket p = ack();
        p.setOptionRaw(DHCPConstants.DHO_STATIC_ROUTES, bytes(172, 16, 0, 0, 10, 1, 0, 9));
        p.setOptionRaw((byte) 121, bytes(
                0, 10, 1, 0, 254,
                16, 10, 9, 0, 0, 0, 0));
        Lease lease = lease(p);
        assertEquals(List.of(Route.parse("0.0.0.0/0", "10.1.0.254"), Route.parse("10.9.0.0/16", null)),
                lease.routes());
        assertEquals(ROUTER, lease.gateway());
    }

    @Test
    void emptyOption121IsMalformedAndFallsBackToOptions33And3() throws DhcpParseException {
        DHCPPacket p = ack();
        p.setOptionRaw((byte) 121, new byte[0]); // RFC 3442: the option is at least 5 bytes
        assertEquals(List.of(Route.parse("0.0.0.0/0", "10.1.0.1")), lease(p).routes());
    }

    @Test
    void malformedOption121FallsBackToOptions33And3() throws DhcpParseException {
        DHCPPacket p = ack();
        p.setOptionRaw(DHCPConstants.DHO_STATIC_ROUTES, bytes(172, 16, 0, 0, 10, 1, 0, 9));
        p.setOptionRaw((byte) 121, bytes(33, 1, 2, 3, 4, 5, 10, 1, 0, 1));
        assertEquals(List.of(Route.parse("172.16.0.0/16", "10.1.0.9"), Route.parse("0.0.0.0/0", "10.1.0.1")),
                lease(p).routes());
    }

    @Test
    void malformedOption33IsIgnoredButTheDefaultRouteStays() throws DhcpParseException {
        DHCPPacket p = ack();
        p.setOptionRaw(DHCPConstants.DHO_STATIC_ROUTES, bytes(172, 16, 0, 0, 10));
        assertEquals(List.of(Route.parse("0.0.0.0/0", "10.1.0.1")), lease(p).routes());
    }

    @Test
    void dnsServersDomainAndSearchListComeFromOptions6And15And119() throws DhcpParseException {
        Lease lease = lease(ack());
        assertEquals(List.of(ip("10.1.0.53"), ip("8.8.8.8")), lease.dnsServers());
        assertEquals("example.org", lease.domain());
        assertEquals(List.of("eng.apple.com", "marketing.apple.com"), lease.searchDomains());
    }

    @Test
    void domainWithTrailingNulIsTrimmed() throws DhcpParseException {
        DHCPPacket p = ack();
        p.setOptionRaw(DHCPConstants.DHO_DOMAIN_NAME, "corp.example\0".getBytes(StandardCharsets.US_ASCII));
        assertEquals("corp.example", lease(p).domain());
    }

    @Test
    void withoutDnsOptionsTheDnsFieldsAreEmpty() throws DhcpParseException {
        DHCPPacket p = ack();
        p.removeOption(DHCPConstants.DHO_DOMAIN_NAME_SERVERS);
        p.removeOption(DHCPConstants.DHO_DOMAIN_NAME);
        p.removeOption((byte) 119);
        Lease lease = lease(p);
        assertEquals(List.of(), lease.dnsServers());
        assertEquals("", lease.domain());
        assertEquals(List.of(), lease.searchDomains());
    }

    @Test
    void malformedSearchListCostsOnlyTheSearchList() throws DhcpParseException {
        DHCPPacket p = ack();
        p.setOptionRaw((byte) 119, bytes(5, 'a', 'p'));
        Lease lease = lease(p);
        assertEquals(List.of(), lease.searchDomains());
        assertEquals(YIADDR, lease.address());
    }
}
