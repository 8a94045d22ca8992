package dev.cnidhcp.daemon.lease;

import dev.cnidhcp.daemon.dhcp.ClientIdentity;
import dev.cnidhcp.daemon.dhcp.ClientOptions;
import dev.cnidhcp.daemon.dhcp.Ipv4Udp;
import dev.cnidhcp.daemon.dhcp.Lease;
import dev.cnidhcp.daemon.dhcp.NoLeaseException;
import dev.cnidhcp.daemon.dhcp.Route;
import dev.cnidhcp.daemon.lease.LeaseMachine.State;
import dev.cnidhcp.daemon.testing.FakeClock;
import dev.cnidhcp.daemon.testing.LoopbackLeaseTransport;
import dev.cnidhcp.daemon.testing.ManualScheduler;
import dev.cnidhcp.daemon.testing.ScriptedDhcpServer;
import dev.cnidhcp.daemon.testing.ScriptedDhcpServer.Fault;
import dev.cnidhcp.daemon.testing.ScriptedDhcpServer.Kind;
import dev.cnidhcp.daemon.testing.ScriptedDhcpServer.Received;
import org.dhcp4java.DHCPConstants;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.Inet4Address;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

import static dev.cnidhcp.daemon.testing.ScriptedDhcpServer.OTHER_SERVER_ID;
import static dev.cnidhcp.daemon.testing.ScriptedDhcpServer.SERVER_ID;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link LeaseMachine} through every transition of RFC 2131 figure 5, with the real {@code DhcpClient}
 * against the scripted server, on a fake clock and a manual scheduler. Leases last 60 s: T1 at 30 s,
 * T2 at 52.5 s, expiry at 60 s; the retry floor is 60/16 = 3.75 s; one background exchange may take
 * 10 s.
 */
class LeaseMachineTest {
    /** Held so that JUL keeps the levels: losses are logged as SEVERE on purpose. */
    private static final Logger DAEMON_LOG = Logger.getLogger("dev.cnidhcp.daemon");
    private static final Logger DHCP4JAVA_LOG = Logger.getLogger("org.dhcp4java");

    static {
        DAEMON_LOG.setLevel(Level.OFF);
        DHCP4JAVA_LOG.setLevel(Level.OFF);
    }

    static final LeaseKey KEY = new LeaseKey("c0ffee", "net1", "eth0");
    static final Path NETNS = Path.of("/var/run/netns/pod");
    static final byte[] CLIENT_ID = ClientIdentity.defaultClientId("c0ffee", "net1", "eth0");
    static final Attachment ATTACHMENT = new Attachment(KEY, NETNS, CLIENT_ID, ClientOptions.defaults());
    static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(10);
    static final Duration BACKOFF_MAX = Duration.ofSeconds(62);
    static final Inet4Address FIRST = ip("10.1.0.10");
    static final Inet4Address SECOND = ip("10.1.0.11");

    private final FakeClock clock = new FakeClock();
    private final Instant t0 = clock.instant();
    private final Instant t1 = t0.plusSeconds(30);
    private final Instant t2 = t0.plusMillis(52_500);
    private final Instant expiry = t0.plusSeconds(60);
    private final ScriptedDhcpServer server = new ScriptedDhcpServer(clock);
    private final LoopbackLeaseTransport net = new LoopbackLeaseTransport(server, clock);
    private final ManualScheduler scheduler = new ManualScheduler(clock);
    private final LeaseMachine machine = new LeaseMachine(ATTACHMENT, net, scheduler, clock, ATTEMPT_TIMEOUT,
            BACKOFF_MAX);

    static Inet4Address ip(String text) {
        return Route.parseAddress(text, "test address");
    }

    private Binding start() throws Exception {
        return machine.start(clock.instant().plusSeconds(60));
    }

    /** Starts, then keeps the server silent until the machine has given the lease up (state INIT). */
    private void startAndLoseTheLease() throws Exception {
        start();
        server.down();
        while (machine.state() != State.INIT) {
            scheduler.runNext();
        }
    }

    private int indexOfFirst(Kind kind) {
        return server.kinds().indexOf(kind);
    }

    // ------------------------------------------------------------------ INIT → BOUND

    @Test
    void startGoesInitToBoundAndSchedulesT1() throws Exception {
        assertEquals(State.INIT, machine.state());
        assertNull(machine.binding());

        Binding binding = start();

        assertEquals(State.BOUND, machine.state());
        assertSame(binding, machine.binding());
        assertEquals(FIRST, binding.lease().address());
        assertEquals(List.of(Kind.DISCOVER, Kind.SELECTING), server.kinds());
        assertEquals(List.of(t1), scheduler.pending(), "one timer, at T1");
        assertEquals("", machine.problem());
        assertEquals(List.of("acquire"), net.calls());
        assertEquals(List.of(), net.linkChanges(), "the link is left alone while all is well");
    }

    @Test
    void failedStartGoesBackToInitWithoutTimers() throws Exception {
        server.down();

        assertThrows(NoLeaseException.class, this::start);

        assertEquals(State.INIT, machine.state());
        assertNull(machine.binding());
        assertEquals(List.of(), scheduler.pending());
        server.up();
        assertEquals(FIRST, start().lease().address(), "a failed start can be tried again");
    }

    @Test
    void startTwiceIsRefused() throws Exception {
        start();

        assertThrows(IllegalStateException.class, this::start);
    }

    // ------------------------------------------------------------------ RENEWING

    @Test
    void renewsAtT1WithUnicastRequestWithoutServerId() throws Exception {
        start();

        assertEquals(t1, scheduler.runNext());

        assertEquals(State.BOUND, machine.state());
        Received renewal = server.last(Kind.RENEWING);
        assertEquals(t1, renewal.at());
        assertEquals(FIRST, renewal.ciaddr());
        assertFalse(renewal.has(50));
        assertFalse(renewal.has(54));
        assertEquals(SERVER_ID, renewal.unicastTo());
        Lease lease = machine.binding().lease();
        assertEquals(FIRST, lease.address());
        assertEquals(t1.plusSeconds(60), lease.expiresAt(), "expiry moved");
        assertEquals(List.of(t1.plusSeconds(30)), scheduler.pending(), "the next T1");
        assertEquals(List.of("acquire", "renew"), net.calls());
    }

    @Test
    void renewsForeverWhileTheServerAnswers() throws Exception {
        start();

        scheduler.advanceBy(Duration.ofHours(1));

        assertEquals(120, server.count(Kind.RENEWING), "one renewal every 30 s");
        assertEquals(State.BOUND, machine.state());
        assertEquals(0, server.count(Kind.REBINDING));
        assertEquals(List.of(), net.linkChanges());
    }

    @Test
    void silentServerAtT1RetriesAtHalfTheTimeToT2ThenRebindsAtT2() throws Exception {
        start();
        net.unicastPath(false);

        scheduler.runNext(); // T1: the unicast goes nowhere; the attempt ends after 10 s

        assertEquals(State.RENEWING, machine.state());
        Instant attemptEnd = t1.plus(ATTEMPT_TIMEOUT);
        assertEquals(attemptEnd, clock.instant());
        Instant halfWayToT2 = attemptEnd.plus(Duration.between(attemptEnd, t2).dividedBy(2));
        assertEquals(List.of(halfWayToT2), scheduler.pending(), "retry at half the time left to T2, counted from now");

        while (machine.state() == State.RENEWING) {
            scheduler.runNext();
        }

        assertEquals(List.of(t1, halfWayToT2, t2), scheduler.ranAt(),
                "the second attempt runs until T2, so REBINDING follows at T2");
        assertEquals(State.BOUND, machine.state());
        assertEquals(0, server.count(Kind.RENEWING), "no unicast reached the server");
        assertTrue(net.lostUnicasts() >= 3);
        Received rebind = server.last(Kind.REBINDING);
        assertEquals(t2, rebind.at(), "REBINDING starts exactly at T2");
        assertFalse(rebind.unicast());
        assertEquals(FIRST, rebind.ciaddr());
        assertFalse(rebind.has(50));
        assertFalse(rebind.has(54));
        assertEquals(t2.plusSeconds(60), machine.binding().lease().expiresAt());
        assertEquals(List.of(), net.linkChanges());
    }

    @Test
    void rebindingReachesAnotherServerByBroadcast() throws Exception {
        start();
        server.otherServerAnswers(); // the primary falls silent: unicasts to it go unanswered

        scheduler.advanceTo(t2);

        assertEquals(State.BOUND, machine.state());
        assertEquals(2, net.count("renew"), "renewal attempts at T1 and half way to T2, unicast to the silent primary");
        assertTrue(server.received(Kind.RENEWING).stream().allMatch(r -> SERVER_ID.equals(r.unicastTo())));
        Received rebind = server.last(Kind.REBINDING);
        assertEquals(t2, rebind.at());
        Lease lease = machine.binding().lease();
        assertEquals(OTHER_SERVER_ID, lease.serverId());
        assertEquals(FIRST, lease.address());

        scheduler.runNext(); // the next T1

        Received renewal = server.last(Kind.RENEWING);
        assertEquals(OTHER_SERVER_ID, renewal.unicastTo(), "renewals now go to the server that rebound");
        assertEquals(State.BOUND, machine.state());
        assertEquals(renewal.at().plusSeconds(60), machine.binding().lease().expiresAt());
    }

    // ------------------------------------------------------------------ expiry, INIT-REBOOT, INIT

    @Test
    void expiryWithoutRenewalSetsLinkDownAndRequestsTheSameAddressWithInitReboot() throws Exception {
        start();
        server.down();

        scheduler.advanceTo(expiry);

        assertEquals(State.INIT, machine.state(), "INIT-REBOOT unanswered: on to INIT");
        assertEquals(List.of(false, true, false), net.linkChanges(),
                "down at expiry, up for each attempt, down again while the lease is lost");
        assertFalse(net.linkUp(KEY));
        Received reboot = server.received(Kind.INIT_REBOOT).get(0);
        assertEquals(expiry, reboot.at());
        assertEquals(FIRST, reboot.requested());
        assertFalse(reboot.has(54));
        assertEquals(Ipv4Udp.ANY, reboot.ciaddr());
        assertTrue(server.kinds().lastIndexOf(Kind.REBINDING) < indexOfFirst(Kind.INIT_REBOOT));
        Received discover = server.last(Kind.DISCOVER);
        assertTrue(indexOfFirst(Kind.INIT_REBOOT) < server.received().indexOf(discover));
        assertEquals(FIRST, discover.requested(), "INIT asks for the lost address with option 50");
        assertEquals("lease expired without renewal", machine.problem());
        assertEquals(FIRST, machine.binding().lease().address(), "the lost lease is kept to ask for it");
        assertEquals(Duration.ofSeconds(4), scheduler.untilNext(), "first back-off");
    }

    @Test
    void regainedAddressBringsTheLinkUpAgain() throws Exception {
        start();
        net.setInterfaceAddress(KEY, FIRST);
        server.down();
        while (clock.instant().isBefore(expiry)) {
            scheduler.runNext(); // renewals and rebinds go unanswered until the lease has run out
        }
        server.up();

        scheduler.runNext(); // expiry: link down, INIT-REBOOT, ACK

        assertEquals(State.BOUND, machine.state());
        assertEquals(List.of(false, true), net.linkChanges());
        assertTrue(net.linkUp(KEY));
        assertEquals(FIRST, machine.binding().lease().address());
        assertEquals("", machine.problem());
        assertEquals(1, server.count(Kind.DISCOVER), "regained by INIT-REBOOT: no DISCOVER after the first");
        assertEquals(List.of(clock.instant().plusSeconds(30)), scheduler.pending());
        machine.check(FIRST);
    }

    @Test
    void regainedByDiscoverAfterBackOffBringsTheLinkUpAgain() throws Exception {
        startAndLoseTheLease();
        server.up();

        scheduler.runNext();

        assertEquals(State.BOUND, machine.state());
        assertEquals(FIRST, machine.binding().lease().address());
        assertEquals(List.of(false, true, false, true), net.linkChanges());
        assertEquals(FIRST, server.last(Kind.DISCOVER).requested());
        assertEquals("", machine.problem());
    }

    @Test
    void nakWhileRenewingGoesToInitAndAsksForTheSameAddress() throws Exception {
        start();
        server.next(Fault.NAK);                                   // the renewal
        server.whenType(DHCPConstants.DHCPDISCOVER).reply(Fault.DROP); // and nothing after it, for now

        scheduler.runNext(); // T1

        assertEquals(State.INIT, machine.state());
        assertEquals(0, server.count(Kind.REBINDING), "a NAK skips REBINDING");
        assertEquals(0, server.count(Kind.INIT_REBOOT), "and INIT-REBOOT: the server refused the address");
        Received discover = server.last(Kind.DISCOVER);
        assertEquals(FIRST, discover.requested());
        assertEquals(List.of(false, true, false), net.linkChanges());
        assertTrue(machine.problem().contains("DHCPNAK"), machine.problem());
        assertThrows(CheckFailedException.class, () -> machine.check(null));

        server.clearFaults();
        scheduler.runNext(); // the back-off ends

        assertEquals(State.BOUND, machine.state());
        assertEquals(FIRST, machine.binding().lease().address());
        assertEquals(List.of(false, true, false, true), net.linkChanges());
        assertEquals("", machine.problem());
    }

    @Test
    void nakToInitRebootGoesOnToDiscoverForTheSameAddress() throws Exception {
        start();
        server.down();
        while (clock.instant().isBefore(expiry)) {
            scheduler.runNext();
        }
        server.up().next(Fault.NAK); // the INIT-REBOOT request is refused

        scheduler.runNext();

        assertEquals(State.BOUND, machine.state());
        assertEquals(FIRST, machine.binding().lease().address());
        List<Kind> kinds = server.kinds();
        assertEquals(List.of(Kind.INIT_REBOOT, Kind.DISCOVER, Kind.SELECTING), kinds.subList(kinds.size() - 3,
                kinds.size()));
        assertEquals(FIRST, server.last(Kind.DISCOVER).requested());
        assertEquals(List.of(false, true), net.linkChanges());
    }

    @Test
    void failingTransportWhileRenewingIsRetriedLikeSilence() throws Exception {
        start();
        net.failExchangesWith(new IOException("no interface eth0 in network namespace /var/run/netns/pod"));

        scheduler.runNext(); // T1: fails at once

        assertEquals(State.RENEWING, machine.state());
        assertEquals(List.of(t1.plus(Duration.between(t1, t2).dividedBy(2))), scheduler.pending());

        net.failExchangesWith(null);
        scheduler.runNext();

        assertEquals(State.BOUND, machine.state());
        assertEquals(1, server.count(Kind.RENEWING));
    }

    @Test
    void nakWhileRebindingGoesToInit() throws Exception {
        start();
        net.unicastPath(false);
        while (machine.state() == State.BOUND) {
            scheduler.runNext();
        }
        server.next(Fault.NAK);

        scheduler.advanceTo(t2);

        assertEquals(State.BOUND, machine.state(), "regained with DISCOVER right after the NAK");
        List<Kind> kinds = server.kinds();
        assertEquals(List.of(Kind.REBINDING, Kind.DISCOVER, Kind.SELECTING), kinds.subList(2, kinds.size()));
        assertEquals(FIRST, server.last(Kind.DISCOVER).requested());
        assertEquals(List.of(false, true), net.linkChanges());
    }

    @Test
    void differentAddressAfterLossLeavesLinkDownAndFailsCheck() throws Exception {
        start();
        net.setInterfaceAddress(KEY, FIRST);
        server.takeAway(FIRST); // someone else has it now: the renewal is NAKed, DISCOVER gets another

        scheduler.runNext(); // T1

        assertEquals(State.BOUND, machine.state());
        assertEquals(SECOND, machine.binding().lease().address());
        assertEquals(FIRST, server.last(Kind.DISCOVER).requested());
        assertEquals(List.of(false, true, false), net.linkChanges());
        assertFalse(net.linkUp(KEY), "the pod must not use the old address");
        CheckFailedException e = assertThrows(CheckFailedException.class, () -> machine.check(null));
        assertTrue(e.getMessage().contains("the server gave 10.1.0.11/24 but the pod's interface has 10.1.0.10"),
                e.getMessage());

        net.setInterfaceAddress(KEY, SECOND);
        scheduler.runNext(); // the new lease renews fine...

        assertEquals(State.BOUND, machine.state());
        assertThrows(CheckFailedException.class, () -> machine.check(SECOND), "...but CHECK fails until recreated");
    }

    @Test
    void addressChangeStaysAProblemAfterTheNewAddressIsLostAndRegained() throws Exception {
        start();
        net.setInterfaceAddress(KEY, FIRST); // what the main plugin configured at ADD
        server.takeAway(FIRST);
        scheduler.runNext(); // T1: NAK, DISCOVER, the server gives 10.1.0.11: link down, CHECK fails
        assertEquals(SECOND, machine.binding().lease().address());
        assertFalse(net.linkUp(KEY));
        server.next(Fault.NAK); // the next renewal of 10.1.0.11 is refused...

        scheduler.runNext(); // ...and 10.1.0.11 is regained at once with DISCOVER

        assertEquals(State.BOUND, machine.state());
        assertEquals(SECOND, machine.binding().lease().address());
        assertEquals(FIRST, net.interfaceAddress(ATTACHMENT), "the pod still carries the first address");
        assertFalse(machine.problem().isEmpty(), "the address change must still be reported");
        assertFalse(net.linkUp(KEY), "the pod must not use 10.1.0.10, which the server gave away");
    }

    @Test
    void reacquisitionBacksOffUpToResendMax() throws Exception {
        startAndLoseTheLease();

        List<Duration> backoffs = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            backoffs.add(scheduler.untilNext());
            scheduler.runNext();
            assertEquals(State.INIT, machine.state());
            assertFalse(net.linkUp(KEY), "the link stays down between attempts");
        }

        assertEquals(List.of(4L, 8L, 16L, 32L, 62L, 62L, 62L), backoffs.stream().map(Duration::toSeconds).toList());
        for (Received discover : server.received(Kind.DISCOVER).subList(1, server.count(Kind.DISCOVER))) {
            assertEquals(FIRST, discover.requested());
        }

        server.up();
        scheduler.runNext();
        assertEquals(State.BOUND, machine.state());

        server.down();
        while (machine.state() != State.INIT) {
            scheduler.runNext();
        }
        assertEquals(Duration.ofSeconds(4), scheduler.untilNext(), "the back-off starts over after a success");
    }

    // ------------------------------------------------------------------ DEL

    @Test
    void stopReleasesAndCancelsTimers() throws Exception {
        start();

        assertEquals("loopback", machine.stop(null));

        assertTrue(machine.stopped());
        Received release = server.last(Kind.RELEASE);
        assertEquals(FIRST, release.ciaddr());
        assertEquals(SERVER_ID, release.serverId());
        assertNull(server.bindingOf(CLIENT_ID));
        assertEquals(List.of(), scheduler.pending());
        int seen = server.received().size();

        assertEquals(0, scheduler.advanceBy(Duration.ofHours(1)), "no task runs afterwards");
        machine.renewalTimeReached(); // a timer that fired just before the cancel
        machine.rebindingTimeReached();
        machine.expired();

        assertEquals(seen, server.received().size());
        assertEquals(List.of(), scheduler.pending());
        assertEquals(List.of(), net.linkChanges());
    }

    @Test
    void stopWhileLostSendsNoRelease() throws Exception {
        startAndLoseTheLease();

        assertNull(machine.stop(Path.of("/proc/1/ns/net")));

        assertEquals(0, server.count(Kind.RELEASE));
        assertEquals(List.of(), net.released());
        assertEquals(List.of(), scheduler.pending(), "the back-off timer is gone");
        int seen = server.received().size();
        machine.discoverAttempt();
        assertEquals(seen, server.received().size());
    }

    @Test
    void stopBeforeAnyLeaseSendsNothing() throws Exception {
        assertNull(machine.stop(null));

        assertEquals(List.of(), server.received());
        assertThrows(IllegalStateException.class, this::start);
    }

    @Test
    void stopWhileRenewingReleasesTheLease() throws Exception {
        start();
        net.unicastPath(false);
        scheduler.runNext();
        net.unicastPath(true);

        assertEquals("loopback", machine.stop(null));

        assertEquals(FIRST, server.last(Kind.RELEASE).ciaddr());
        assertEquals(List.of(), scheduler.pending());
    }

    // ------------------------------------------------------------------ CHECK

    @Test
    void checkPassesWhenBoundAndInterfaceCarriesTheAddress() throws Exception {
        start();
        net.setInterfaceAddress(KEY, FIRST);

        machine.check(FIRST);
        machine.check(null);

        net.unicastPath(false);
        scheduler.runNext();
        assertEquals(State.RENEWING, machine.state());
        machine.check(FIRST); // still held while RENEWING
    }

    @Test
    void checkFailsNamingTheInterfaceWhenItLacksTheAddress() throws Exception {
        start();

        CheckFailedException none = assertThrows(CheckFailedException.class, () -> machine.check(FIRST));
        assertEquals("eth0 in /var/run/netns/pod carries no IPv4 address, not the leased 10.1.0.10",
                none.getMessage());

        net.setInterfaceAddress(KEY, ip("10.1.0.99"));
        CheckFailedException other = assertThrows(CheckFailedException.class, () -> machine.check(FIRST));
        assertEquals("eth0 in /var/run/netns/pod carries 10.1.0.99, not the leased 10.1.0.10", other.getMessage());
    }

    @Test
    void checkFailsWhenPrevResultNamesAnotherAddress() throws Exception {
        start();
        net.setInterfaceAddress(KEY, FIRST);

        CheckFailedException e = assertThrows(CheckFailedException.class, () -> machine.check(ip("10.1.0.99")));

        assertEquals("prevResult names 10.1.0.99 but the lease of " + KEY + " is 10.1.0.10/24", e.getMessage());
    }

    @Test
    void checkFailsBeforeTheFirstLeaseAndWhileLost() throws Exception {
        CheckFailedException before = assertThrows(CheckFailedException.class, () -> machine.check(null));
        assertTrue(before.getMessage().contains("is not held (state INIT)"), before.getMessage());

        startAndLoseTheLease();
        net.setInterfaceAddress(KEY, FIRST);

        CheckFailedException lost = assertThrows(CheckFailedException.class, () -> machine.check(FIRST));
        assertTrue(lost.getMessage().contains("lease expired without renewal"), lost.getMessage());
    }

    // ------------------------------------------------------------------ retry floor

    @Test
    void retryFloorIsAtMostSixtySecondsAndScalesDownForShortLeases() {
        assertEquals(Duration.ofMillis(3750), RetryPolicy.retryFloor(leaseOf(Duration.ofSeconds(60))));
        assertEquals(Duration.ofSeconds(60), RetryPolicy.retryFloor(leaseOf(Duration.ofMinutes(16))));
        assertEquals(Duration.ofSeconds(60), RetryPolicy.retryFloor(leaseOf(Duration.ofHours(1))));
        assertEquals(Duration.ofSeconds(60), RetryPolicy.retryFloor(leaseOf(Duration.ofDays(1))));
        assertEquals(Duration.ofSeconds(30), RetryPolicy.retryFloor(leaseOf(Duration.ofMinutes(8))));
        assertEquals(Duration.ofSeconds(1), RetryPolicy.retryFloor(leaseOf(Duration.ofSeconds(10))),
                "never below one second");
        assertEquals(Duration.ofSeconds(1), RetryPolicy.retryFloor(leaseOf(Duration.ofSeconds(1))));
    }

    private static Lease leaseOf(Duration leaseTime) {
        return new Lease(FIRST, 24, SERVER_ID, null, List.of(), List.of(), "", List.of(), leaseTime,
                leaseTime.dividedBy(2), leaseTime.multipliedBy(7).dividedBy(8), FakeClock.START);
    }

    // ------------------------------------------------------------------ durability and vanished pods

    /** Remembers what the machine recorded, in order. */
    private static final class RecordingJournal implements LeaseJournal {
        final List<String> events = new ArrayList<>();
        IOException failure;

        @Override
        public void record(Attachment attachment, Binding binding) throws IOException {
            if (failure != null) {
                throw failure;
            }
            events.add("record " + binding.lease().address().getHostAddress() + " until " + binding.lease().expiresAt());
        }

        @Override
        public void remove(LeaseKey key) {
            events.add("remove " + key.containerId());
        }
    }

    private final RecordingJournal journal = new RecordingJournal();
    private final List<LeaseMachine> gone = new ArrayList<>();

    private LeaseMachine journaled() {
        return new LeaseMachine(ATTACHMENT, net, scheduler, clock, ATTEMPT_TIMEOUT, BACKOFF_MAX, journal, gone::add);
    }

    @Test
    void leaseIsRecordedBeforeStartReturnsAndAgainAtEachRenewal() throws Exception {
        LeaseMachine m = journaled();
        m.start(clock.instant().plusSeconds(60));
        assertEquals(List.of("record 10.1.0.10 until " + expiry), journal.events);

        scheduler.runNext(); // T1: renewed

        assertEquals(2, journal.events.size());
        assertEquals("record 10.1.0.10 until " + t1.plusSeconds(60), journal.events.get(1));
    }

    @Test
    void leaseThatCannotBeRecordedIsReleasedAndStartFails() {
        journal.failure = new IOException("No space left on device");
        LeaseMachine m = journaled();

        NotRecordedException e = assertThrows(NotRecordedException.class, () -> m.start(clock.instant().plusSeconds(60)));

        assertTrue(e.getMessage().contains("No space left on device"), e.getMessage());
        assertEquals(State.INIT, m.state());
        assertEquals(1, net.released().size(), "the granted lease is given back");
        assertEquals(1, server.count(Kind.RELEASE));
    }

    @Test
    void stopRemovesTheRecord() throws Exception {
        LeaseMachine m = journaled();
        m.start(clock.instant().plusSeconds(60));
        m.stop(null);
        assertEquals("remove c0ffee", journal.events.get(journal.events.size() - 1));
    }

    /** A lease the server granted at t0 to a daemon that then died without a trace but its record. */
    private Binding recordedLease() throws Exception {
        return net.acquire(ATTACHMENT, null, clock.instant().plusSeconds(60));
    }

    @Test
    void resumeBeforeT1IsBoundAndRenewsAtT1() throws Exception {
        Binding recorded = recordedLease();
        LeaseMachine m = journaled();
        clock.advanceTo(t0.plusSeconds(10));

        m.resume(recorded);

        assertEquals(State.BOUND, m.state());
        assertEquals(List.of(t1), scheduler.pending());
        scheduler.runNext();
        assertEquals(State.BOUND, m.state());
        assertEquals(1, server.count(Kind.RENEWING));
    }

    @Test
    void resumeBetweenT1AndT2RenewsWithinAQuarterOfTheTimeLeftToT2() throws Exception {
        Binding recorded = recordedLease();
        LeaseMachine m = journaled();
        clock.advanceTo(t1.plusSeconds(5));
        Instant resumed = clock.instant();

        m.resume(recorded);

        assertEquals(State.RENEWING, m.state());
        Instant first = scheduler.nextDue();
        Duration window = Duration.between(resumed, t2).dividedBy(4);
        assertFalse(first.isBefore(resumed), "not in the past");
        assertTrue(first.isBefore(resumed.plus(window)), first + " within " + window + " of " + resumed);
        assertEquals(expiry, scheduler.deadlines().get(scheduler.deadlines().size() - 1), "deadline: the expiry");
        scheduler.runNext();
        assertEquals(State.BOUND, m.state());
        assertEquals(1, server.count(Kind.RENEWING));
        assertEquals(first, server.last(Kind.RENEWING).at());
    }

    @Test
    void resumeBetweenT2AndExpiryRebindsWithinAQuarterOfTheTimeLeft() throws Exception {
        Binding recorded = recordedLease();
        LeaseMachine m = journaled();
        clock.advanceTo(t2.plusSeconds(2));
        Instant resumed = clock.instant();

        m.resume(recorded);

        assertEquals(State.REBINDING, m.state());
        Instant first = scheduler.nextDue();
        assertTrue(first.isBefore(resumed.plus(Duration.between(resumed, expiry).dividedBy(4))), first.toString());
        scheduler.runNext();
        assertEquals(State.BOUND, m.state());
        assertEquals(1, server.count(Kind.REBINDING));
    }

    @Test
    void leasesResumedTogetherPastT1SpreadTheirFirstRenewalsInsteadOfFiringAtOneInstant() throws Exception {
        Binding recorded = recordedLease();
        clock.advanceTo(t1.plusSeconds(1));
        Instant resumed = clock.instant();
        java.util.SplittableRandom seeded = new java.util.SplittableRandom(42);
        LeaseContext context = LeaseContext.of(net, scheduler, clock, ATTEMPT_TIMEOUT, BACKOFF_MAX).withRandom(seeded);
        for (int i = 0; i < 300; i++) {
            Attachment a = new Attachment(new LeaseKey("pod" + i, "net1", "eth0"), NETNS, CLIENT_ID,
                    ClientOptions.defaults());
            new LeaseMachine(a, context, gone::add).resume(recorded);
        }

        List<Instant> firsts = scheduler.pending();
        assertEquals(300, firsts.size());
        Duration window = RetryPolicy.RESUME_SPREAD_MAX.compareTo(Duration.between(resumed, t2).dividedBy(4)) < 0
                ? RetryPolicy.RESUME_SPREAD_MAX : Duration.between(resumed, t2).dividedBy(4);
        assertTrue(firsts.get(firsts.size() - 1).isBefore(resumed.plus(window)), "all within the window");
        assertTrue(new java.util.HashSet<>(firsts).size() > 250, "spread, not one instant: "
                + new java.util.HashSet<>(firsts).size() + " distinct times");
        assertTrue(Duration.between(firsts.get(0), firsts.get(firsts.size() - 1)).compareTo(window.dividedBy(2)) > 0,
                "over most of the window");
    }

    @Test
    void resumeAfterExpiryTakesTheLinkDownAndAsksForTheSameAddressWithInitReboot() throws Exception {
        Binding recorded = recordedLease();
        LeaseMachine m = journaled();
        clock.advanceTo(expiry.plusSeconds(30));

        m.resume(recorded);
        scheduler.runDue();

        assertEquals(State.BOUND, m.state(), "INIT-REBOOT regained it");
        assertEquals(FIRST, server.last(Kind.INIT_REBOOT).requested());
        assertEquals(FIRST, m.binding().lease().address());
        assertEquals(List.of(false, true), net.linkChanges());
    }

    @Test
    void resumeOfAPodThatIsGoneReleasesFromTheRuntimeNamespaceAndForgetsIt() throws Exception {
        Binding recorded = recordedLease();
        LeaseMachine m = journaled();
        net.failExchangesWith(new AttachmentGoneException("network namespace /var/run/netns/pod no longer exists"));

        m.resume(recorded);

        assertTrue(m.stopped());
        assertEquals(List.of(m), gone);
        assertEquals(1, net.released().size());
        assertEquals(List.of("remove c0ffee"), journal.events);
        assertEquals(List.of(), scheduler.pending());
    }

    @Test
    void podThatVanishesWithoutDelIsReleasedAndForgottenAtTheNextTimer() throws Exception {
        LeaseMachine m = journaled();
        m.start(clock.instant().plusSeconds(60));
        net.failExchangesWith(new AttachmentGoneException("no interface eth0 in network namespace /var/run/netns/pod"));

        scheduler.runNext(); // T1

        assertTrue(m.stopped());
        assertEquals(List.of(m), gone);
        assertEquals(1, net.released().size());
        assertEquals("remove c0ffee", journal.events.get(journal.events.size() - 1));
        assertEquals(List.of(), scheduler.pending(), "no timer left behind");
    }
}
