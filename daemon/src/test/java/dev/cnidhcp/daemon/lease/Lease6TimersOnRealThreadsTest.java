package dev.cnidhcp.daemon.lease;

import dev.cnidhcp.daemon.dhcp.ClientIdentity;
import dev.cnidhcp.daemon.dhcp.ClientOptions;
import dev.cnidhcp.daemon.dhcp.Exclusions;
import dev.cnidhcp.daemon.dhcp.Suppression;
import dev.cnidhcp.daemon.metrics.DaemonMetrics;
import dev.cnidhcp.daemon.testing.FakeClock;
import dev.cnidhcp.daemon.testing.InstantLeaseTransport;
import dev.cnidhcp.daemon.testing.ScriptedLease6Server;
import dev.cnidhcp.daemon.testing.ScriptedLease6Server.Kind;
import dev.cnidhcp.daemon.testing.SteppableTicker;
import dev.cnidhcp.daemon.time.ElasticExecutor;
import dev.cnidhcp.daemon.time.MonotonicClock;
import dev.cnidhcp.daemon.time.TimerQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Dual-stack leases on the daemon's real timer thread, workers and monotonic clock: the ADD's two
 * acquisitions in parallel, and the DHCPv6 renewals on the same timer queue as the IPv4 ones.
 */
class Lease6TimersOnRealThreadsTest {
    private static final Logger DAEMON_LOG = Logger.getLogger("dev.cnidhcp.daemon");

    static {
        DAEMON_LOG.setLevel(Level.OFF);
    }

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

    private static Attachment attachment(int i) {
        LeaseKey key = new LeaseKey("pod" + i, "net1", "eth0");
        return new Attachment(key, Path.of("/var/run/netns/pod"), ClientIdentity.defaultClientId(key.containerId(),
                "net1", "eth0"), ClientOptions.defaults(), List.of(), null, Suppression.NONE, true, Exclusions.NONE,
                true, true);
    }

    @Test
    void dualStackLeasesRenewBothFamiliesOnTheSharedTimerQueue() throws Exception {
        InstantLeaseTransport net = new InstantLeaseTransport(clock, Duration.ofSeconds(60), Duration.ZERO);
        ScriptedLease6Server server6 = new ScriptedLease6Server(clock, Duration.ZERO)
                .lifetimes(Duration.ofSeconds(20), Duration.ofSeconds(32), Duration.ofSeconds(40), Duration.ofSeconds(60));
        LeaseManager leases = new LeaseManager(new LeaseContext(net, timers, clock, Duration.ofSeconds(10),
                Duration.ofSeconds(62), LeaseJournal.NONE, metrics, new SplittableRandom(5), server6));
        for (int i = 0; i < 20; i++) {
            LeaseManager.Grant grant = leases.grant(attachment(i), clock.instant().plusSeconds(10));
            assertTrue(grant.binding() != null && grant.binding6() != null);
        }
        assertEquals(0, server6.count(Kind.RENEW));

        ticker.jump(Duration.ofSeconds(21)); // past the v6 T1 (20 s), before the v4 T1 (30 s)

        assertTrue(eventually(Duration.ofSeconds(5), () -> server6.count(Kind.RENEW) == 20),
                "renewed: " + server6.count(Kind.RENEW));
        assertEquals(0, net.renewals(), "the IPv4 leases wait for their own T1");

        ticker.jump(Duration.ofSeconds(10)); // past the v4 T1

        assertTrue(eventually(Duration.ofSeconds(5), () -> net.renewals() == 20), "renewed: " + net.renewals());
        assertEquals(0, server6.count(Kind.REBIND));
        assertEquals(0, metrics.timerDeadlinesMissed());
        for (Lease6View v : leases.views6()) {
            assertEquals(Lease6Machine.State.BOUND, v.state());
            assertFalse(v.lost());
        }
    }

    @Test
    void theTwoHalvesOfAnAddRunInParallel() throws Exception {
        InstantLeaseTransport net = new InstantLeaseTransport(clock, Duration.ofSeconds(60), Duration.ofMillis(400));
        ScriptedLease6Server server6 = new ScriptedLease6Server(java.time.Clock.systemUTC(), Duration.ZERO);
        java.util.concurrent.CountDownLatch v6Started = new java.util.concurrent.CountDownLatch(1);
        Lease6Transport observed = new Lease6Transport() {
            @Override
            public dev.cnidhcp.daemon.dhcp6.Binding6 acquire(Attachment a, java.net.Inet6Address requested,
                                                             Instant deadline) throws java.io.IOException,
                    dev.cnidhcp.daemon.dhcp.NoLeaseException {
                v6Started.countDown();
                return server6.acquire(a, requested, deadline);
            }

            @Override
            public dev.cnidhcp.daemon.dhcp6.Lease6 renew(Attachment a, dev.cnidhcp.daemon.dhcp6.Binding6 b,
                                                         Instant deadline) throws java.io.IOException,
                    dev.cnidhcp.daemon.dhcp.NoLeaseException {
                return server6.renew(a, b, deadline);
            }

            @Override
            public dev.cnidhcp.daemon.dhcp6.Lease6 rebind(Attachment a, dev.cnidhcp.daemon.dhcp6.Binding6 b,
                                                          Instant deadline) throws java.io.IOException,
                    dev.cnidhcp.daemon.dhcp.NoLeaseException {
                return server6.rebind(a, b, deadline);
            }

            @Override
            public String release6(Attachment a, dev.cnidhcp.daemon.dhcp6.Binding6 b, Path fallback)
                    throws java.io.IOException {
                return server6.release6(a, b, fallback);
            }

            @Override
            public List<java.net.Inet6Address> interfaceAddresses6(Attachment a) throws java.io.IOException {
                return server6.interfaceAddresses6(a);
            }
        };
        LeaseManager leases = new LeaseManager(new LeaseContext(net, timers, clock, Duration.ofSeconds(10),
                Duration.ofSeconds(62), LeaseJournal.NONE, metrics, new SplittableRandom(5), observed));
        Thread add = new Thread(() -> {
            try {
                leases.grant(attachment(1), clock.instant().plusSeconds(10));
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        add.start();

        assertTrue(v6Started.await(300, TimeUnit.MILLISECONDS),
                "the SOLICIT went out while the IPv4 exchange (400 ms) was still running");
        add.join(5_000);
        assertTrue(leases.holds(attachment(1).key()));
    }

    private static boolean eventually(Duration within, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < end) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(10);
        }
        return condition.getAsBoolean();
    }
}
