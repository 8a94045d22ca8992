package dev.cnidhcp.daemon.lease;

import dev.cnidhcp.daemon.dhcp.DhcpClient;
import dev.cnidhcp.daemon.dhcp.NoLeaseException;
import dev.cnidhcp.daemon.lease.LeaseMachine.State;
import dev.cnidhcp.daemon.metrics.DaemonMetrics;
import dev.cnidhcp.daemon.testing.FakeClock;
import dev.cnidhcp.daemon.testing.LoopbackLeaseTransport;
import dev.cnidhcp.daemon.testing.ManualScheduler;
import dev.cnidhcp.daemon.testing.ScriptedDhcpServer;
import dev.cnidhcp.daemon.testing.ScriptedDhcpServer.Fault;
import org.dhcp4java.DHCPConstants;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

import static dev.cnidhcp.daemon.lease.LeaseMachineTest.ATTACHMENT;
import static dev.cnidhcp.daemon.lease.LeaseMachineTest.ATTEMPT_TIMEOUT;
import static dev.cnidhcp.daemon.lease.LeaseMachineTest.BACKOFF_MAX;
import static dev.cnidhcp.daemon.lease.LeaseMachineTest.FIRST;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a lease's life adds to {@link DaemonMetrics}: acquisitions and renewals by result, NAKs,
 * timeouts, acquisitions without any offer, and the last failure that {@code dhcp status} shows. Same
 * setup as {@link LeaseMachineTest}: leases of 60 s, T1 at 30 s.
 */
class LeaseMetricsTest {
    private static final Logger DAEMON_LOG = Logger.getLogger("dev.cnidhcp.daemon");

    static {
        DAEMON_LOG.setLevel(Level.OFF);
    }

    private final FakeClock clock = new FakeClock();
    private final DaemonMetrics metrics = new DaemonMetrics();
    private final ScriptedDhcpServer server = new ScriptedDhcpServer(clock);
    private final LoopbackLeaseTransport net = new LoopbackLeaseTransport(
            new DhcpClient(LoopbackLeaseTransport.SETTINGS, clock, metrics), server, clock);
    private final ManualScheduler scheduler = new ManualScheduler(clock);
    private final LeaseMachine machine = new LeaseMachine(ATTACHMENT,
            LeaseContext.of(net, scheduler, clock, ATTEMPT_TIMEOUT, BACKOFF_MAX).withMetrics(metrics), m -> { });

    @Test
    void anAckCountsOneAcquisition() throws Exception {
        machine.start(clock.instant().plusSeconds(60));

        assertEquals(1, metrics.acquisitionsOk());
        assertEquals(0, metrics.acquisitionsFailed());
        assertTrue(metrics.lastAcquisitionFailure().isEmpty());
    }

    @Test
    void silenceIsAFailedAcquisitionWithoutAnyOfferAndIsRememberedForStatus() {
        server.down();

        NoLeaseException e = assertThrows(NoLeaseException.class, () -> machine.start(clock.instant().plusSeconds(60)));

        assertTrue(e.getMessage().startsWith("no DHCPOFFER received from any server in 60 s"), e.getMessage());
        assertEquals(1, metrics.acquisitionsFailed());
        assertEquals(1, metrics.noOffers(), "not a single offer: the sign of an exhausted pool");
        assertTrue(metrics.timeouts() >= 1);
        DaemonMetrics.Failure failure = metrics.lastAcquisitionFailure().orElseThrow();
        assertEquals(clock.instant(), failure.at());
        assertEquals("container=c0ffee ifname=eth0 network=net1", failure.attachment());
        assertEquals(e.getMessage(), failure.message());
    }

    @Test
    void silenceSaysThePoolMayBeExhaustedNamesTheInterfaceAndCountsForTheNetwork() {
        server.down();

        NoLeaseException e = assertThrows(NoLeaseException.class, () -> machine.start(clock.instant().plusSeconds(60)));

        assertTrue(e.noOffer(), e.getMessage());
        assertTrue(e.getMessage().contains("in 60 s on interface eth0"), e.getMessage());
        assertTrue(e.getMessage().contains("the server(s) made no offer within the timeout; the pool may be exhausted"),
                e.getMessage());
        DaemonMetrics.NetworkStats net1 = metrics.networks().get("net1");
        assertEquals(1, net1.noOffers(), metrics.networks().toString());
        assertEquals(0, net1.naks());
        assertEquals(e.getMessage(), net1.lastFailure().orElseThrow().message());
        assertEquals(clock.instant(), net1.lastNoOffer().orElseThrow());
    }

    @Test
    void aNakDuringAcquisitionAndANakThatRefusesARenewalCountForTheNetwork() throws Exception {
        server.whenType(DHCPConstants.DHCPREQUEST).once().reply(Fault.NAK); // the ADD's REQUEST: start over, then ACK
        machine.start(clock.instant().plusSeconds(60));
        server.next(Fault.NAK); // the renewal at T1

        scheduler.runNext();

        assertEquals(2, metrics.naks());
        assertEquals(2, metrics.networks().get("net1").naks());
        assertEquals(0, metrics.networks().get("net1").noOffers());
        assertTrue(metrics.networks().get("net1").lastNoOffer().isEmpty());
    }

    @Test
    void anOfferWithoutAckIsAFailureButNotANoOffer() {
        server.whenType(DHCPConstants.DHCPREQUEST).reply(Fault.DROP);

        assertThrows(NoLeaseException.class, () -> machine.start(clock.instant().plusSeconds(60)));

        assertEquals(1, metrics.acquisitionsFailed());
        assertEquals(0, metrics.noOffers());
        assertEquals(0, metrics.networks().get("net1").noOffers());
        assertTrue(metrics.networks().get("net1").lastNoOffer().isEmpty(), "failed, but not for want of an offer");
    }

    @Test
    void renewalAtT1CountsOneRenewal() throws Exception {
        machine.start(clock.instant().plusSeconds(60));

        scheduler.runNext(); // T1

        assertEquals(State.BOUND, machine.state());
        assertEquals(1, metrics.renewalsOk());
        assertEquals(0, metrics.renewalsFailed());
    }

    @Test
    void silentServerAtT1IsAFailedRenewalAndATimeout() throws Exception {
        machine.start(clock.instant().plusSeconds(60));
        server.down();

        scheduler.runNext(); // T1

        assertEquals(State.RENEWING, machine.state());
        assertEquals(0, metrics.renewalsOk());
        assertEquals(1, metrics.renewalsFailed());
        assertEquals(1, metrics.timeouts());
    }

    @Test
    void nakAtT1IsCountedAsNakAndFailedRenewal() throws Exception {
        machine.start(clock.instant().plusSeconds(60));
        server.next(Fault.NAK);

        scheduler.runNext(); // T1: NAK, then DISCOVER for the same address gets it back

        assertEquals(1, metrics.naks());
        assertEquals(1, metrics.renewalsFailed());
        assertEquals(2, metrics.acquisitionsOk(), "the ADD and the DISCOVER after the NAK");
    }

    @Test
    void viewDoesNotWaitForAnExchangeInProgress() throws Exception {
        machine.start(clock.instant().plusSeconds(60));
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread exchange = new Thread(() -> {
            synchronized (machine) { // as a renewal holds it while it waits for the server
                held.countDown();
                try {
                    release.await(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        exchange.start();
        try {
            assertTrue(held.await(5, TimeUnit.SECONDS));

            LeaseView view = machine.view();

            assertEquals(State.BOUND, view.state());
            assertEquals(FIRST, view.binding().lease().address());
            assertFalse(view.lost());
            assertEquals(ATTACHMENT, view.attachment());
        } finally {
            release.countDown();
            exchange.join(5000);
        }
    }
}
