package dev.cnidhcp.daemon.dhcp6;

import dev.cnidhcp.daemon.dhcp.NoLeaseException;
import dev.cnidhcp.daemon.log.AttachmentLog;
import dev.cnidhcp.daemon.testing.FakeClock;
import dev.cnidhcp.daemon.testing.ScriptedDhcp6Server;
import dev.cnidhcp.daemon.testing.ScriptedDhcp6Server.Peer;
import dev.cnidhcp.daemon.testing.ScriptedDhcp6Server.Received;
import org.junit.jupiter.api.Test;

import java.net.Inet6Address;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.random.RandomGenerator;

import static dev.cnidhcp.daemon.dhcp6.MessageType6.ADVERTISE;
import static dev.cnidhcp.daemon.dhcp6.MessageType6.DECLINE;
import static dev.cnidhcp.daemon.dhcp6.MessageType6.REBIND;
import static dev.cnidhcp.daemon.dhcp6.MessageType6.RELEASE;
import static dev.cnidhcp.daemon.dhcp6.MessageType6.RENEW;
import static dev.cnidhcp.daemon.dhcp6.MessageType6.REQUEST;
import static dev.cnidhcp.daemon.dhcp6.MessageType6.SOLICIT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link Dhcp6Client} against scripted servers on a fake clock: RFC 8415 sections 15 and 18.2. */
class Dhcp6ClientTest {
    private static final Logger QUIET = Logger.getLogger("dev.cnidhcp.daemon.test6");

    static {
        QUIET.setLevel(Level.OFF);
    }

    /** RAND is always 0 (the first SOLICIT RT's RAND 0.05): every timeout is exact. */
    static final RandomGenerator MID = () -> Long.MIN_VALUE;

    private static final byte[] MAC = {2, 0x42, 0, 0, 0, 7};
    private static final Identity6 ID = new Identity6(Duids.duidLl(MAC), 77);
    private static final AttachmentLog LOG = new AttachmentLog(QUIET, "c0ffee", "eth0", "net1");

    private final FakeClock clock = new FakeClock();
    private final Instant t0 = clock.instant();
    private final ScriptedDhcp6Server link = new ScriptedDhcp6Server(clock);
    private final AtomicInteger xids = new AtomicInteger(0x100);

    private Dhcp6Client client(boolean rapidCommit) {
        return new Dhcp6Client(clock, xids::incrementAndGet, MID, rapidCommit);
    }

    private Lease6 acquire(Dhcp6Client client, Inet6Address hint) throws Exception {
        return client.acquire(link, ID, hint, t0.plusSeconds(120), LOG);
    }

    private static Inet6Address ip(String s) {
        return Dhcp6Options.parse(s);
    }

    private static long millis(Instant from, Instant to) {
        return Duration.between(from, to).toMillis();
    }

    // ------------------------------------------------------------------ acquisition

    @Test
    void acquiresWithSolicitAdvertiseRequestReplyAfterCollectingAdvertisesForTheFirstRt() throws Exception {
        Peer server = link.addPeer(1);

        Lease6 lease = acquire(client(false), null);

        assertEquals(List.of(SOLICIT, REQUEST), link.types());
        assertEquals(ip("fd99::10"), lease.address());
        assertArrayEquals(server.duid, lease.serverDuid());
        assertEquals(List.of(ScriptedDhcp6Server.DNS), lease.dnsServers());
        assertEquals(List.of(ScriptedDhcp6Server.DOMAIN), lease.searchDomains());
        assertEquals(128, lease.prefixLength(), "no RA yet");
        Received request = link.received(REQUEST).get(0);
        assertEquals(1050, millis(t0, request.at()), "the REQUEST waits for the first RT of the SOLICIT (IRT 1 s, RAND > 0)");
        assertEquals(request.at(), lease.acquired());
        assertEquals(request.at().plusSeconds(1800), lease.renewAt());
        assertEquals(Dhcp6Transport.ALL_SERVERS, request.to());
        assertEquals(0, request.message().elapsedTime(), "a new exchange starts its Elapsed Time at 0");
        assertEquals(ip("fd99::10"), link.bindingOf(ID.duid(), ID.iaid()));
    }

    @Test
    void advertiseWithPreference255IsTakenAtOnce() throws Exception {
        link.addPeer(1).preference = 255;

        Lease6 lease = acquire(client(false), null);

        assertEquals(t0, lease.acquired(), "no waiting for other servers");
    }

    @Test
    void highestPreferenceWinsAndEqualsGoToTheFirstAdvertise() throws Exception {
        link.addPeer(1).preference = 10;
        Peer best = link.addPeer(2);
        best.preference = 200;
        link.addPeer(3).preference = 200;

        Lease6 lease = acquire(client(false), null);

        assertArrayEquals(best.duid, lease.serverDuid());
        assertArrayEquals(best.duid, link.received(REQUEST).get(0).message().serverId());
    }

    @Test
    void afterTheFirstRtTheFirstAdvertiseIsTaken() throws Exception {
        Peer server = link.addPeer(1).drop(SOLICIT, 1);

        acquire(client(false), null);

        List<Received> solicits = link.received(SOLICIT);
        assertEquals(2, solicits.size());
        assertEquals(solicits.get(1).at(), link.received(REQUEST).get(0).at(),
                "the ADVERTISE to the second SOLICIT is taken as it arrives");
        assertArrayEquals(server.duid, link.received(REQUEST).get(0).message().serverId());
    }

    @Test
    void rapidCommitReplyEndsTheAcquisitionWithoutRequest() throws Exception {
        link.addPeer(1).rapidCommit = true;

        Lease6 lease = acquire(client(true), null);

        assertEquals(List.of(SOLICIT), link.types());
        assertTrue(link.received(SOLICIT).get(0).message().rapidCommit());
        assertEquals(t0, lease.acquired());
    }

    @Test
    void rapidCommitAskedOfAServerWithoutItFallsBackToRequest() throws Exception {
        link.addPeer(1);

        acquire(client(true), null);

        assertEquals(List.of(SOLICIT, REQUEST), link.types());
    }

    @Test
    void solicitRetransmitsAtIrtThenDoublingRtWithTheElapsedTimeInHundredths() throws Exception {
        link.addPeer(1).drop(SOLICIT, Integer.MAX_VALUE);

        NoLeaseException e = assertThrows(NoLeaseException.class,
                () -> client(false).acquire(link, ID, null, t0.plusSeconds(10), LOG));

        List<Received> solicits = link.received(SOLICIT);
        assertEquals(List.of(0L, 1050L, 3150L, 7350L), solicits.stream().map(r -> millis(t0, r.at())).toList());
        List<Integer> elapsed = new java.util.ArrayList<>();
        for (Received r : solicits) {
            elapsed.add(r.message().elapsedTime());
        }
        assertEquals(List.of(0, 105, 315, 735), elapsed);
        assertEquals(1, solicits.stream().map(r -> r.message().transactionId()).distinct().count(),
                "retransmissions keep the transaction id");
        assertTrue(e.noOffer());
        assertEquals(t0.plusSeconds(10), clock.instant(), "gives up at the deadline");
    }

    @Test
    void requestIsSentAtMostTenTimesThenTheClientSolicitsAgain() throws Exception {
        link.addPeer(1).drop(REQUEST, 10);

        Lease6 lease = client(false).acquire(link, ID, null, t0.plusSeconds(600), LOG);

        List<MessageType6> types = link.types();
        assertEquals(SOLICIT, types.get(0));
        assertEquals(10, types.subList(1, 11).stream().filter(t -> t == REQUEST).count());
        assertEquals(List.of(SOLICIT, REQUEST), types.subList(11, types.size()));
        List<Received> requests = link.received(REQUEST);
        assertEquals(1000, millis(requests.get(0).at(), requests.get(1).at()), "REQ_TIMEOUT 1 s");
        assertEquals(30_000, millis(requests.get(8).at(), requests.get(9).at()), "REQ_MAX_RT caps the timeout at 30 s");
        assertEquals(ip("fd99::10"), lease.address());
    }

    @Test
    void advertiseWithNoAddrsAvailIsIgnoredAndNamedWhenNothingElseCame() {
        link.addPeer(1).advertiseNothing = true;

        NoLeaseException e = assertThrows(NoLeaseException.class,
                () -> client(false).acquire(link, ID, null, t0.plusSeconds(5), LOG));

        assertTrue(e.noOffer());
        assertTrue(e.getMessage().contains("NoAddrsAvail"), e.getMessage());
        assertFalse(link.types().contains(REQUEST));
    }

    @Test
    void notOnLinkInTheReplyStartsOverWithASolicitWithoutTheHint() throws Exception {
        link.addPeer(1).topStatusOnce(REQUEST, StatusCode6.NOT_ON_LINK);

        acquire(client(false), ip("fd77::5"));

        List<Received> solicits = link.received(SOLICIT);
        assertEquals(2, solicits.size());
        assertEquals(List.of(IaAddress.of(ip("fd77::5"))), solicits.get(0).message().iaNa(ID.iaid()).addresses());
        assertEquals(List.of(), solicits.get(1).message().iaNa(ID.iaid()).addresses());
    }

    @Test
    void noAddrsAvailInTheReplysIaNaStartsOverWithASolicit() throws Exception {
        link.addPeer(1).iaStatusOnce(REQUEST, StatusCode6.NO_ADDRS_AVAIL);

        Lease6 lease = acquire(client(false), null);

        assertEquals(List.of(SOLICIT, REQUEST, SOLICIT, REQUEST), link.types());
        assertEquals(ip("fd99::10"), lease.address());
    }

    @Test
    void serverThatNeverGrantsEndsTheAcquisitionAfterTheRoundsNamingItsStatus() {
        Peer server = link.addPeer(1);
        server.preference = 255;
        server.topStatusAlways(REQUEST, StatusCode6.UNSPEC_FAIL);

        NoLeaseException e = assertThrows(NoLeaseException.class, () -> acquire(client(false), null));

        assertEquals(Dhcp6Client.MAX_ROUNDS, link.received(REQUEST).size());
        assertTrue(e.getMessage().contains("UnspecFail"), e.getMessage());
        assertFalse(e.noOffer());
    }

    @Test
    void answersOfAnotherTransactionAreDroppedAndCounted() throws Exception {
        link.addPeer(1).wrongXidFirst = true;
        Dhcp6Client client = client(false);

        acquire(client, null);

        assertEquals(2, client.droppedReplies(), "the stray ADVERTISE and the stray REPLY");
    }

    @Test
    void replyToRequestFromAnotherServerIsNotTaken() throws Exception {
        Peer chosen = link.addPeer(1);
        chosen.preference = 255;
        chosen.drop(REQUEST, 1);
        Peer other = link.addPeer(2);
        other.preference = 1;

        Lease6 lease = acquire(client(false), null);

        assertArrayEquals(chosen.duid, lease.serverDuid());
        assertEquals(2, link.received(REQUEST).size(), "the first REQUEST was retransmitted, not answered by peer 2");
    }

    // ------------------------------------------------------------------ renew, rebind

    private Lease6 bound(Dhcp6Client client) throws Exception {
        Lease6 lease = acquire(client, null).withLink(64, ip("fe80::1"));
        clock.advanceTo(lease.renewAt());
        return lease;
    }

    @Test
    void renewGoesToTheServerUnicastAddressAndKeepsPrefixAndRouter() throws Exception {
        Peer server = link.addPeer(1);
        server.unicast = ip("fd99::2");
        Dhcp6Client client = client(false);
        Lease6 lease = bound(client);

        Lease6 renewed = client.renew(link, ID, lease, true, lease.rebindAt());

        Received renew = link.received(RENEW).get(0);
        assertEquals(ip("fd99::2"), renew.to());
        assertArrayEquals(server.duid, renew.message().serverId());
        assertEquals(lease.address(), renewed.address());
        assertEquals(64, renewed.prefixLength());
        assertEquals(ip("fe80::1"), renewed.router());
        assertEquals(clock.instant(), renewed.acquired());
    }

    @Test
    void renewIsMulticastWhenTheServerGaveNoUnicastAddress() throws Exception {
        link.addPeer(1);
        Dhcp6Client client = client(false);
        Lease6 lease = bound(client);

        client.renew(link, ID, lease, true, lease.rebindAt());

        assertEquals(Dhcp6Transport.ALL_SERVERS, link.received(RENEW).get(0).to());
    }

    @Test
    void useMulticastSendsTheRenewAgainByMulticast() throws Exception {
        Peer server = link.addPeer(1);
        server.unicast = ip("fd99::2");
        Dhcp6Client client = client(false);
        Lease6 lease = bound(client);
        server.topStatusOnce(RENEW, StatusCode6.USE_MULTICAST);

        Lease6 renewed = client.renew(link, ID, lease, true, lease.rebindAt());

        assertEquals(List.of(ip("fd99::2"), Dhcp6Transport.ALL_SERVERS),
                link.received(RENEW).stream().map(Received::to).toList());
        assertEquals(lease.address(), renewed.address());
    }

    @Test
    void renewRetransmitsFromRenTimeoutUntilTheDeadline() throws Exception {
        Peer server = link.addPeer(1);
        Dhcp6Client client = client(false);
        Lease6 lease = bound(client);
        server.drop(RENEW, Integer.MAX_VALUE);
        Instant start = clock.instant();

        NoLeaseException e = assertThrows(NoLeaseException.class,
                () -> client.renew(link, ID, lease, false, start.plusSeconds(100)));

        assertEquals(List.of(0L, 10_000L, 30_000L, 70_000L),
                link.received(RENEW).stream().map(r -> millis(start, r.at())).toList());
        assertFalse(e.nak());
    }

    @Test
    void noBindingInTheRenewReplyEndsTheLease() throws Exception {
        Peer server = link.addPeer(1);
        Dhcp6Client client = client(false);
        Lease6 lease = bound(client);
        server.iaStatusOnce(RENEW, StatusCode6.NO_BINDING);

        NoLeaseException e = assertThrows(NoLeaseException.class,
                () -> client.renew(link, ID, lease, false, lease.rebindAt()));

        assertTrue(e.nak());
        assertTrue(e.getMessage().contains("NoBinding"), e.getMessage());
    }

    @Test
    void rebindIsMulticastWithoutServerIdentifierAndAnyServerMayAnswer() throws Exception {
        Peer first = link.addPeer(1);
        Dhcp6Client client = client(false);
        Lease6 lease = bound(client);
        first.drop(REBIND, Integer.MAX_VALUE);
        Peer second = link.addPeer(2);

        Lease6 rebound = client.rebind(link, ID, lease, lease.expiresAt());

        Received rebind = link.received(REBIND).get(0);
        assertEquals(Dhcp6Transport.ALL_SERVERS, rebind.to());
        assertNull(rebind.message().serverId());
        assertArrayEquals(second.duid, rebound.serverDuid());
        assertEquals(lease.address(), rebound.address());
    }

    // ------------------------------------------------------------------ release, decline

    @Test
    void releaseIsConfirmedByTheServersReplyAndFreesTheBinding() throws Exception {
        link.addPeer(1);
        Dhcp6Client client = client(false);
        Lease6 lease = bound(client);

        assertTrue(client.release(link, ID, lease, clock.instant().plusSeconds(5)));

        assertEquals(1, link.received(RELEASE).size());
        assertNull(link.bindingOf(ID.duid(), ID.iaid()));
    }

    @Test
    void unansweredReleaseIsSentFourTimes() throws Exception {
        Peer server = link.addPeer(1);
        Dhcp6Client client = client(false);
        Lease6 lease = bound(client);
        server.drop(RELEASE, Integer.MAX_VALUE);
        Instant start = clock.instant();

        assertFalse(client.release(link, ID, lease, start.plusSeconds(60)));

        assertEquals(List.of(0L, 1000L, 3000L, 7000L), link.received(RELEASE).stream().map(r -> millis(start, r.at())).toList());
    }

    /** One release split in two transactions (the first transmission, then the rest) sends four in all. */
    @Test
    void aReleaseSplitInTwoSendsOneThenThreeMore() throws Exception {
        Peer server = link.addPeer(1);
        Dhcp6Client client = client(false);
        Lease6 lease = bound(client);
        server.drop(RELEASE, Integer.MAX_VALUE);
        Instant start = clock.instant();

        assertFalse(client.release(link, ID, lease, start.plusMillis(250), 1));
        assertFalse(client.release(link, ID, lease, start.plusSeconds(60), 3));

        List<Long> at = link.received(RELEASE).stream().map(r -> millis(start, r.at())).toList();
        assertEquals(List.of(0L, 250L, 1250L, 3250L), at);
        assertNotEquals(link.received(RELEASE).get(0).message().transactionId(),
                link.received(RELEASE).get(1).message().transactionId(), "the second part is a new transaction");
        assertThrows(IllegalArgumentException.class, () -> client.release(link, ID, lease, start.plusSeconds(60), 5));
    }

    @Test
    void declineNamesTheAddressToItsServer() throws Exception {
        Peer server = link.addPeer(1);
        Dhcp6Client client = client(false);
        Lease6 lease = bound(client);

        assertTrue(client.decline(link, ID, lease, clock.instant().plusSeconds(5)));

        Dhcp6Message decline = link.received(DECLINE).get(0).message();
        assertArrayEquals(server.duid, decline.serverId());
        assertEquals(lease.address(), decline.iaNa(ID.iaid()).addresses().get(0).address());
    }

    // ------------------------------------------------------------------ timeouts

    @Test
    void everyTimeoutStaysWithinTenPercentOfItsNominalValue() {
        RandomGenerator random = new java.util.SplittableRandom(7);
        for (int i = 0; i < 1000; i++) {
            long first = Retransmission.SOLICIT.firstMillis(random);
            assertTrue(first > 1000 && first <= 1100, "first SOLICIT RT " + first + " (expected: (1000, 1100])");
            long request = Retransmission.REQUEST.firstMillis(random);
            assertTrue(request >= 900 && request <= 1100, "first REQUEST RT " + request);
            long next = Retransmission.REQUEST.nextMillis(4000, random);
            assertTrue(next >= 7600 && next <= 8400, "doubled RT " + next);
            long capped = Retransmission.REQUEST.nextMillis(20_000, random);
            assertTrue(capped >= 27_000 && capped <= 33_000, "RT over MRT " + capped);
        }
        assertEquals(ADVERTISE, MessageType6.values()[1]);
    }
}
