package dev.cnidhcp.daemon.testing;

import dev.cnidhcp.daemon.dhcp.ClientIdentity;
import dev.cnidhcp.daemon.dhcp.ClientOptions;
import dev.cnidhcp.daemon.dhcp.DhcpMessages;
import dev.cnidhcp.daemon.dhcp.Route;
import dev.cnidhcp.daemon.testing.ScriptedDhcpServer.Fault;
import dev.cnidhcp.daemon.testing.ScriptedDhcpServer.Kind;
import org.dhcp4java.DHCPConstants;
import org.dhcp4java.DHCPPacket;
import org.junit.jupiter.api.Test;

import java.net.Inet4Address;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

import static dev.cnidhcp.daemon.dhcp.Ipv4Udp.ANY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The test peers themselves: the scripted server's answers and faults, the fake clock, the scheduler. */
class ScriptedDhcpServerTest {
    private static final Logger DHCP4JAVA_LOG = Logger.getLogger("org.dhcp4java");

    static {
        DHCP4JAVA_LOG.setLevel(Level.OFF);
    }

    private static final ClientIdentity ID = new ClientIdentity(new byte[] {2, 0, 0, 0, 0, 1},
            ClientIdentity.defaultClientId("c", "n", "eth0"));
    private static final Inet4Address FIRST = Route.parseAddress("10.1.0.10", "test");

    private final FakeClock clock = new FakeClock();
    private final Instant t0 = clock.instant();
    private final ScriptedDhcpServer server = new ScriptedDhcpServer(clock);

    private void discover(int xid) {
        server.send(DhcpMessages.discover(xid, ID, ClientOptions.defaults(), false, null), ANY);
    }

    private static DHCPPacket parse(byte[] b) {
        return DHCPPacket.getPacket(b, 0, b.length, true);
    }

    @Test
    void receiveWithNothingQueuedAdvancesTheClockByTheTimeout() {
        assertNull(server.receive(4000));

        assertEquals(t0.plusSeconds(4), clock.instant());
    }

    @Test
    void offerIsQueuedAtOnceAndAnswersTheDiscover() {
        discover(7);

        DHCPPacket offer = parse(server.receive(1000));

        assertEquals(t0, clock.instant());
        assertEquals(DHCPConstants.BOOTREPLY, offer.getOp());
        assertEquals(7, offer.getXid());
        assertEquals(DHCPConstants.DHCPOFFER, offer.getDHCPMessageType());
        assertEquals(FIRST, offer.getYiaddr());
        assertEquals(ScriptedDhcpServer.SERVER_ID, offer.getOptionAsInetAddr(DHCPConstants.DHO_DHCP_SERVER_IDENTIFIER));
        assertEquals(60, offer.getOptionAsInteger(DHCPConstants.DHO_DHCP_LEASE_TIME));
        assertNull(server.receive(1000));
    }

    @Test
    void delayedReplyMovesTheClockToItsArrivalOrWaitsOutTheTimeout() {
        server.next(Fault.delay(Duration.ofSeconds(6)));
        discover(1);

        assertNull(server.receive(4000), "not yet");
        assertEquals(t0.plusSeconds(4), clock.instant());
        assertNotNull(server.receive(4000));
        assertEquals(t0.plusSeconds(6), clock.instant());
    }

    @Test
    void nextFaultsApplyToOneReplyEachInOrder() {
        server.next(Fault.DROP).next(Fault.DUPLICATE);

        discover(1);
        discover(2);
        discover(3);

        assertEquals(2, parse(server.receive(0)).getXid());
        assertEquals(2, parse(server.receive(0)).getXid());
        assertEquals(3, parse(server.receive(0)).getXid());
        assertNull(server.receive(0));
        assertEquals(List.of(false, true, true), server.sent().stream().map(ScriptedDhcpServer.Sent::delivered).toList());
    }

    @Test
    void typeRulesApplyTheGivenNumberOfTimes() {
        server.whenType(DHCPConstants.DHCPDISCOVER).times(2).reply(Fault.WRONG_XID);

        discover(1);
        discover(1);
        discover(1);

        assertNotEquals(1, parse(server.receive(0)).getXid());
        assertNotEquals(1, parse(server.receive(0)).getXid());
        assertEquals(1, parse(server.receive(0)).getXid());
    }

    @Test
    void mutatingFaultsChangeWhatTheyName() {
        server.next(Fault.WRONG_CHADDR).next(Fault.WRONG_CLIENT_ID).next(Fault.NAK).next(Fault.TRUNCATE)
                .next(Fault.GARBAGE);
        for (int i = 0; i < 5; i++) {
            discover(1);
        }

        assertNotEquals(ID.macText(), parse(server.receive(0)).getChaddrAsHex().substring(0, 12));
        assertEquals("someone-else", new String(parse(server.receive(0)).getOptionRaw((byte) 61)));
        assertEquals(DHCPConstants.DHCPNAK, parse(server.receive(0)).getDHCPMessageType());
        assertEquals(ScriptedDhcpServer.TRUNCATED_LENGTH, server.receive(0).length);
        byte[] garbage = server.receive(0);
        assertThrows(RuntimeException.class, () -> parse(garbage));
        assertEquals(DHCPConstants.DHCPOFFER, parse(server.receive(0)).getDHCPMessageType());
    }

    @Test
    void downServerRecordsButAnswersNothing() {
        server.down();

        discover(1);

        assertEquals(List.of(Kind.DISCOVER), server.kinds());
        assertEquals(0, server.pendingReplies());
        assertEquals(List.of(), server.sent());
    }

    @Test
    void unicastToASilentServerIsUnanswered() throws Exception {
        server.otherServerAnswers();

        server.unicastTo(ScriptedDhcpServer.SERVER_ID)
                .send(DhcpMessages.requestRenewal(1, ID, ClientOptions.defaults(), FIRST), FIRST);

        assertEquals(List.of(Kind.RENEWING), server.kinds());
        assertEquals(0, server.pendingReplies());
    }

    @Test
    void closeLosesRepliesNotYetRead() {
        discover(1);

        server.close();

        assertNull(server.receive(0));
        assertEquals(1, server.closes());
    }

    @Test
    void busyLoopIsReportedInsteadOfRunningOutOfMemory() {
        AssertionError e = assertThrows(AssertionError.class, () -> {
            for (int i = 0; i <= ScriptedDhcpServer.SPIN_LIMIT; i++) {
                discover(1);
            }
        });

        assertTrue(e.getMessage().contains("busy loop"), e.getMessage());
    }

    // ------------------------------------------------------------------ the other peers

    @Test
    void manualSchedulerRunsDueTasksInTimeOrderAndHonoursCancellation() {
        ManualScheduler scheduler = new ManualScheduler(clock);
        StringBuilder ran = new StringBuilder();
        scheduler.at(t0.plusSeconds(20), () -> ran.append("c"));
        scheduler.at(t0.plusSeconds(10), () -> {
            ran.append("a");
            scheduler.at(t0.plusSeconds(15), () -> ran.append("b")); // tasks may schedule more
        });
        scheduler.at(t0.plusSeconds(12), () -> ran.append("x")).cancel();
        scheduler.at(t0.plusSeconds(30), () -> ran.append("d"));

        assertEquals(0, scheduler.runDue());
        assertEquals(3, scheduler.advanceTo(t0.plusSeconds(20)));

        assertEquals("abc", ran.toString());
        assertEquals(t0.plusSeconds(20), clock.instant());
        assertEquals(List.of(t0.plusSeconds(30)), scheduler.pending());
        assertEquals(t0.plusSeconds(30), scheduler.runNext());
        assertEquals("abcd", ran.toString());
        assertThrows(IllegalStateException.class, scheduler::runNext);
    }

    @Test
    void manualSchedulerRunsOverdueTasksAtTheCurrentTime() {
        ManualScheduler scheduler = new ManualScheduler(clock);
        clock.advance(Duration.ofMinutes(1));
        Instant[] at = new Instant[1];
        scheduler.at(t0, () -> at[0] = clock.instant());

        assertEquals(1, scheduler.runDue());

        assertEquals(t0.plusSeconds(60), at[0], "the clock never goes back");
    }

    @Test
    void fakeClockZoneViewsShareTheTime() {
        java.time.Clock paris = clock.withZone(java.time.ZoneId.of("Europe/Paris"));

        clock.advanceMillis(1500);

        assertEquals(clock.instant(), paris.instant());
        assertEquals(t0.plusMillis(1500), paris.instant());
        clock.advanceTo(t0); // never backwards
        assertEquals(t0.plusMillis(1500), clock.instant());
    }
}
