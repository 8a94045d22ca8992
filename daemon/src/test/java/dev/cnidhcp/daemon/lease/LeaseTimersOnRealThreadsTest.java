package dev.cnidhcp.daemon.lease;

import dev.cnidhcp.daemon.dhcp.ClientIdentity;
import dev.cnidhcp.daemon.dhcp.ClientOptions;
import dev.cnidhcp.daemon.metrics.DaemonMetrics;
import dev.cnidhcp.daemon.testing.FakeClock;
import dev.cnidhcp.daemon.testing.InstantLeaseTransport;
import dev.cnidhcp.daemon.testing.SteppableTicker;
import dev.cnidhcp.daemon.time.ElasticExecutor;
import dev.cnidhcp.daemon.time.MonotonicClock;
import dev.cnidhcp.daemon.time.Timeline;
import dev.cnidhcp.daemon.time.TimerQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Lease machines on the daemon's real timer thread, worker threads and monotonic clock (a
 * steppable boot-time ticker and a fake wall clock), with a transport that answers at once: what
 * the single-threaded manual scheduler cannot show.
 */
class LeaseTimersOnRealThreadsTest {
    private static final Logger DAEMON_LOG = Logger.getLogger("dev.cnidhcp.daemon");

    static {
        DAEMON_LOG.setLevel(Level.OFF);
    }

    private static final Path NETNS = Path.of("/var/run/netns/pod");

    private final SteppableTicker ticker = new SteppableTicker();
    private final FakeClock wall = new FakeClock();
    private final MonotonicClock clock = MonotonicClock.start(wall, ticker);
    private final DaemonMetrics metrics = new DaemonMetrics();
    private final ElasticExecutor workers = new ElasticExecutor(4, 1, TimeUnit.SECONDS,
            r -> new Thread(r, "test-lease-worker"));
    private final TimerQueue timers = new TimerQueue(clock, workers, metrics.timerObserver());

    @AfterEach
    void stop() {
        timers.close();
        workers.shutdownNow();
    }

    private LeaseManager manager(InstantLeaseTransport net) {
        return new LeaseManager(new LeaseContext(net, timers, clock, Duration.ofSeconds(10), Duration.ofSeconds(62),
                LeaseJournal.NONE, metrics, new SplittableRandom(7)));
    }

    private static Attachment attachment(int i) {
        LeaseKey key = new LeaseKey("pod" + i, "net1", "eth0");
        return new Attachment(key, NETNS, ClientIdentity.defaultClientId(key.containerId(), "net1", "eth0"),
                ClientOptions.defaults());
    }

    @Test
    void hundredsOfLeasesResumedAfterT1AreAllRenewedOnFourWorkers() throws Exception {
        // 8 s leases: T1 at 4 s, T2 at 7 s; the daemon comes back at 4.5 s, when every T1 has passed.
        InstantLeaseTransport net = new InstantLeaseTransport(clock, Duration.ofSeconds(8), Duration.ofMillis(2));
        Instant granted = clock.instant().minusMillis(4_500);
        List<Attachment> attachments = new ArrayList<>();
        List<Binding> bindings = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            Attachment a = attachment(i);
            attachments.add(a);
            bindings.add(new Binding(new ClientIdentity(new byte[] {2, 0, 0, 0, 1, (byte) i}, a.clientId()),
                    net.lease(dev.cnidhcp.daemon.dhcp.Route.parseAddress("10.1.1." + (i % 250 + 2), "a"), granted)));
        }
        LeaseManager leases = manager(net);

        assertEquals(500, leases.recover(attachments, bindings));

        assertTrue(eventually(Duration.ofSeconds(10), () -> net.renewals() >= 500),
                "renewed: " + net.renewals() + " of 500");
        assertEquals(0, net.rebindings(), "every one renewed before T2");
        assertEquals(500, leases.countByState().get(LeaseMachine.State.BOUND));
        assertEquals(0, metrics.timerDeadlinesMissed());
        assertEquals(500, metrics.timerLateness().count(), "each first attempt ran once");
    }

    @Test
    void wallClockStepsOfHoursForwardAndBackChangeNoLease() throws Exception {
        InstantLeaseTransport net = new InstantLeaseTransport(clock, Duration.ofSeconds(60), Duration.ZERO);
        LeaseManager leases = manager(net);
        for (int i = 0; i < 20; i++) {
            leases.add(attachment(i), clock.instant().plusSeconds(10));
        }

        wall.advance(Duration.ofHours(9)); // NTP at first boot
        Thread.sleep(1_300);
        wall.set(FakeClock.START.minus(Duration.ofHours(9))); // a VM restored from an old snapshot
        Thread.sleep(1_300);

        assertEquals(20, leases.countByState().get(LeaseMachine.State.BOUND));
        assertEquals(0, net.renewals() + net.rebindings() + net.reboots(), "no exchange, no transition");

        ticker.jump(Duration.ofSeconds(31)); // real time passes T1

        assertTrue(eventually(Duration.ofSeconds(5), () -> net.renewals() == 20), "renewed: " + net.renewals());
        assertEquals(20, leases.countByState().get(LeaseMachine.State.BOUND));
        assertEquals(0, net.rebindings());
    }

    @Test
    void recordsKeepWallTimeAndARestartTakesThemOnce() throws Exception {
        InstantLeaseTransport net = new InstantLeaseTransport(clock, Duration.ofSeconds(60), Duration.ZERO);
        List<Binding> recorded = new ArrayList<>();
        LeaseJournal disk = new LeaseJournal() {
            @Override
            public void record(Attachment attachment, Binding binding) {
                recorded.add(binding);
            }

            @Override
            public void remove(LeaseKey key) {
            }
        };
        Timeline timeline = new Timeline(clock, wall);
        wall.advance(Duration.ofHours(2)); // the wall clock was stepped since the daemon started
        LeaseManager leases = new LeaseManager(new LeaseContext(net, timers, clock, Duration.ofSeconds(10),
                Duration.ofSeconds(62), new WallTimeJournal(disk, timeline), metrics, new SplittableRandom(1)));

        Binding granted = leases.add(attachment(1), clock.instant().plusSeconds(10));

        Duration recordedLeft = Duration.between(wall.instant(), recorded.get(0).lease().expiresAt());
        assertTrue(recordedLeft.toMillis() > 59_900 && recordedLeft.toMillis() <= 60_000,
                "the record says: expires 60 s from the wall clock's now, not 2 h ago: " + recordedLeft);
        assertEquals(clock.instant().plusSeconds(60).getEpochSecond(), granted.lease().expiresAt().getEpochSecond());

        // A daemon started 20 s of wall time later has a timeline of its own.
        wall.advance(Duration.ofSeconds(20));
        MonotonicClock later = MonotonicClock.start(wall, new SteppableTicker());
        Binding resumed = WallTimeJournal.fromRecord(recorded.get(0), new Timeline(later, wall));
        long left = Duration.between(later.instant(), resumed.lease().expiresAt()).toSeconds();
        assertTrue(left >= 39 && left <= 40, "40 s left: " + left);
    }

    @Test
    void delCutsAnExchangeInProgressShortInsteadOfWaitingBehindIt() throws Exception {
        InstantLeaseTransport net = new InstantLeaseTransport(clock, Duration.ofSeconds(8), Duration.ZERO);
        LeaseManager leases = manager(net);
        for (int i = 0; i < 4; i++) {
            leases.add(attachment(i), clock.instant().plusSeconds(10));
        }
        CountDownLatch exchanging = net.hang(4);
        ticker.jump(Duration.ofSeconds(5)); // T1: four renewals start, and the server never answers

        assertTrue(exchanging.await(5, TimeUnit.SECONDS), "the renewals started");
        long started = System.nanoTime();
        for (int i = 0; i < 4; i++) {
            leases.delete(attachment(i).key(), null);
        }
        long tookMillis = (System.nanoTime() - started) / 1_000_000;

        assertTrue(tookMillis < 1_000, "four DELs took " + tookMillis + " ms");
        assertEquals(4, net.releases());
        assertEquals(0, leases.all().size());
        assertTrue(eventually(Duration.ofSeconds(2), () -> workers.queued() == 0));
    }

    @Test
    void anExpiryOnTimeDuringAnOutageIsNotCountedAsAMissedDeadline() throws Exception {
        InstantLeaseTransport net = new InstantLeaseTransport(clock, Duration.ofSeconds(4), Duration.ZERO);
        LeaseManager leases = manager(net);
        leases.add(attachment(1), clock.instant().plusSeconds(10));
        net.silence(); // T1 at 2 s, retries, T2 at 3.5 s, expiry at 4 s: no server answers

        assertTrue(eventually(Duration.ofSeconds(8), () -> net.reboots() > 0), "expired and INIT-REBOOT tried");

        assertTrue(net.renewals() > 0 && net.rebindings() > 0, "RENEWING and REBINDING ran first");
        assertEquals(0, metrics.timerDeadlinesMissed(), "every timer ran in time, the expiry step included");
    }

    @Test
    void theUndoOfAnUndeliveredAddReleasesOnlyALeaseNoLaterAddWasGiven() throws Exception {
        InstantLeaseTransport net = new InstantLeaseTransport(clock, Duration.ofSeconds(60), Duration.ZERO);
        LeaseManager leases = manager(net);

        LeaseManager.Grant first = leases.grant(attachment(1), clock.instant().plusSeconds(10));
        LeaseManager.Grant retried = leases.grant(attachment(1), clock.instant().plusSeconds(10)); // the runtime retried

        assertFalse(leases.revoke(first), "the retry's caller got this lease: it stays");
        assertFalse(leases.revoke(retried), "a retry never obtained the lease: its undo does not release it");
        assertEquals(0, net.releases());
        assertEquals(1, leases.all().size());

        LeaseManager.Grant alone = leases.grant(attachment(2), clock.instant().plusSeconds(10));
        assertTrue(leases.revoke(alone), "nobody else has it: released");
        assertEquals(1, net.releases());
        assertEquals(null, leases.get(attachment(2).key()));
    }

    private static boolean eventually(Duration within, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < end) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(20);
        }
        return condition.getAsBoolean();
    }
}
