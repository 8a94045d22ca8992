package dev.cnidhcp.daemon.dhcp;

import dev.cnidhcp.daemon.metrics.DaemonMetrics;
import dev.cnidhcp.daemon.testing.FakeClock;
import dev.cnidhcp.daemon.testing.ScriptedDhcpServer;
import dev.cnidhcp.daemon.testing.ScriptedDhcpServer.Fault;
import dev.cnidhcp.daemon.testing.ScriptedDhcpServer.Kind;
import dev.cnidhcp.daemon.testing.ScriptedDhcpServer.Received;
import org.dhcp4java.DHCPConstants;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.Inet4Address;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Phaser;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.random.RandomGenerator;

import static dev.cnidhcp.daemon.testing.ScriptedDhcpServer.OTHER_SERVER_ID;
import static dev.cnidhcp.daemon.testing.ScriptedDhcpServer.SERVER_ID;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link DhcpClient} against the scripted server: every exchange and fault, on a fake clock. */
class DhcpClientTest {
    /** Held so that JUL keeps the levels: NAKs and failures are logged as warnings. */
    private static final Logger DAEMON_LOG = Logger.getLogger("dev.cnidhcp.daemon");
    private static final Logger DHCP4JAVA_LOG = Logger.getLogger("org.dhcp4java");

    static {
        DAEMON_LOG.setLevel(Level.OFF);
        DHCP4JAVA_LOG.setLevel(Level.OFF);
    }

    private static final byte[] MAC = {2, 0x42, 0, 0, 0, 7};
    private static final byte[] CLIENT_ID = ClientIdentity.defaultClientId("c0ffee", "net1", "eth0");
    private static final ClientIdentity ID = new ClientIdentity(MAC, CLIENT_ID);
    private static final ClientSettings SETTINGS = new ClientSettings(Duration.ofSeconds(10), Duration.ofSeconds(62),
            Duration.ofSeconds(60), false, Duration.ofSeconds(4));
    private static final Inet4Address FIRST = ip("10.1.0.10");

    private final FakeClock clock = new FakeClock();
    private final Instant t0 = clock.instant();
    private final ScriptedDhcpServer server = new ScriptedDhcpServer(clock);
    private final AtomicLong xids = new AtomicLong(0x1000);
    private DhcpClient client = new DhcpClient(SETTINGS, clock, xids::incrementAndGet);

    private static Inet4Address ip(String text) {
        return Route.parseAddress(text, "test address");
    }

    private Lease acquire() throws Exception {
        return acquire(null);
    }

    private Lease acquire(Inet4Address requested) throws Exception {
        return client.acquire(server, ID, ClientOptions.defaults(), requested, clock.instant().plusSeconds(60), "test");
    }

    private Instant in(long seconds) {
        return clock.instant().plusSeconds(seconds);
    }

    // ------------------------------------------------------------------ acquisition

    @Test
    void acquiresAddressWithDiscoverOfferRequestAck() throws Exception {
        Lease lease = acquire();

        assertEquals(List.of(Kind.DISCOVER, Kind.SELECTING), server.kinds());
        assertEquals(List.of(DHCPConstants.DHCPOFFER, DHCPConstants.DHCPACK),
                server.sent().stream().map(ScriptedDhcpServer.Sent::type).toList());
        assertEquals(FIRST, lease.address());
        assertEquals(24, lease.prefixLength());
        assertEquals(SERVER_ID, lease.serverId());
        assertEquals(ScriptedDhcpServer.ROUTER, lease.gateway());
        assertEquals(List.of(new Route(Ipv4Udp.ANY, 0, ScriptedDhcpServer.ROUTER)), lease.routes());
        assertEquals(List.of(ScriptedDhcpServer.DNS), lease.dnsServers());
        assertEquals(ScriptedDhcpServer.DOMAIN, lease.domain());
        assertEquals(Duration.ofSeconds(60), lease.leaseTime());
        assertEquals(t0, lease.acquired());
        assertEquals(t0, clock.instant(), "no time passes when nothing is lost");
        assertEquals(FIRST, server.bindingOf(CLIENT_ID));
        assertEquals(0, client.droppedReplies());
        assertEquals(0, client.naksReceived());
    }

    @Test
    void requestCarriesOptions50And54OfTheOfferTaken() throws Exception {
        acquire();

        Received discover = server.last(Kind.DISCOVER);
        Received request = server.last(Kind.SELECTING);
        assertEquals(DHCPConstants.DHCPREQUEST, request.type());
        assertEquals(FIRST, request.requested());
        assertEquals(SERVER_ID, request.serverId());
        assertEquals(Ipv4Udp.ANY, request.ciaddr(), "no ciaddr while SELECTING");
        assertEquals(discover.xid(), request.xid(), "the REQUEST answers the OFFER of the same transaction");
        assertFalse(request.unicast());
        assertEquals(Ipv4Udp.ANY, request.source());
        assertFalse(discover.has(54));
        assertFalse(discover.has(50));
    }

    @Test
    void defaultParameterRequestListIsSent() throws Exception {
        acquire();

        for (Received r : server.received()) {
            assertArrayEquals(ClientOptions.DEFAULT_REQUEST_LIST, r.requestList(), r.toString());
            assertArrayEquals(new byte[] {0x05, (byte) 0xdc}, r.option(57), "maximum message size 1500");
            assertArrayEquals(CLIENT_ID, r.clientId());
            assertArrayEquals(MAC, r.chaddr());
        }
    }

    @Test
    void providedOptionsAreSentAndProvidedClientIdReplacesTheDefault() throws Exception {
        byte[] hostName = "pod-a".getBytes(StandardCharsets.US_ASCII);
        byte[] vendor = "cni-dhcp-test".getBytes(StandardCharsets.US_ASCII);
        byte[] providedId = {1, 2, 0x42, 0, 0, 0, 7};
        ClientOptions options = new ClientOptions(new byte[] {1, 3, 51, 54},
                Map.of(12, hostName, 60, vendor, 61, providedId));
        ClientIdentity provided = new ClientIdentity(MAC, providedId); // as CniHandler builds it

        Lease lease = client.acquire(server, provided, options, null, in(60), "test");

        assertEquals(2, server.received().size());
        for (Received r : server.received()) {
            assertArrayEquals(hostName, r.option(12), r.toString());
            assertArrayEquals(vendor, r.option(60));
            assertArrayEquals(providedId, r.clientId());
            assertArrayEquals(new byte[] {1, 3, 51, 54}, r.requestList());
        }
        assertEquals(FIRST, server.bindingOf(providedId));
        assertNull(server.bindingOf(CLIENT_ID), "the default identifier never reached the server");
        assertEquals(FIRST, lease.address());
        assertEquals(List.of(), lease.dnsServers(), "option 6 was not requested");
    }

    @Test
    void declineNamesTheAddressAndServerWithTheClientId() throws Exception {
        Lease lease = client.acquire(server, ID, ClientOptions.defaults(), null, in(60), "test");
        client.decline(server, ID, lease);
        org.dhcp4java.DHCPPacket p = server.last(Kind.OTHER).packet();
        assertEquals(org.dhcp4java.DHCPConstants.DHCPDECLINE, p.getDHCPMessageType());
        assertEquals(lease.address(), p.getOptionAsInetAddr(org.dhcp4java.DHCPConstants.DHO_DHCP_REQUESTED_ADDRESS));
        assertEquals(lease.serverId(), p.getOptionAsInetAddr(org.dhcp4java.DHCPConstants.DHO_DHCP_SERVER_IDENTIFIER));
        assertEquals("0.0.0.0", p.getCiaddr().getHostAddress());
        assertArrayEquals(ID.clientId(), p.getOptionRaw(org.dhcp4java.DHCPConstants.DHO_DHCP_CLIENT_IDENTIFIER));
    }

    @Test
    void optionsTheClientSetsItselfCannotBeProvided() {
        byte[] bogus = "abcd".getBytes(StandardCharsets.US_ASCII);
        for (int code : new int[] {50, 51, 53, 54, 55, 57, 58, 59}) {
            assertThrows(IllegalArgumentException.class,
                    () -> new ClientOptions(ClientOptions.DEFAULT_REQUEST_LIST, Map.of(code, bogus)), "option " + code);
        }
    }

    @Test
    void lostDiscoverIsRetransmittedAfterAboutFourSeconds() throws Exception {
        server.next(Fault.DROP);

        Lease lease = acquire();

        assertEquals(FIRST, lease.address());
        List<Received> discovers = server.received(Kind.DISCOVER);
        assertEquals(2, discovers.size());
        assertEquals(discovers.get(0).xid(), discovers.get(1).xid(), "a retransmission keeps its xid");
        long waited = Duration.between(discovers.get(0).at(), discovers.get(1).at()).toMillis();
        assertTrue(waited >= 3000 && waited <= 5000, "retransmitted after " + waited + " ms");
        assertEquals(waited, clock.since(t0).toMillis());
        assertEquals(discovers.get(1).at(), lease.acquired());
    }

    /** A jitter source that always draws {@code pick} of its range: -1 the lowest, 0 none, 1 the highest. */
    private static RandomGenerator always(int pick) {
        return new RandomGenerator() {
            @Override
            public long nextLong() {
                throw new AssertionError("the client draws a bounded jitter");
            }

            @Override
            public long nextLong(long origin, long bound) {
                return pick < 0 ? origin : pick > 0 ? bound - 1 : (origin + bound - 1) / 2;
            }
        };
    }

    private DhcpClient clientWith(ClientSettings settings, RandomGenerator jitter) {
        return new DhcpClient(settings, clock, xids::incrementAndGet, jitter, new DaemonMetrics());
    }

    /** -timeout 10 s, -resendmax 64 s, -resendtimeout 200 s. */
    private static final ClientSettings RFC_CAP = new ClientSettings(Duration.ofSeconds(10), Duration.ofSeconds(64),
            Duration.ofSeconds(200), false, Duration.ofSeconds(4));

    private List<Long> discoverGapsWhenNoServerAnswers(DhcpClient c) {
        server.down();
        assertThrows(NoLeaseException.class, () -> c.acquire(server, ID, ClientOptions.defaults(), null,
                in(600), "test"));
        return gapsMillis(server.received(Kind.DISCOVER));
    }

    @Test
    void retransmissionFollowsTheRfcScheduleNotCutShortByTheReplyTimeout() {
        List<Long> gaps = discoverGapsWhenNoServerAnswers(clientWith(RFC_CAP, always(0)));

        // sent at 0, 4, 12, 28, 60, 124, 188; given up at 200 s (-resendtimeout)
        assertEquals(List.of(4000L, 8000L, 16000L, 32000L, 64000L, 64000L), gaps);
        assertEquals(t0.plusSeconds(200), clock.instant());
    }

    @Test
    void retransmissionDelayIsCappedByResendMax() {
        List<Long> gaps = discoverGapsWhenNoServerAnswers(clientWith(new ClientSettings(Duration.ofSeconds(10),
                Duration.ofSeconds(20), Duration.ofSeconds(120), false, Duration.ofSeconds(4)), always(0)));

        assertEquals(List.of(4000L, 8000L, 16000L, 20000L, 20000L, 20000L, 20000L), gaps);
    }

    @Test
    void jitterIsAtMostOneSecondEitherWay() {
        assertEquals(List.of(3000L, 7000L, 15000L, 31000L, 63000L, 63000L),
                discoverGapsWhenNoServerAnswers(clientWith(RFC_CAP, always(-1))));
        FakeClock other = new FakeClock();
        ScriptedDhcpServer quiet = new ScriptedDhcpServer(other).down();
        DhcpClient late = new DhcpClient(RFC_CAP, other, xids::incrementAndGet, always(1), new DaemonMetrics());
        assertThrows(NoLeaseException.class, () -> late.acquire(quiet, ID, ClientOptions.defaults(), null,
                other.instant().plusSeconds(600), "test"));
        assertEquals(List.of(5000L, 9000L, 17000L, 33000L, 65000L, 65000L), gapsMillis(quiet.received(Kind.DISCOVER)));
    }

    @Test
    void seededJitterReplaysTheSameSchedule() {
        long seed = 20240501L;
        List<Long> gaps = discoverGapsWhenNoServerAnswers(clientWith(RFC_CAP, new SplittableRandom(seed)));

        SplittableRandom replay = new SplittableRandom(seed);
        long[] delays = {4000, 8000, 16000, 32000, 64000, 64000};
        List<Long> expected = new ArrayList<>();
        long sentAt = 0;
        for (long delay : delays) {
            long gap = delay + replay.nextLong(-1000, 1001);
            if (sentAt + gap >= 200_000) {
                break;
            }
            sentAt += gap;
            expected.add(gap);
        }
        assertEquals(expected, gaps, "seed " + seed);
        assertTrue(gaps.stream().anyMatch(g -> g % 1000 != 0), "jittered: " + gaps);
    }

    @Test
    void requestingRetransmitsTheRequestOnTheSameSchedule() throws Exception {
        client = clientWith(SETTINGS, always(0));
        server.whenType(DHCPConstants.DHCPREQUEST).times(2).reply(Fault.DROP);

        Lease lease = acquire();

        assertEquals(List.of(4000L, 8000L), gapsMillis(server.received(Kind.SELECTING)));
        assertEquals(FIRST, lease.address());
    }

    private static List<Long> gapsMillis(List<Received> messages) {
        List<Long> gaps = new ArrayList<>();
        for (int i = 1; i < messages.size(); i++) {
            gaps.add(Duration.between(messages.get(i - 1).at(), messages.get(i).at()).toMillis());
        }
        return gaps;
    }

    @Test
    void noOfferBeforeDeadlineIsNoLeaseException() {
        server.down();
        Instant deadline = in(30);

        NoLeaseException e = assertThrows(NoLeaseException.class,
                () -> client.acquire(server, ID, ClientOptions.defaults(), null, deadline, "test"));

        assertTrue(e.getMessage().contains("no DHCPOFFER"), e.getMessage());
        assertFalse(e.nak());
        assertEquals(deadline, clock.instant(), "gave up exactly at the deadline");
        assertTrue(server.count(Kind.DISCOVER) >= 3, server.kinds().toString());
        assertEquals(List.of(Kind.DISCOVER), server.kinds().stream().distinct().toList());
    }

    @Test
    void giveUpAfterBoundsAnAcquisitionWithALaterDeadline() {
        server.down(); // SETTINGS: giveUpAfter 60 s

        assertThrows(NoLeaseException.class,
                () -> client.acquire(server, ID, ClientOptions.defaults(), null, in(600), "test"));

        assertEquals(t0.plusSeconds(60), clock.instant());
    }

    @Test
    void lostAckIsRequestedAgainNotRediscovered() throws Exception {
        server.whenType(DHCPConstants.DHCPREQUEST).once().reply(Fault.DROP);

        Lease lease = acquire();

        assertEquals(List.of(Kind.DISCOVER, Kind.SELECTING, Kind.SELECTING), server.kinds());
        assertEquals(FIRST, lease.address());
    }

    @Test
    void noAckBeforeDeadlineNamesTheOfferAndServer() {
        server.whenType(DHCPConstants.DHCPREQUEST).reply(Fault.DROP);

        NoLeaseException e = assertThrows(NoLeaseException.class, () -> acquire());

        assertEquals("no DHCPACK for 10.1.0.10 from 10.1.0.2", e.getMessage());
    }

    // ------------------------------------------------------------------ replies that are not for us

    @Test
    void replyWithWrongXidIsDroppedAndCounted() throws Exception {
        server.next(Fault.WRONG_XID);

        Lease lease = acquire();

        assertEquals(1, client.droppedReplies());
        assertEquals(2, server.count(Kind.DISCOVER), "the OFFER with a foreign xid did not count");
        assertEquals(FIRST, lease.address());
    }

    @Test
    void replyWithWrongChaddrIsDroppedAndCounted() throws Exception {
        server.next(Fault.WRONG_CHADDR);

        Lease lease = acquire();

        assertEquals(1, client.droppedReplies());
        assertEquals(2, server.count(Kind.DISCOVER));
        assertEquals(FIRST, lease.address());
    }

    @Test
    void replyEchoingAnotherClientIdIsDropped() throws Exception {
        server.next().next(Fault.WRONG_CLIENT_ID); // the ACK echoes someone else's option 61

        Lease lease = acquire();

        assertEquals(1, client.droppedReplies());
        assertEquals(List.of(Kind.DISCOVER, Kind.SELECTING, Kind.SELECTING), server.kinds());
        assertEquals(FIRST, lease.address());
    }

    @Test
    void replyWithoutClientIdIsAccepted() throws Exception {
        server.echoClientId(false); // RFC 6842 is optional for servers

        assertEquals(FIRST, acquire().address());
        assertEquals(0, client.droppedReplies());
    }

    @Test
    void truncatedReplyIsDroppedAndTheClientKeepsWaiting() throws Exception {
        server.next(Fault.TRUNCATE);

        Lease lease = acquire();

        assertEquals(1, client.droppedReplies());
        List<Received> discovers = server.received(Kind.DISCOVER);
        assertEquals(2, discovers.size());
        long waited = Duration.between(discovers.get(0).at(), discovers.get(1).at()).toMillis();
        assertTrue(waited >= 3000, "waited out the retransmission delay: " + waited + " ms");
        assertEquals(FIRST, lease.address());
    }

    @Test
    void droppedRepliesAreCountedByReason() throws Exception {
        DaemonMetrics metrics = new DaemonMetrics();
        client = new DhcpClient(SETTINGS, clock, xids::incrementAndGet, metrics);
        server.next(Fault.WRONG_XID).next(Fault.WRONG_CHADDR).next(Fault.TRUNCATE);

        acquire();

        assertEquals(Map.of("wrong_xid", 1L, "wrong_chaddr", 1L, "malformed", 1L), metrics.droppedPackets());
        assertEquals(3, client.droppedReplies());
    }

    @Test
    void garbageBeforeTheOfferIsDroppedAndTheOfferStillTaken() throws Exception {
        server.next(Fault.GARBAGE);

        Lease lease = acquire();

        assertEquals(1, client.droppedReplies());
        assertEquals(List.of(Kind.DISCOVER, Kind.SELECTING), server.kinds());
        assertEquals(t0, clock.instant());
        assertEquals(FIRST, lease.address());
    }

    @Test
    void duplicatedOfferIsHarmless() throws Exception {
        server.next(Fault.DUPLICATE);

        Lease lease = acquire();

        assertEquals(List.of(Kind.DISCOVER, Kind.SELECTING), server.kinds(), "one REQUEST, no new DISCOVER");
        assertEquals(1, client.droppedReplies(), "the second OFFER arrived while waiting for the ACK");
        assertEquals(FIRST, lease.address());
        assertEquals(t0, clock.instant());
    }

    @Test
    void delayedOfferWithinTheWaitIsTaken() throws Exception {
        server.next(Fault.delay(2500));

        Lease lease = acquire();

        assertEquals(1, server.count(Kind.DISCOVER));
        assertEquals(t0.plusMillis(2500), lease.acquired());
    }

    @Test
    void offerDelayedPastTheRetransmissionIsReplacedByTheAnswerToTheRetransmission() throws Exception {
        server.next(Fault.delay(30_000));

        Lease lease = acquire();

        assertEquals(2, server.count(Kind.DISCOVER));
        assertTrue(clock.since(t0).toMillis() <= 5000, "did not wait for the late OFFER: " + clock.since(t0));
        assertEquals(FIRST, lease.address());
    }

    // ------------------------------------------------------------------ NAK

    @Test
    void nakToRequestStartsOverWithDiscover() throws Exception {
        server.whenType(DHCPConstants.DHCPREQUEST).once().reply(Fault.NAK);

        Lease lease = acquire();

        assertEquals(List.of(Kind.DISCOVER, Kind.SELECTING, Kind.DISCOVER, Kind.SELECTING), server.kinds());
        List<Received> discovers = server.received(Kind.DISCOVER);
        assertNotEquals(discovers.get(0).xid(), discovers.get(1).xid(), "a new transaction after the NAK");
        assertEquals(1, client.naksReceived());
        assertEquals(FIRST, lease.address());
    }

    /**
     * A NAK on a busy pool is most often a race lost to another client: while each refusal names a
     * new address, the next DISCOVERs go at once (QUICK_RESTARTS times), each getting the next free
     * address.
     */
    @Test
    void startOversAfterRacesLostForNewAddressesWaitOnlyARandomMoment() throws Exception {
        server.whenType(DHCPConstants.DHCPREQUEST).times(DhcpClient.QUICK_RESTARTS).reply(Fault.RACE_LOST);

        Lease lease = acquire();

        List<Received> requests = server.received(Kind.SELECTING);
        List<Received> discovers = server.received(Kind.DISCOVER);
        assertEquals(DhcpClient.QUICK_RESTARTS + 1, discovers.size(), server.kinds().toString());
        for (int i = 0; i < DhcpClient.QUICK_RESTARTS; i++) {
            long quick = Duration.between(requests.get(i).at(), discovers.get(i + 1).at()).toMillis();
            assertTrue(quick < DhcpClient.FIRST_RESTART_JITTER_MILLIS, "start-over " + (i + 1) + " after " + quick + " ms");
        }
        assertEquals(ip("10.1.0." + (10 + DhcpClient.QUICK_RESTARTS)), lease.address(), "the next free address each time");
    }

    @Test
    void afterTheQuickStartOversTheNextWaitsASecond() throws Exception {
        server.whenType(DHCPConstants.DHCPREQUEST).times(DhcpClient.QUICK_RESTARTS + 1).reply(Fault.RACE_LOST);

        acquire();

        List<Received> requests = server.received(Kind.SELECTING);
        List<Received> discovers = server.received(Kind.DISCOVER);
        int last = DhcpClient.QUICK_RESTARTS;
        long slow = Duration.between(requests.get(last).at(), discovers.get(last + 1).at()).toMillis();
        assertTrue(slow >= DhcpClient.SLOW_RESTART_PAUSE_MILLIS, "start-over " + (last + 1) + " after " + slow + " ms");
    }

    /** The same address refused twice is no race: the server will not grant what it offers. */
    @Test
    void aSecondRefusalOfTheSameAddressWaitsASecond() throws Exception {
        server.whenType(DHCPConstants.DHCPREQUEST).times(2).reply(Fault.NAK);

        Lease lease = acquire();

        List<Received> requests = server.received(Kind.SELECTING);
        List<Received> discovers = server.received(Kind.DISCOVER);
        assertEquals(3, discovers.size(), server.kinds().toString());
        long quick = Duration.between(requests.get(0).at(), discovers.get(1).at()).toMillis();
        assertTrue(quick < DhcpClient.FIRST_RESTART_JITTER_MILLIS, "first start-over after " + quick + " ms");
        long slow = Duration.between(requests.get(1).at(), discovers.get(2).at()).toMillis();
        assertTrue(slow >= DhcpClient.SLOW_RESTART_PAUSE_MILLIS, "second start-over for " + FIRST.getHostAddress()
                + " after " + slow + " ms");
        assertEquals(FIRST, lease.address());
    }

    @Test
    void serverThatNaksEveryRequestIsNotFloodedUntilTheDeadline() {
        server.whenType(DHCPConstants.DHCPREQUEST).reply(Fault.NAK);

        // today: ScriptedDhcpServer throws AssertionError after SPIN_LIMIT messages at one instant
        NoLeaseException e = assertThrows(NoLeaseException.class,
                () -> client.acquire(server, ID, ClientOptions.defaults(), null, in(10), "test"));

        assertTrue(e.getMessage().startsWith("DHCPNAK for 10.1.0.10 from 10.1.0.2"), e.getMessage());
        assertTrue(server.count(Kind.DISCOVER) <= 20,
                server.count(Kind.DISCOVER) + " DISCOVERs in 10 s: the client did not pause after a NAK");
    }

    @Test
    void serverSendingUnusableAcksIsNotFloodedUntilTheDeadline() {
        server.sendLeaseTime(false);

        NoLeaseException e = assertThrows(NoLeaseException.class,
                () -> client.acquire(server, ID, ClientOptions.defaults(), null, in(10), "test"));

        assertTrue(e.getMessage().contains("unusable DHCPACK"), e.getMessage());
        assertTrue(server.count(Kind.DISCOVER) <= 20,
                server.count(Kind.DISCOVER) + " DISCOVERs in 10 s: the client did not pause after a bad ACK");
    }

    @Test
    void singleNakIsCountedAndNamedWhenNothingElseComes() {
        server.next().next(Fault.NAK); // the first OFFER goes through, its REQUEST is NAKed
        for (int i = 0; i < 5; i++) {
            server.next(Fault.DROP);       // and no OFFER arrives after that
        }

        NoLeaseException e = assertThrows(NoLeaseException.class,
                () -> client.acquire(server, ID, ClientOptions.defaults(), null, in(10), "test"));

        assertEquals("DHCPNAK for 10.1.0.10 from 10.1.0.2", e.getMessage());
        assertEquals(1, client.naksReceived());
    }

    // ------------------------------------------------------------------ renewal, reboot, release

    @Test
    void renewalIsRequestWithCiaddrWithoutOptions50And54() throws Exception {
        Lease lease = acquire();
        clock.advance(Duration.ofSeconds(30));

        Lease renewed = client.renew(server.unicastTo(lease.serverId()), ID, ClientOptions.defaults(), lease, in(10));

        Received request = server.last(Kind.RENEWING);
        assertEquals(DHCPConstants.DHCPREQUEST, request.type());
        assertEquals(lease.address(), request.ciaddr());
        assertFalse(request.has(50), "no requested address while RENEWING");
        assertFalse(request.has(54), "no server identifier while RENEWING");
        assertEquals(SERVER_ID, request.unicastTo());
        assertEquals(lease.address(), request.source(), "sent from the leased address");
        assertArrayEquals(CLIENT_ID, request.clientId());
        assertFalse(request.broadcastFlag());
        assertEquals(lease.address(), renewed.address());
        assertEquals(clock.instant(), renewed.acquired());
        assertEquals(lease.expiresAt().plusSeconds(30), renewed.expiresAt());
        assertEquals(renewed.expiresAt(), server.expiryOf(CLIENT_ID));
    }

    @Test
    void rebindingBroadcastIsAnsweredByTheOtherServer() throws Exception {
        Lease lease = acquire();
        server.otherServerAnswers();
        clock.advance(Duration.ofSeconds(53));

        assertThrows(NoLeaseException.class,
                () -> client.renew(server.unicastTo(lease.serverId()), ID, ClientOptions.defaults(), lease, in(5)));
        Lease rebound = client.renew(server, ID, ClientOptions.defaults(), lease, in(5));

        assertEquals(Kind.REBINDING, server.last(Kind.REBINDING).kind());
        assertEquals(OTHER_SERVER_ID, rebound.serverId());
        assertEquals(lease.address(), rebound.address());
    }

    @Test
    void nakToRenewalIsNoLeaseExceptionWithNak() throws Exception {
        Lease lease = acquire();
        server.next(Fault.NAK);

        NoLeaseException e = assertThrows(NoLeaseException.class,
                () -> client.renew(server.unicastTo(SERVER_ID), ID, ClientOptions.defaults(), lease, in(10)));

        assertTrue(e.nak());
        assertEquals("DHCPNAK from 10.1.0.2 to the renewal of 10.1.0.10", e.getMessage());
        assertEquals(1, client.naksReceived());
    }

    @Test
    void silentRenewalIsNoLeaseExceptionWithoutNakAtTheDeadline() throws Exception {
        Lease lease = acquire();
        server.down();
        Instant deadline = in(10);

        NoLeaseException e = assertThrows(NoLeaseException.class,
                () -> client.renew(server.unicastTo(SERVER_ID), ID, ClientOptions.defaults(), lease, deadline));

        assertFalse(e.nak());
        assertEquals("no answer to the renewal of 10.1.0.10", e.getMessage());
        assertEquals(deadline, clock.instant());
    }

    @Test
    void rebootRequestsThePreviousAddressWithoutServerId() throws Exception {
        Lease lease = acquire();
        clock.advance(Duration.ofMinutes(5)); // long expired

        Lease regained = client.reboot(server, ID, ClientOptions.defaults(), lease.address(), in(10));

        Received request = server.last(Kind.INIT_REBOOT);
        assertEquals(DHCPConstants.DHCPREQUEST, request.type());
        assertEquals(lease.address(), request.requested());
        assertFalse(request.has(54), "no server identifier in INIT-REBOOT");
        assertEquals(Ipv4Udp.ANY, request.ciaddr());
        assertFalse(request.unicast());
        assertEquals(lease.address(), regained.address());
        assertEquals(clock.instant(), regained.acquired());
    }

    @Test
    void rebootForAnAddressTakenByAnotherClientIsNak() throws Exception {
        Lease lease = acquire();
        server.takeAway(lease.address());

        NoLeaseException e = assertThrows(NoLeaseException.class,
                () -> client.reboot(server, ID, ClientOptions.defaults(), lease.address(), in(10)));

        assertTrue(e.nak());
        assertTrue(e.getMessage().contains("INIT-REBOOT request for 10.1.0.10"), e.getMessage());
    }

    @Test
    void releaseCarriesCiaddrServerIdAndClientId() throws Exception {
        Lease lease = acquire();

        client.release(server.unicastTo(lease.serverId()), ID, lease);

        Received release = server.last(Kind.RELEASE);
        assertEquals(DHCPConstants.DHCPRELEASE, release.type());
        assertEquals(lease.address(), release.ciaddr());
        assertEquals(SERVER_ID, release.serverId());
        assertArrayEquals(CLIENT_ID, release.clientId());
        assertArrayEquals(MAC, release.chaddr());
        assertFalse(release.has(50));
        assertEquals(SERVER_ID, release.unicastTo());
        assertNull(server.bindingOf(CLIENT_ID), "the server freed the address");
        assertEquals(0, server.pendingReplies(), "servers do not answer a release");
    }

    @Test
    void discoverAsksForThePreviousAddressWithOption50() throws Exception {
        Inet4Address previous = ip("10.1.0.15");

        Lease lease = acquire(previous);

        assertEquals(previous, server.last(Kind.DISCOVER).requested());
        assertEquals(previous, server.last(Kind.SELECTING).requested());
        assertEquals(previous, lease.address());
    }

    @Test
    void discoverForAnAddressTakenElsewhereGetsAnotherOne() throws Exception {
        Inet4Address previous = ip("10.1.0.15");
        server.takeAway(previous);

        Lease lease = acquire(previous);

        assertEquals(previous, server.last(Kind.DISCOVER).requested());
        assertEquals(FIRST, lease.address());
    }

    // ------------------------------------------------------------------ flags and times

    @Test
    void broadcastFlagSetWhenConfigured() throws Exception {
        client = new DhcpClient(new ClientSettings(Duration.ofSeconds(10), Duration.ofSeconds(62),
                Duration.ofSeconds(60), true, Duration.ofSeconds(4)), clock, xids::incrementAndGet);

        Lease lease = acquire();
        client.reboot(server, ID, ClientOptions.defaults(), lease.address(), in(10));

        for (Received r : server.received()) {
            assertTrue(r.broadcastFlag(), r.toString());
        }
    }

    @Test
    void broadcastFlagClearByDefault() throws Exception {
        acquire();

        for (Received r : server.received()) {
            assertFalse(r.broadcastFlag(), r.toString());
        }
    }

    @Test
    void t1AndT2DefaultToHalfAndSevenEighthsOfTheLease() throws Exception {
        Lease lease = acquire(); // the server sends no options 58 and 59

        assertEquals(Duration.ofSeconds(30), lease.renewalTime());
        assertEquals(Duration.ofMillis(52_500), lease.rebindingTime());
        assertEquals(t0.plusSeconds(30), lease.renewAt());
        assertEquals(t0.plusMillis(52_500), lease.rebindAt());
        assertEquals(t0.plusSeconds(60), lease.expiresAt());
    }

    @Test
    void t1AndT2FromTheServerAreTaken() throws Exception {
        server.leaseTime(Duration.ofSeconds(600)).renewalTime(Duration.ofSeconds(100))
                .rebindingTime(Duration.ofSeconds(400));

        Lease lease = acquire();

        assertEquals(Duration.ofSeconds(100), lease.renewalTime());
        assertEquals(Duration.ofSeconds(400), lease.rebindingTime());
    }

    @Test
    void classlessRoutesReplaceTheRouterRoute() throws Exception {
        server.classlessRoutes(new byte[] {0, 10, 1, 0, 1, 16, 10, 2, 10, 1, 0, 9});

        Lease lease = acquire();

        assertEquals(List.of(Route.parse("0.0.0.0/0", "10.1.0.1"), Route.parse("10.2.0.0/16", "10.1.0.9")),
                lease.routes());
    }

    // ------------------------------------------------------------------ secs and the lease's start

    private static List<Integer> secs(List<Received> messages) {
        return messages.stream().map(r -> r.packet().getSecs() & 0xffff).toList();
    }

    @Test
    void everyDiscoverCarriesTheSecondsSinceTheFirstAndTheRequestThoseOfTheDiscoverAnswered() throws Exception {
        client = clientWith(SETTINGS, always(0));
        server.next(Fault.DROP).next(Fault.DROP);                           // two OFFERs lost
        server.whenType(DHCPConstants.DHCPREQUEST).once().reply(Fault.DROP); // and the first ACK

        acquire();

        assertEquals(List.of(0, 4, 12), secs(server.received(Kind.DISCOVER)));
        assertEquals(List.of(12, 12), secs(server.received(Kind.SELECTING)),
                "RFC 2131 4.4.1: the same secs as the DISCOVER, also when retransmitted at 16 s");
    }

    @Test
    void secsKeepCountingFromTheFirstDiscoverAfterANak() throws Exception {
        client = clientWith(SETTINGS, always(0));
        server.next(Fault.DROP);
        server.whenType(DHCPConstants.DHCPREQUEST).times(3).reply(Fault.NAK);

        acquire();

        // DISCOVER at 0 and 4, REQUEST NAKed at 4, a random pause (124 ms here), a DISCOVER at 4,
        // the same address NAKed again and a pause of 1 s, a DISCOVER at 5, NAKed again and a pause
        // of 2 s, a DISCOVER at 7: all counted from the first
        assertEquals(List.of(0, 4, 4, 5, 7), secs(server.received(Kind.DISCOVER)));
    }

    @Test
    void renewalAndRebootCountSecsFromTheirFirstTransmission() throws Exception {
        client = clientWith(SETTINGS, always(0));
        Lease lease = acquire();
        clock.advance(Duration.ofSeconds(30));
        server.whenType(DHCPConstants.DHCPREQUEST).once().reply(Fault.DROP);

        client.renew(server.unicastTo(SERVER_ID), ID, ClientOptions.defaults(), lease, in(10));
        server.whenType(DHCPConstants.DHCPREQUEST).once().reply(Fault.DROP);
        client.reboot(server, ID, ClientOptions.defaults(), lease.address(), in(10));

        assertEquals(List.of(0, 4), secs(server.received(Kind.RENEWING)));
        assertEquals(List.of(0, 4), secs(server.received(Kind.INIT_REBOOT)));
    }

    @Test
    void declineAndReleaseCarrySecsZero() throws Exception {
        server.next(Fault.DROP);
        Lease lease = acquire();
        clock.advance(Duration.ofSeconds(30));

        client.decline(server, ID, lease);
        client.release(server.unicastTo(SERVER_ID), ID, lease);

        assertEquals(0, server.last(Kind.OTHER).packet().getSecs());
        assertEquals(0, server.last(Kind.RELEASE).packet().getSecs());
    }

    @Test
    void leaseCountsFromWhenTheRequestWasSentNotFromTheAck() throws Exception {
        server.whenType(DHCPConstants.DHCPREQUEST).once().reply(Fault.delay(2500));

        Lease lease = acquire();

        assertEquals(t0.plusMillis(2500), clock.instant(), "the ACK arrived 2.5 s after the REQUEST");
        assertEquals(t0, lease.acquired());
        assertEquals(t0.plusSeconds(60), lease.expiresAt());
        assertFalse(lease.expiresAt().isAfter(server.expiryOf(CLIENT_ID)), "never later than the server's expiry");
    }

    @Test
    void leaseCountsFromTheFirstTransmissionOfTheRequestWhenTheAckAnswersARetransmission() throws Exception {
        client = clientWith(SETTINGS, always(0));
        server.whenType(DHCPConstants.DHCPREQUEST).once().reply(Fault.DROP);

        Lease lease = acquire();

        List<Received> requests = server.received(Kind.SELECTING);
        assertEquals(2, requests.size());
        assertEquals(requests.get(0).at(), lease.acquired());
        assertEquals(t0.plusSeconds(4), requests.get(1).at());
    }

    @Test
    void renewedLeaseCountsFromTheRenewalRequest() throws Exception {
        Lease lease = acquire();
        clock.advance(Duration.ofSeconds(30));
        Instant sent = clock.instant();
        server.next(Fault.delay(1500));

        Lease renewed = client.renew(server.unicastTo(SERVER_ID), ID, ClientOptions.defaults(), lease, in(10));

        assertEquals(sent, renewed.acquired());
        assertEquals(sent.plusMillis(1500), clock.instant());
    }

    // ------------------------------------------------------------------ sharing

    /** A transport that, after each send, waits until every other identity has sent its message too. */
    private static DhcpTransport inLockstep(DhcpTransport t, Phaser phaser) {
        return new DhcpTransport() {
            @Override
            public void send(byte[] payload, Inet4Address source) throws java.io.IOException {
                t.send(payload, source);
                phaser.arriveAndAwaitAdvance();
            }

            @Override
            public byte[] receive(long timeoutMillis) throws java.io.IOException {
                return t.receive(timeoutMillis);
            }

            @Override
            public void close() {
            }
        };
    }

    /**
     * One client, many identities at once on real threads, each against its own scripted server: all
     * of them send a DISCOVER before any reads its OFFER, then a REQUEST before any reads its ACK,
     * then a renewal, so every exchange's state is live on every thread at the same time. Each gets
     * the address it asked for, on its own xid, with nothing dropped: a client that kept an xid,
     * a start time or a reply in a field would mix them up.
     */
    @Test
    void classlessRoutesLongerThanOneOptionArriveWhole() throws Exception {
        java.io.ByteArrayOutputStream raw = new java.io.ByteArrayOutputStream();
        List<Route> expected = new ArrayList<>();
        for (int i = 0; i < 60; i++) { // 60 routes of 8 bytes: 480 bytes, sent as 255 + 225
            raw.writeBytes(new byte[] {24, 10, 100, (byte) i, 10, 1, 0, (byte) 254});
            expected.add(Route.parse("10.100." + i + ".0/24", "10.1.0.254"));
        }
        server.classlessRoutes(raw.toByteArray());

        Lease lease = acquire();

        assertEquals(expected, lease.routes(), "dhcp4java kept the last 225 bytes only");
    }

    @Test
    @Timeout(60)
    void clientIsSafeToShareBetweenIdentitiesOnConcurrentThreads() throws Exception {
        int identities = 48;
        client = new DhcpClient(SETTINGS, clock, xids::incrementAndGet, new SplittableRandom(7), new DaemonMetrics());
        Phaser phaser = new Phaser(identities);
        List<ScriptedDhcpServer> servers = new ArrayList<>();
        List<ClientIdentity> ids = new ArrayList<>();
        List<Inet4Address> wanted = new ArrayList<>();
        Lease[] leases = new Lease[identities];
        Lease[] renewed = new Lease[identities];
        Throwable[] failures = new Throwable[identities];
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < identities; i++) {
            servers.add(new ScriptedDhcpServer(clock));
            ids.add(new ClientIdentity(new byte[] {2, 0x42, 0, 0, (byte) (i >> 8), (byte) i},
                    ClientIdentity.defaultClientId("c" + i, "net1", "eth0")));
            wanted.add(ip("10.1.0." + (10 + i % 11)));
            int n = i;
            threads.add(new Thread(() -> {
                try {
                    DhcpTransport broadcast = inLockstep(servers.get(n), phaser);
                    leases[n] = client.acquire(broadcast, ids.get(n), ClientOptions.defaults(), wanted.get(n),
                            clock.instant().plusSeconds(60), "test");
                    renewed[n] = client.renew(inLockstep(servers.get(n).unicastTo(SERVER_ID), phaser), ids.get(n),
                            ClientOptions.defaults(), leases[n], clock.instant().plusSeconds(10));
                } catch (Throwable t) {
                    failures[n] = t;
                } finally {
                    phaser.arriveAndDeregister();
                }
            }, "dhcp-client-test-" + i));
        }
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            t.join();
        }

        for (int i = 0; i < identities; i++) {
            int n = i;
            assertNull(failures[i], () -> "identity " + n + " failed: " + failures[n]);
            ScriptedDhcpServer s = servers.get(i);
            assertEquals(List.of(Kind.DISCOVER, Kind.SELECTING, Kind.RENEWING), s.kinds(), "identity " + i);
            assertEquals(wanted.get(i), leases[i].address(), "identity " + i);
            assertEquals(wanted.get(i), renewed[i].address(), "identity " + i);
            assertEquals(wanted.get(i), s.bindingOf(ids.get(i).clientId()));
            for (Received r : s.received()) {
                assertArrayEquals(ids.get(i).clientId(), r.clientId(), r.toString());
                assertArrayEquals(ids.get(i).mac(), r.chaddr(), r.toString());
            }
            assertEquals(s.received().get(0).xid(), s.received().get(1).xid(), "the REQUEST keeps its DISCOVER's xid");
        }
        assertEquals(identities * 2L, servers.stream().flatMap(s -> s.received().stream())
                .mapToInt(Received::xid).distinct().count(), "an xid per exchange, none shared");
        assertEquals(0, client.droppedReplies());
    }
}
