package dev.cnidhcp.daemon.lease;

import dev.cnidhcp.daemon.dhcp.ClientIdentity;
import dev.cnidhcp.daemon.dhcp.ClientOptions;
import dev.cnidhcp.daemon.dhcp.Exclusions;
import dev.cnidhcp.daemon.dhcp.NoLeaseException;
import dev.cnidhcp.daemon.dhcp.Suppression;
import dev.cnidhcp.daemon.dhcp6.Binding6;
import dev.cnidhcp.daemon.lease.Lease6Machine.State;
import dev.cnidhcp.daemon.metrics.DaemonMetrics;
import dev.cnidhcp.daemon.testing.FakeClock;
import dev.cnidhcp.daemon.testing.InstantLeaseTransport;
import dev.cnidhcp.daemon.testing.ManualScheduler;
import dev.cnidhcp.daemon.testing.ScriptedLease6Server;
import dev.cnidhcp.daemon.testing.ScriptedLease6Server.Fault;
import dev.cnidhcp.daemon.testing.ScriptedLease6Server.Kind;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.logging.Level;
import java.util.logging.Logger;

import static dev.cnidhcp.daemon.testing.Leases6.ip6;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link Lease6Machine} against the scripted DHCPv6 server on a fake clock and a manual scheduler.
 * Leases: T1 30 s, T2 48 s, preferred 60 s, valid 90 s; an exchange takes 20 ms; one background
 * exchange may take 10 s; the retry floor is 90/16 = 5.625 s.
 */
class Lease6MachineTest {
    private static final Logger DAEMON_LOG = Logger.getLogger("dev.cnidhcp.daemon");

    static {
        DAEMON_LOG.setLevel(Level.OFF);
    }

    static final LeaseKey KEY = new LeaseKey("c0ffee", "net1", "eth0");
    static final Path RUNTIME = Path.of("/proc/4242/ns/net");
    static final Attachment ATTACHMENT = dual(true);

    static Attachment dual(boolean releaseOnDel) {
        return new Attachment(KEY, Path.of("/var/run/netns/pod"), ClientIdentity.defaultClientId("c0ffee", "net1", "eth0"),
                ClientOptions.defaults(), List.of(), RUNTIME, Suppression.NONE, releaseOnDel, Exclusions.NONE, true, true);
    }

    private final FakeClock clock = new FakeClock();
    private final Instant t0 = clock.instant();
    private final ScriptedLease6Server server = new ScriptedLease6Server(clock);
    private final ManualScheduler scheduler = new ManualScheduler(clock);
    private final DaemonMetrics metrics = new DaemonMetrics();
    private final List<String> journal = new ArrayList<>();
    private IOException recordFailure;
    private final LeaseJournal recording = new LeaseJournal() {
        @Override
        public void record(Attachment attachment, Binding binding) {
            journal.add("record4");
        }

        @Override
        public void remove(LeaseKey key) {
            journal.add("remove4");
        }

        @Override
        public void record6(Attachment attachment, Binding6 binding) throws IOException {
            if (recordFailure != null) {
                throw recordFailure;
            }
            journal.add("record6 " + binding.lease().address().getHostAddress() + " at "
                    + Duration.between(t0, binding.lease().acquired()).toMillis());
        }

        @Override
        public void remove6(LeaseKey key) {
            journal.add("remove6");
        }
    };
    private final List<Lease6Machine> gone = new ArrayList<>();

    private LeaseContext context() {
        return LeaseContext.of(new InstantLeaseTransport(clock, Duration.ofSeconds(60), Duration.ZERO), scheduler, clock, Duration.ofSeconds(10), Duration.ofSeconds(62))
                .withJournal(recording).withMetrics(metrics).withRandom(new SplittableRandom(3)).withTransport6(server);
    }

    private final Lease6Machine machine = new Lease6Machine(ATTACHMENT, context(), gone::add);

    private Binding6 start() throws Exception {
        return machine.start(clock.instant().plusSeconds(60));
    }

    @Test
    void startAcquiresRecordsBeforeReturningAndSchedulesRenewAtT1() throws Exception {
        Binding6 b = start();

        assertEquals(ip6("fd99::10"), b.lease().address());
        assertEquals(State.BOUND, machine.state());
        assertEquals(List.of("record6 fd99:0:0:0:0:0:0:10 at 20"), journal);
        assertEquals(List.of(b.lease().renewAt()), scheduler.pending());
        assertEquals(List.of(b.lease().expiresAt()), scheduler.deadlines(), "the timer carries the expiry");
        assertEquals(1, metrics.acquisitions6Ok());
    }

    @Test
    void aFailedStartHoldsNothingAndGoesBackToInit() {
        server.down();

        assertThrows(NoLeaseException.class, this::start);

        assertEquals(State.INIT, machine.state());
        assertNull(machine.binding());
        assertEquals(List.of(), scheduler.pending());
        assertEquals(1, metrics.acquisitions6Failed());
    }

    @Test
    void aLeaseThatCannotBeRecordedIsReleasedAndRefused() {
        recordFailure = new IOException("disk full");

        NotRecordedException e = assertThrows(NotRecordedException.class, this::start);

        assertTrue(e.getMessage().contains("disk full"), e.getMessage());
        assertEquals(1, server.count(Kind.RELEASE));
        assertEquals(State.INIT, machine.state());
    }

    @Test
    void renewsAtT1AndSchedulesTheNextT1FromTheReply() throws Exception {
        Binding6 first = start();

        scheduler.runNext();

        assertEquals(1, server.count(Kind.RENEW));
        assertEquals(first.lease().renewAt(), server.received().get(1).at(), "RENEW at T1");
        assertEquals(State.BOUND, machine.state());
        Instant renewedAt = machine.binding().lease().acquired();
        assertEquals(List.of(renewedAt.plusSeconds(30)), scheduler.pending());
        assertEquals(2, journal.size(), "the renewal is recorded");
        assertEquals(1, metrics.renewals6Ok());
    }

    @Test
    void renewingAndRebindingKeepThePodsUplink() throws Exception {
        assertEquals(ScriptedLease6Server.UPLINK, start().uplink());

        scheduler.runNext();
        assertEquals(1, server.count(Kind.RENEW));
        assertEquals(ScriptedLease6Server.UPLINK, machine.binding().uplink(), "after RENEW");

        server.script(Kind.RENEW, Fault.SILENT, Fault.SILENT, Fault.SILENT, Fault.SILENT, Fault.SILENT);
        while (server.count(Kind.REBIND) == 0) {
            scheduler.runNext();
        }
        assertEquals(State.BOUND, machine.state());
        assertEquals(ScriptedLease6Server.UPLINK, machine.binding().uplink(), "after REBIND");
    }

    @Test
    void anUnansweredRenewIsRetriedAtHalfTheTimeLeftToT2() throws Exception {
        start();
        server.script(Kind.RENEW, Fault.SILENT);

        scheduler.runNext(); // T1: RENEW, no REPLY

        assertEquals(State.RENEWING, machine.state());
        Instant failedAt = clock.instant();
        Instant t2 = machine.binding().lease().rebindAt();
        assertEquals(List.of(failedAt.plus(Duration.between(failedAt, t2).dividedBy(2))), scheduler.pending());
        assertEquals(1, metrics.renewals6Failed());
    }

    @Test
    void rebindsAtT2WhenTheServerNeverAnswersRenew() throws Exception {
        Binding6 first = start();
        server.script(Kind.RENEW, Fault.SILENT, Fault.SILENT, Fault.SILENT, Fault.SILENT, Fault.SILENT);

        while (server.count(Kind.REBIND) == 0) {
            scheduler.runNext();
        }

        Instant rebindAt = server.received().stream().filter(r -> r.kind() == Kind.REBIND).findFirst().orElseThrow().at();
        assertEquals(first.lease().rebindAt(), rebindAt, "REBIND exactly at T2");
        assertEquals(State.BOUND, machine.state(), "rebound");
    }

    @Test
    void theLeaseIsLostAtTheEndOfItsValidLifetimeAndSolicitedAgainForTheSameAddress() throws Exception {
        Binding6 first = start();
        server.down();

        while (!machine.view().lost()) {
            scheduler.runNext();
        }

        assertEquals(first.lease().expiresAt(), clock.instant().minusMillis(20), "lost at the valid lifetime's end");
        assertEquals(State.INIT, machine.state());
        assertEquals(1, metrics.leases6Lost());
        assertThrows(CheckFailedException.class, () -> machine.check(null));

        server.up();
        scheduler.runNext(); // the backoff's next SOLICIT

        assertFalse(machine.view().lost());
        assertEquals(State.BOUND, machine.state());
        assertEquals(first.lease().address(), machine.binding().lease().address());
        ScriptedLease6Server.Received last = server.received().get(server.received().size() - 1);
        assertEquals(Kind.ACQUIRE, last.kind());
        assertEquals(first.lease().address(), last.address(), "asked for the lost address");
    }

    @Test
    void aRefusedRenewLosesTheLeaseAtOnce() throws Exception {
        start();
        server.script(Kind.RENEW, Fault.REFUSE);
        server.script(Kind.ACQUIRE, Fault.SILENT);

        scheduler.runNext();

        assertTrue(machine.view().lost());
        assertEquals(State.INIT, machine.state());
        assertEquals(0, server.count(Kind.REBIND), "no REBIND after a refusal");
        assertEquals(2, server.count(Kind.ACQUIRE), "the ADD's SOLICIT and one to regain the address");
        assertEquals(List.of(clock.instant().plusSeconds(4)), scheduler.pending(), "next SOLICIT after 4 s");
    }

    @Test
    void zeroT1AndT2RenewAtHalfThePreferredLifetime() throws Exception {
        server.lifetimes(Duration.ZERO, Duration.ZERO, Duration.ofSeconds(100), Duration.ofSeconds(200));
        Binding6 b = start();

        assertEquals(List.of(b.lease().acquired().plusSeconds(50)), scheduler.pending());
    }

    @Test
    void stopReleasesFromTheGivenNamespaceAndRemovesTheRecord() throws Exception {
        start();

        assertEquals("pod", machine.stop(Path.of("/proc/1/ns/net")));

        assertEquals(Path.of("/proc/1/ns/net"), server.received().get(1).fallbackNetns());
        assertEquals("remove6", journal.get(journal.size() - 1));
        assertEquals(List.of(), scheduler.pending());
        assertTrue(machine.stopped());
    }

    @Test
    void stopWithReleaseOnDelFalseSendsNothing() throws Exception {
        Lease6Machine kept = new Lease6Machine(dual(false), context(), gone::add);
        kept.start(clock.instant().plusSeconds(60));

        assertNull(kept.stop(null));

        assertEquals(0, server.count(Kind.RELEASE));
    }

    @Test
    void stopCutsAHangingExchangeShort() throws Exception {
        java.util.concurrent.CountDownLatch started = server.hang(1);
        Thread add = new Thread(() -> {
            try {
                start();
            } catch (Exception expected) {
                // cut short
            }
        });
        add.start();
        started.await();

        assertNull(machine.stop(null), "nothing held yet");
        add.join(5_000);

        assertFalse(add.isAlive());
        assertEquals(0, server.count(Kind.RELEASE));
    }

    @Test
    void checkPassesWhenTheInterfaceCarriesTheLeaseAndFailsWhenNot() throws Exception {
        Binding6 b = start();

        machine.check(b.lease().address());
        assertThrows(CheckFailedException.class, () -> machine.check(ip6("fd99::99")));

        server.interfaceCarries(KEY, List.of());
        CheckFailedException e = assertThrows(CheckFailedException.class, () -> machine.check(null));
        assertTrue(e.getMessage().contains("does not carry"), e.getMessage());
    }

    @Test
    void resumeConfirmsTheRecordedLeaseWithRebindWithinTheSpreadWindow() {
        Binding6 recorded = new Binding6(ScriptedLease6Server.identityOf(ATTACHMENT),
                server.lease(ip6("fd99::42"), t0.minusSeconds(10)));

        machine.resume(recorded);

        assertEquals(State.CONFIRMING, machine.state());
        Instant first = scheduler.pending().get(0);
        assertFalse(first.isAfter(t0.plusSeconds(20)), "within a quarter of the time left");
        scheduler.runNext();
        assertEquals(1, server.count(Kind.REBIND));
        assertEquals(ip6("fd99::42"), server.boundTo(KEY));
        assertEquals(State.BOUND, machine.state());
        assertEquals(1, metrics.renewals6Ok());
    }

    @Test
    void theConfirmationAfterARestartKeepsTheRecordedUplink() {
        machine.resume(new Binding6(ScriptedLease6Server.identityOf(ATTACHMENT),
                server.lease(ip6("fd99::42"), t0.minusSeconds(10)), "br7"));

        scheduler.runNext();

        assertEquals(State.BOUND, machine.state());
        assertEquals("br7", machine.binding().uplink());
    }

    @Test
    void anUnansweredConfirmationKeepsTheRecordedTimes() {
        Binding6 recorded = new Binding6(ScriptedLease6Server.identityOf(ATTACHMENT),
                server.lease(ip6("fd99::42"), t0.minusSeconds(10)));
        server.script(Kind.REBIND, Fault.SILENT);

        machine.resume(recorded);
        scheduler.runNext();

        assertEquals(State.BOUND, machine.state());
        assertEquals(List.of(recorded.lease().renewAt()), scheduler.pending(), "RENEW at the recorded T1");
    }

    @Test
    void aRefusedConfirmationLosesTheLease() {
        Binding6 recorded = new Binding6(ScriptedLease6Server.identityOf(ATTACHMENT),
                server.lease(ip6("fd99::42"), t0.minusSeconds(10)));
        server.script(Kind.REBIND, Fault.REFUSE);
        server.script(Kind.ACQUIRE, Fault.SILENT);

        machine.resume(recorded);
        scheduler.runNext();

        assertTrue(machine.view().lost());
    }

    @Test
    void aLeaseResumedPastItsValidLifetimeIsSolicitedAgainAtOnce() {
        Binding6 recorded = new Binding6(ScriptedLease6Server.identityOf(ATTACHMENT),
                server.lease(ip6("fd99::42"), t0.minusSeconds(100)));

        machine.resume(recorded);
        scheduler.runNext();

        assertEquals(1, server.count(Kind.ACQUIRE));
        assertEquals(ip6("fd99::42"), server.received().get(0).address());
        assertEquals(State.BOUND, machine.state());
    }

    @Test
    void aResumedLeaseWhosePodIsGoneIsReleasedFromTheRuntimeNamespaceAndEnds() {
        Binding6 recorded = new Binding6(ScriptedLease6Server.identityOf(ATTACHMENT),
                server.lease(ip6("fd99::42"), t0.minusSeconds(10)));
        server.podGone(KEY);

        machine.resume(recorded);

        assertEquals(1, server.count(Kind.RELEASE));
        assertEquals(RUNTIME, server.received().get(0).fallbackNetns());
        assertEquals(List.of(machine), gone);
        assertEquals(List.of("remove6"), journal);
        assertEquals(List.of(), scheduler.pending());
    }

    @Test
    void aRenewalThatFindsThePodGoneEndsTheMachine() throws Exception {
        start();
        server.podGone(KEY);

        scheduler.runNext();

        assertTrue(machine.stopped());
        assertEquals(List.of(machine), gone);
    }

    @Test
    void anIpv4OnlyAttachmentHasNoV6Machine() {
        Attachment v4 = new Attachment(KEY, Path.of("/x"), new byte[] {0, 1}, ClientOptions.defaults());
        assertThrows(IllegalArgumentException.class, () -> new Lease6Machine(v4, context(), m -> { }));
    }

    // ---- the kernel's duplicate address detection after ADD (RFC 8415 18.2.8) ----

    /** A machine whose transport has the kernel look at the address 3 s after ADD, as the real one does. */
    private Lease6Machine watchingDad() {
        server.dadVerdictAfter(Duration.ofSeconds(3));
        return new Lease6Machine(ATTACHMENT, context(), gone::add);
    }

    @Test
    void anAddressTheKernelFlagsDadfailedAfterAddIsDeclinedOnceAndTheLeaseIsLost() throws Exception {
        Lease6Machine watching = watchingDad();
        Binding6 b = watching.start(clock.instant().plusSeconds(60));
        Instant added = clock.instant();
        server.addressStates(KEY, Address6State.DAD_FAILED);

        assertEquals(added.plusSeconds(3), scheduler.nextDue(), "the look comes before T1");
        scheduler.runNext();

        assertEquals(List.of(b.lease().address()), server.declined(), "DECLINE sent for the leased address");
        assertEquals(added.plusSeconds(3), server.received().get(1).at());
        assertNull(server.boundTo(KEY), "the server no longer binds it to the pod");
        assertTrue(watching.view().lost());
        assertEquals(State.INIT, watching.state());
        assertEquals(1, metrics.dadFailures6());
        assertEquals(List.of(), scheduler.pending(), "no renewal, and the address is not solicited again");
        assertEquals("remove6", journal.get(journal.size() - 1), "no record left for a restart to confirm");
        CheckFailedException check = assertThrows(CheckFailedException.class, () -> watching.check(b.lease().address()));
        assertTrue(check.getMessage().contains("duplicate address detection failed"), check.getMessage());

        clock.advance(Duration.ofMinutes(10));
        scheduler.runDue();
        assertEquals(1, server.count(Kind.DECLINE), "declined once");
        assertEquals(1, server.count(Kind.ACQUIRE), "only the ADD's SOLICIT");
        assertNull(watching.stop(null), "nothing to release at DEL");
        assertEquals(0, server.count(Kind.RELEASE));
    }

    @Test
    void aTentativeAddressLooksAgainAndOnceCarriedNothingHappens() throws Exception {
        Lease6Machine watching = watchingDad();
        Binding6 b = watching.start(clock.instant().plusSeconds(60));
        server.addressStates(KEY, Address6State.TENTATIVE, Address6State.CARRIED);

        scheduler.runNext(); // +3 s: still tentative
        assertEquals(List.of(clock.instant().plusSeconds(3), b.lease().renewAt()), scheduler.pending(),
                "a second look 3 s later, then T1");
        scheduler.runNext(); // +6 s: carried

        assertEquals(List.of(b.lease().renewAt()), scheduler.pending());
        assertEquals(0, server.count(Kind.DECLINE));
        assertEquals(State.BOUND, watching.state());
        assertTrue(watching.view().held());
        assertEquals(0, metrics.dadFailures6());
    }

    @Test
    void anAddressTheMainPluginHasNotConfiguredYetIsNotDeclined() throws Exception {
        Lease6Machine watching = watchingDad();
        Binding6 b = watching.start(clock.instant().plusSeconds(60));
        server.addressStates(KEY, Address6State.ABSENT);

        scheduler.runNext();

        assertEquals(0, server.count(Kind.DECLINE));
        assertEquals(State.BOUND, watching.state());
        assertEquals(List.of(b.lease().renewAt()), scheduler.pending(), "only T1 left");
    }

    @Test
    void aRenewalThatFindsTheAddressDadfailedDeclinesIt() throws Exception {
        Lease6Machine watching = watchingDad();
        Binding6 b = watching.start(clock.instant().plusSeconds(60));
        scheduler.runNext(); // +3 s: carried (the interface has the address)
        server.addressStates(KEY, Address6State.DAD_FAILED);

        scheduler.runNext(); // T1: RENEW, then the look

        assertEquals(1, server.count(Kind.RENEW));
        assertEquals(List.of(b.lease().address()), server.declined());
        assertTrue(watching.view().lost());
        assertEquals(List.of(), scheduler.pending());
    }

    @Test
    void aDelBeforeTheLookCancelsIt() throws Exception {
        Lease6Machine watching = watchingDad();
        watching.start(clock.instant().plusSeconds(60));

        watching.stop(null);

        assertEquals(List.of(), scheduler.pending());
        assertEquals(0, server.count(Kind.DECLINE));
    }
}
