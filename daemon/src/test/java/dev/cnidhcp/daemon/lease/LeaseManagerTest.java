package dev.cnidhcp.daemon.lease;

import dev.cnidhcp.daemon.dhcp.Suppression;
import dev.cnidhcp.daemon.dhcp.ClientIdentity;
import dev.cnidhcp.daemon.dhcp.ClientOptions;
import dev.cnidhcp.daemon.dhcp.NoLeaseException;
import dev.cnidhcp.daemon.testing.FakeClock;
import dev.cnidhcp.daemon.testing.LoopbackLeaseTransport;
import dev.cnidhcp.daemon.testing.ManualScheduler;
import dev.cnidhcp.daemon.testing.ScriptedDhcpServer;
import dev.cnidhcp.daemon.testing.ScriptedDhcpServer.Kind;
import dev.cnidhcp.daemon.testing.ScriptedDhcpServer.Received;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.Inet4Address;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;

import static dev.cnidhcp.daemon.lease.LeaseMachineTest.ip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link LeaseManager}: one machine per key, over the loopback transport and the scripted server. */
class LeaseManagerTest {
    private static final Logger DAEMON_LOG = Logger.getLogger("dev.cnidhcp.daemon");
    private static final Logger DHCP4JAVA_LOG = Logger.getLogger("org.dhcp4java");

    static {
        DAEMON_LOG.setLevel(Level.OFF);
        DHCP4JAVA_LOG.setLevel(Level.OFF);
    }

    private static final Path RUNTIME_NETNS = Path.of("/proc/4242/ns/net");

    private final FakeClock clock = new FakeClock();
    private final ScriptedDhcpServer server = new ScriptedDhcpServer(clock);
    private final LoopbackLeaseTransport net = new LoopbackLeaseTransport(server, clock);
    private final ManualScheduler scheduler = new ManualScheduler(clock);
    private final LeaseManager manager = new LeaseManager(net, scheduler, clock, Duration.ofSeconds(10),
            Duration.ofSeconds(62));

    private static Attachment attachment(String container, String network, String ifname) {
        return new Attachment(new LeaseKey(container, network, ifname), Path.of("/var/run/netns/" + container),
                ClientIdentity.defaultClientId(container, network, ifname), ClientOptions.defaults());
    }

    private Instant deadline() {
        return clock.instant().plusSeconds(60);
    }

    @Test
    void addTwiceReturnsTheSameBindingAndAcquiresOnce() throws Exception {
        Attachment a = attachment("c1", "net1", "eth0");

        Binding first = manager.add(a, deadline());
        Binding second = manager.add(a, deadline());

        assertSame(first, second);
        assertEquals(1, net.count("acquire"));
        assertEquals(1, server.count(Kind.DISCOVER));
        assertEquals(1, manager.all().size());
        assertEquals(1, scheduler.pending().size(), "one T1 timer");
    }

    @Test
    void addOfTwoInterfacesGetsTwoLeases() throws Exception {
        Binding eth0 = manager.add(attachment("c1", "net1", "eth0"), deadline());
        Binding eth1 = manager.add(attachment("c1", "net1", "eth1"), deadline());

        assertEquals(ip("10.1.0.10"), eth0.lease().address());
        assertEquals(ip("10.1.0.11"), eth1.lease().address());
        assertEquals(2, manager.all().size());
    }

    @Test
    void failedAddLeavesNoMachine() throws Exception {
        Attachment a = attachment("c1", "net1", "eth0");
        server.down();

        assertThrows(NoLeaseException.class, () -> manager.add(a, deadline()));

        assertNull(manager.get(a.key()));
        assertEquals(List.of(), manager.all());
        assertEquals(List.of(), scheduler.pending());
        assertThrows(CheckFailedException.class, () -> manager.check(a.key(), null));

        server.up();
        Binding retried = manager.add(a, deadline());
        assertEquals(ip("10.1.0.10"), retried.lease().address());
        assertNotNull(manager.get(a.key()));
    }

    @Test
    void anExhaustedPoolFailsTheExtraAddsWithANoOfferErrorAndHoldsNothingForThem() throws Exception {
        Set<LeaseKey> recorded = java.util.concurrent.ConcurrentHashMap.newKeySet();
        LeaseManager journaled = new LeaseManager(net, scheduler, clock, Duration.ofSeconds(10), Duration.ofSeconds(62),
                new LeaseJournal() {
                    @Override
                    public void record(Attachment attachment, Binding binding) {
                        recorded.add(attachment.key());
                    }

                    @Override
                    public void remove(LeaseKey key) {
                        recorded.remove(key);
                    }
                });
        int pool = 11; // the scripted server's 10.1.0.10 - 10.1.0.20
        for (int i = 0; i < pool; i++) {
            journaled.add(attachment("c" + i, "net1", "eth0"), deadline());
        }
        Attachment extra = attachment("extra", "net1", "eth0");

        NoLeaseException e = assertThrows(NoLeaseException.class, () -> journaled.add(extra, deadline()));

        assertTrue(e.noOffer(), e.getMessage());
        assertTrue(e.getMessage().contains("on interface eth0: the server(s) made no offer within the timeout;"
                + " the pool may be exhausted"), e.getMessage());
        assertNull(journaled.get(extra.key()));
        assertEquals(pool, recorded.size());
        assertFalse(recorded.contains(extra.key()), "no record of the failed ADD");
        assertEquals(java.util.Map.of("net1", pool), journaled.countByNetwork());
        assertEquals(java.util.Map.of(ScriptedDhcpServer.SERVER_ID.getHostAddress(), pool), journaled.countByServer());
        List<Kind> sentByExtra = server.received().stream()
                .filter(r -> java.util.Arrays.equals(r.clientId(), extra.clientId())).map(Received::kind).distinct()
                .toList();
        assertEquals(List.of(Kind.DISCOVER), sentByExtra, "nothing requested, so nothing held at the server");
    }

    @Test
    void deleteOfUnknownKeySucceeds() throws Exception {
        manager.delete(new LeaseKey("nobody", "net1", "eth0"), RUNTIME_NETNS);

        assertEquals(List.of(), server.received());
        assertEquals(List.of(), net.calls());
    }

    @Test
    void deleteReleasesAndForgets() throws Exception {
        Attachment a = attachment("c1", "net1", "eth0");
        Binding b = manager.add(a, deadline());

        manager.delete(a.key(), RUNTIME_NETNS);

        assertNull(manager.get(a.key()));
        assertEquals(List.of(), scheduler.pending());
        Received release = server.last(Kind.RELEASE);
        assertEquals(b.lease().address(), release.ciaddr());
        assertNull(server.bindingOf(a.clientId()));

        manager.delete(a.key(), RUNTIME_NETNS); // DEL is idempotent
        assertEquals(1, server.count(Kind.RELEASE));
    }

    @Test
    void deleteThatCannotReleaseStillForgetsTheLease() throws Exception {
        Attachment a = attachment("c1", "net1", "eth0");
        manager.add(a, deadline());
        net.failReleasesWith(new IOException("no route to 10.1.0.2"));

        IOException e = assertThrows(IOException.class, () -> manager.delete(a.key(), RUNTIME_NETNS));

        assertEquals("no route to 10.1.0.2", e.getMessage());
        assertNull(manager.get(a.key()));
        assertEquals(List.of(), scheduler.pending());
    }

    @Test
    void addAfterDeleteStartsAFreshLease() throws Exception {
        Attachment a = attachment("c1", "net1", "eth0");
        manager.add(a, deadline());
        LeaseMachine before = manager.get(a.key());
        manager.delete(a.key(), RUNTIME_NETNS);

        manager.add(a, deadline());

        assertNotSame(before, manager.get(a.key()));
        assertEquals(2, net.count("acquire"));
    }

    @Test
    void checkGoesToTheMachineOfTheKey() throws Exception {
        Attachment a = attachment("c1", "net1", "eth0");
        Binding b = manager.add(a, deadline());
        net.setInterfaceAddress(a.key(), b.lease().address());

        manager.check(a.key(), b.lease().address());
        CheckFailedException e = assertThrows(CheckFailedException.class,
                () -> manager.check(new LeaseKey("c1", "net1", "eth9"), null));
        assertTrue(e.getMessage().startsWith("no lease is held for"), e.getMessage());
    }

    @Test
    void collectGarbageReleasesOnlyInvalidAttachmentsOfThatNetwork() throws Exception {
        Attachment kept = attachment("c1", "net1", "eth0");
        Attachment staleContainer = attachment("c2", "net1", "eth0");
        Attachment staleInterface = attachment("c1", "net1", "eth1");
        Attachment otherNetwork = attachment("c3", "net2", "eth0");
        for (Attachment a : List.of(kept, staleContainer, staleInterface, otherNetwork)) {
            manager.add(a, deadline());
        }
        Inet4Address staleContainerAddress = manager.get(staleContainer.key()).binding().lease().address();
        Inet4Address staleInterfaceAddress = manager.get(staleInterface.key()).binding().lease().address();

        List<String> failures = manager.collectGarbage("net1", Set.of(List.of("c1", "eth0")), RUNTIME_NETNS);

        assertEquals(List.of(), failures);
        assertNotNull(manager.get(kept.key()));
        assertNotNull(manager.get(otherNetwork.key()), "another network's lease is not GC's business");
        assertNull(manager.get(staleContainer.key()));
        assertNull(manager.get(staleInterface.key()));
        assertEquals(Set.of(staleContainerAddress, staleInterfaceAddress),
                Set.copyOf(server.received(Kind.RELEASE).stream().map(Received::ciaddr).toList()));
        assertEquals(2, scheduler.pending().size(), "timers of the two leases kept");
    }

    @Test
    void collectGarbageGoesOnPastFailedReleases() throws Exception {
        manager.add(attachment("c1", "net1", "eth0"), deadline());
        manager.add(attachment("c2", "net1", "eth0"), deadline());
        net.failReleasesWith(new IOException("unreachable"));

        List<String> failures = manager.collectGarbage("net1", Set.of(), RUNTIME_NETNS);

        assertEquals(2, failures.size(), failures.toString());
        assertTrue(failures.get(0).endsWith(": unreachable"), failures.toString());
        assertEquals(List.of(), manager.all(), "forgotten anyway");
    }

    @Test
    void timersOfDifferentLeasesRunIndependently() throws Exception {
        Attachment a = attachment("c1", "net1", "eth0");
        manager.add(a, deadline());
        clock.advance(Duration.ofSeconds(10));
        Attachment b = attachment("c2", "net1", "eth0");
        manager.add(b, deadline());

        scheduler.advanceBy(Duration.ofSeconds(25)); // past T1 of the first only

        List<Received> renewals = server.received(Kind.RENEWING);
        assertEquals(1, renewals.size());
        assertEquals(manager.get(a.key()).binding().lease().address(), renewals.get(0).ciaddr());
    }

    @Test
    void addForALeaseThatIsLostIsAnErrorNotTheStaleAddress() throws Exception {
        Attachment a = attachment("c1", "net1", "eth0");
        manager.add(a, deadline());
        server.down();
        while (manager.get(a.key()).problem().isEmpty()) {
            scheduler.runNext(); // T1, T2, expiry: the lease is lost
        }

        NoLeaseException e = assertThrows(NoLeaseException.class, () -> manager.add(a, deadline()));

        assertTrue(e.getMessage().contains("10.1.0.10/24 is not usable"), e.getMessage());
        assertTrue(e.getMessage().contains("expired"), e.getMessage());
    }

    // ------------------------------------------------------------------ stable client ids, releaseOnDel

    /** A StatefulSet pod's attachment: container {@code container}, client id from the pod's name. */
    private static Attachment pod(String container, String podName, boolean releaseOnDel) {
        LeaseKey key = new LeaseKey(container, "net1", "eth0");
        byte[] id = ("\0default/" + podName + "/eth0").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return new Attachment(key, Path.of("/var/run/netns/" + container), id, ClientOptions.defaults(), List.of(),
                RUNTIME_NETNS, Suppression.NONE, releaseOnDel);
    }

    @Test
    void deleteWithReleaseOnDelFalseForgetsWithoutReleaseAndTheServerKeepsTheLease() throws Exception {
        Attachment a = pod("c1", "web-0", false);
        Binding b = manager.add(a, deadline());

        manager.delete(a.key(), RUNTIME_NETNS);

        assertNull(manager.get(a.key()));
        assertEquals(List.of(), scheduler.pending(), "no more renewals");
        assertEquals(0, server.count(Kind.RELEASE));
        assertEquals(List.of(), net.released());
        assertEquals(b.lease().address(), server.bindingOf(a.clientId()), "still bound at the server");
    }

    @Test
    void recreatedPodWithTheSameClientIdGetsTheSameAddressAfterAKeptDelete() throws Exception {
        manager.add(attachment("other", "net1", "eth0"), deadline()); // takes 10.1.0.10 first
        Attachment old = pod("c1", "web-0", false);
        Inet4Address before = manager.add(old, deadline()).lease().address();
        manager.delete(old.key(), RUNTIME_NETNS);
        manager.add(attachment("newcomer", "net1", "eth0"), deadline());

        Inet4Address after = manager.add(pod("c2", "web-0", false), deadline()).lease().address();

        assertEquals(before, after);
        assertEquals(ip("10.1.0.11"), after);
    }

    @Test
    void addWhoseClientIdALiveAttachmentHoldsIsRefusedAndTouchesNothing() throws Exception {
        Attachment old = pod("c1", "web-0", false);
        manager.add(old, deadline());
        int discovers = server.count(Kind.DISCOVER);

        Attachment recreated = pod("c2", "web-0", false);
        ClientIdHeldException e = assertThrows(ClientIdHeldException.class, () -> manager.add(recreated, deadline()));

        assertTrue(e.getMessage().contains("container=c1"), e.getMessage());
        assertNull(manager.get(recreated.key()));
        assertNotNull(manager.get(old.key()), "the holder keeps its lease");
        assertEquals(discovers, server.count(Kind.DISCOVER), "nothing sent for the refused ADD");
    }

    @Test
    void addWhoseClientIdIsHeldByAPodGoneWithoutDelEndsThatLeaseAndGetsTheAddress() throws Exception {
        Attachment old = pod("c1", "web-0", false);
        Inet4Address before = manager.add(old, deadline()).lease().address();
        net.gone(old.key());

        Binding b = manager.add(pod("c2", "web-0", false), deadline());

        assertNull(manager.get(old.key()), "the vanished pod's lease ended");
        assertEquals(before, b.lease().address());
        assertEquals(0, server.count(Kind.RELEASE), "releaseOnDel false holds for a vanished pod too");
    }

    @Test
    void sameContainerAddedAgainIsNotAConflictWithItself() throws Exception {
        Attachment a = pod("c1", "web-0", false);
        Binding first = manager.add(a, deadline());
        assertSame(first, manager.add(a, deadline()));
    }

    @Test
    void collectGarbageHonoursReleaseOnDelOfEachLease() throws Exception {
        Attachment kept = pod("c1", "web-0", false);
        Attachment released = pod("c2", "web-1", true);
        Inet4Address keptAddress = manager.add(kept, deadline()).lease().address();
        Inet4Address releasedAddress = manager.add(released, deadline()).lease().address();

        assertEquals(List.of(), manager.collectGarbage("net1", Set.of(), RUNTIME_NETNS));

        assertEquals(List.of(releasedAddress), server.received(Kind.RELEASE).stream().map(Received::ciaddr).toList());
        assertEquals(keptAddress, server.bindingOf(kept.clientId()));
        assertEquals(List.of(), manager.all());
    }

    @Test
    void revokedAddWithReleaseOnDelFalseSendsNoRelease() throws Exception {
        Attachment a = pod("c1", "web-0", false);
        LeaseManager.Grant grant = manager.grant(a, deadline());

        assertTrue(manager.revoke(grant));

        assertEquals(0, server.count(Kind.RELEASE));
        assertNull(manager.get(a.key()));
    }
}
