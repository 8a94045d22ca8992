package dev.cnidhcp.daemon.lease;

import dev.cnidhcp.daemon.dhcp.ClientIdentity;
import dev.cnidhcp.daemon.dhcp.ClientOptions;
import dev.cnidhcp.daemon.dhcp.Exclusions;
import dev.cnidhcp.daemon.dhcp.NoLeaseException;
import dev.cnidhcp.daemon.dhcp.Suppression;
import dev.cnidhcp.daemon.testing.FakeClock;
import dev.cnidhcp.daemon.testing.LoopbackLeaseTransport;
import dev.cnidhcp.daemon.testing.ManualScheduler;
import dev.cnidhcp.daemon.testing.ScriptedDhcpServer;
import dev.cnidhcp.daemon.testing.ScriptedLease6Server;
import dev.cnidhcp.daemon.testing.ScriptedLease6Server.Fault;
import dev.cnidhcp.daemon.testing.ScriptedLease6Server.Kind;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;

import static dev.cnidhcp.daemon.testing.Leases6.ip6;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link LeaseManager} with both families: the IPv4 leases over the loopback transport and the
 * scripted DHCPv4 server, the IPv6 ones from the scripted DHCPv6 server, on one manual scheduler.
 */
class LeaseManagerDualStackTest {
    private static final Logger DAEMON_LOG = Logger.getLogger("dev.cnidhcp.daemon");
    private static final Logger DHCP4JAVA_LOG = Logger.getLogger("org.dhcp4java");

    static {
        DAEMON_LOG.setLevel(Level.OFF);
        DHCP4JAVA_LOG.setLevel(Level.OFF);
    }

    private static final Path RUNTIME = Path.of("/proc/4242/ns/net");

    private final FakeClock clock = new FakeClock();
    private final ScriptedDhcpServer server = new ScriptedDhcpServer(clock);
    private final LoopbackLeaseTransport net = new LoopbackLeaseTransport(server, clock);
    private final ScriptedLease6Server server6 = new ScriptedLease6Server(clock, Duration.ZERO);
    private final ManualScheduler scheduler = new ManualScheduler(clock);
    private final LeaseManager manager = new LeaseManager(
            LeaseContext.of(net, scheduler, clock, Duration.ofSeconds(10), Duration.ofSeconds(62)).withTransport6(server6));

    private static Attachment attachment(String container, boolean v4, boolean v6) {
        LeaseKey key = new LeaseKey(container, "net1", "eth0");
        return new Attachment(key, Path.of("/var/run/netns/" + container),
                ClientIdentity.defaultClientId(container, "net1", "eth0"), ClientOptions.defaults(), List.of(), RUNTIME,
                Suppression.NONE, true, Exclusions.NONE, v4, v6);
    }

    private Instant deadline() {
        return clock.instant().plusSeconds(60);
    }

    @Test
    void aDualStackAddHoldsBothLeasesAndAnswersWithBoth() throws Exception {
        Attachment a = attachment("c1", true, true);

        LeaseManager.Grant grant = manager.grant(a, deadline());

        assertEquals("10.1.0.10", grant.binding().lease().address().getHostAddress());
        assertEquals(ip6("fd99::10"), grant.binding6().lease().address());
        assertEquals(1, grant.handout());
        assertEquals(1, grant.handout6());
        assertNotNull(manager.get(a.key()));
        assertNotNull(manager.get6(a.key()));
        assertEquals(2, scheduler.pending().size(), "a T1 timer of each family on the one scheduler");
    }

    @Test
    void theSameKeyAddedTwiceReturnsTheSameV6LeaseAndSolicitsOnce() throws Exception {
        Attachment a = attachment("c1", true, true);

        LeaseManager.Grant first = manager.grant(a, deadline());
        LeaseManager.Grant second = manager.grant(a, deadline());

        assertEquals(first.binding6(), second.binding6());
        assertEquals(2, second.handout6());
        assertEquals(1, server6.count(Kind.ACQUIRE));
    }

    @Test
    void anAddAgainAfterTheAddressWasDeclinedSaysToRecreateThePod() throws Exception {
        server6.dadVerdictAfter(Duration.ofSeconds(3));
        Attachment a = attachment("c1", true, true);
        manager.grant(a, deadline());
        server6.addressStates(a.key(), Address6State.DAD_FAILED);
        clock.advance(Duration.ofSeconds(3));
        scheduler.runDue(); // the look after ADD finds the address dadfailed and declines it

        NoLeaseException e = assertThrows(NoLeaseException.class, () -> manager.grant(a, deadline()));

        assertTrue(e.getMessage().contains("duplicate address detection failed"), e.getMessage());
        assertTrue(e.getMessage().endsWith("it is not sought again: DEL and recreate the pod"), e.getMessage());
        assertEquals(1, server6.count(Kind.ACQUIRE), "the declined address is not solicited again");
    }

    @Test
    void whenTheV6HalfFailsTheV4LeaseIsReleasedAndNothingIsHeld() {
        Attachment a = attachment("c1", true, true);
        server6.script(Kind.ACQUIRE, Fault.SILENT);

        NoLeaseException e = assertThrows(NoLeaseException.class, () -> manager.grant(a, deadline()));

        assertTrue(e.getMessage().contains("REPLY"), e.getMessage());
        assertEquals(1, net.released().size(), "the IPv4 lease went back to its server");
        assertFalse(manager.holds(a.key()));
        assertEquals(List.of(), scheduler.pending());
    }

    @Test
    void whenTheV4HalfFailsTheV6LeaseIsReleasedAndNothingIsHeld() {
        Attachment a = attachment("c1", true, true);
        server.down();

        assertThrows(NoLeaseException.class, () -> manager.grant(a, deadline()));

        assertEquals(1, server6.count(Kind.RELEASE), "the IPv6 lease went back to its server");
        assertNull(server6.boundTo(a.key()));
        assertFalse(manager.holds(a.key()));
        assertEquals(List.of(), scheduler.pending());
    }

    @Test
    void anIpv6OnlyAddTakesNoIpv4Lease() throws Exception {
        Attachment a = attachment("c1", false, true);

        LeaseManager.Grant grant = manager.grant(a, deadline());

        assertNull(grant.binding());
        assertNull(manager.get(a.key()));
        assertEquals(ip6("fd99::10"), grant.binding6().lease().address());
        assertEquals(0, net.count("acquire"));
        assertTrue(manager.holds(a.key()));
    }

    @Test
    void anIpv4OnlyAddNeverTalksDhcpv6() throws Exception {
        manager.grant(attachment("c1", true, false), deadline());

        assertEquals(List.of(), server6.received());
    }

    @Test
    void delReleasesBothFamiliesFromTheCallersNamespace() throws Exception {
        Attachment a = attachment("c1", true, true);
        manager.grant(a, deadline());

        manager.delete(a.key(), Path.of("/proc/9/ns/net"));

        assertEquals(1, net.released().size());
        assertEquals(Path.of("/proc/9/ns/net"), server6.received().get(1).fallbackNetns());
        assertFalse(manager.holds(a.key()));
        assertEquals(List.of(), scheduler.pending());
    }

    @Test
    void delStillForgetsTheV4LeaseWhenTheV6ReleaseFails() throws Exception {
        Attachment a = attachment("c1", true, true);
        manager.grant(a, deadline());
        server6.script(Kind.RELEASE, Fault.IO);

        assertThrows(IOException.class, () -> manager.delete(a.key(), null));

        assertEquals(1, net.released().size());
        assertFalse(manager.holds(a.key()));
    }

    @Test
    void gcReleasesAnIpv6OnlyAttachmentThatIsNotValid() throws Exception {
        Attachment a = attachment("c1", false, true);
        manager.grant(a, deadline());

        List<String> failures = manager.collectGarbage("net1", Set.of(), RUNTIME);

        assertEquals(List.of(), failures);
        assertEquals(1, server6.count(Kind.RELEASE));
        assertFalse(manager.holds(a.key()));
    }

    @Test
    void anUndeliveredDualStackAddIsTakenBackWhole() throws Exception {
        LeaseManager.Grant grant = manager.grant(attachment("c1", true, true), deadline());

        assertTrue(manager.revoke(grant));

        assertEquals(1, net.released().size());
        assertEquals(1, server6.count(Kind.RELEASE));
    }

    @Test
    void checkFailsWhenTheInterfaceLacksTheV6Address() throws Exception {
        Attachment a = attachment("c1", false, true);
        LeaseManager.Grant grant = manager.grant(a, deadline());

        manager.check(a.key(), null, grant.binding6().lease().address());
        server6.interfaceCarries(a.key(), List.of());
        assertThrows(CheckFailedException.class, () -> manager.check(a.key(), null, null));
        assertThrows(CheckFailedException.class, () -> manager.check(a.key(), ScriptedDhcpServer.SERVER_ID, null),
                "prevResult names an IPv4 address the attachment does not lease");
    }

    @Test
    void v6LeasesRenewOnTheSharedSchedulerBesideTheV4Ones() throws Exception {
        Attachment a = attachment("c1", true, true);
        manager.grant(a, deadline());

        scheduler.advanceBy(Duration.ofSeconds(31)); // v6 T1 at 30 s, v4 T1 at 30 s (60 s leases)

        assertEquals(1, server6.count(Kind.RENEW));
        assertTrue(net.count("renew") >= 1);
    }

    @Test
    void recoveredV6LeasesAreConfirmedAndHeld() {
        Attachment a = attachment("c1", false, true);
        var recorded = new dev.cnidhcp.daemon.dhcp6.Binding6(ScriptedLease6Server.identityOf(a),
                server6.lease(ip6("fd99::77"), clock.instant().minusSeconds(5)));

        assertEquals(1, manager.recover6(List.of(a), List.of(recorded)));
        scheduler.runNext();

        assertEquals(1, server6.count(Kind.REBIND));
        assertEquals(Lease6Machine.State.BOUND, manager.get6(a.key()).state());
    }
}
