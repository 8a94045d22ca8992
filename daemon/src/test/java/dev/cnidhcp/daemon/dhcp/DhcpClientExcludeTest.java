package dev.cnidhcp.daemon.dhcp;

import dev.cnidhcp.daemon.log.AttachmentLog;
import dev.cnidhcp.daemon.metrics.DaemonMetrics;
import dev.cnidhcp.daemon.testing.FakeClock;
import dev.cnidhcp.daemon.testing.ScriptedDhcpServer;
import dev.cnidhcp.daemon.testing.ScriptedDhcpServer.Kind;
import org.dhcp4java.DHCPConstants;
import org.dhcp4java.DHCPPacket;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.Inet4Address;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

import static dev.cnidhcp.daemon.testing.ScriptedDhcpServer.SERVER_ID;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link DhcpClient} with excluded ranges, against the scripted server (subnet 10.1.0.0/24, server
 * 10.1.0.2) and, where a second server is needed, a second one on the same segment that offers
 * 10.96.0.5/24 from 10.96.0.1 before the scripted one answers.
 */
class DhcpClientExcludeTest {
    private static final Logger DAEMON_LOG = Logger.getLogger("dev.cnidhcp.daemon");

    static {
        DAEMON_LOG.setLevel(Level.OFF);
        Logger.getLogger("org.dhcp4java").setLevel(Level.OFF);
    }

    private static final byte[] MAC = {2, 0x42, 0, 0, 0, 7};
    private static final byte[] CLIENT_ID = ClientIdentity.defaultClientId("c0ffee", "net1", "eth0");
    private static final ClientIdentity ID = new ClientIdentity(MAC, CLIENT_ID);
    private static final ClientSettings SETTINGS = new ClientSettings(Duration.ofSeconds(10), Duration.ofSeconds(62),
            Duration.ofSeconds(60), false, Duration.ofSeconds(4));
    private static final Inet4Address FIRST = ip("10.1.0.10");
    private static final Inet4Address SECOND_SERVER = ip("10.96.0.1");
    private static final Inet4Address SECOND_OFFER = ip("10.96.0.5");
    private static final AttachmentLog LOG = new AttachmentLog(DAEMON_LOG, "c0ffee", "eth0", "net1");

    private final FakeClock clock = new FakeClock();
    private final Instant t0 = clock.instant();
    private final ScriptedDhcpServer server = new ScriptedDhcpServer(clock);
    private final AtomicLong xids = new AtomicLong(0x1000);
    private final DaemonMetrics metrics = new DaemonMetrics();

    private static Inet4Address ip(String text) {
        return Route.parseAddress(text, "test address");
    }

    private DhcpClient client(String daemonExclude) {
        return new DhcpClient(SETTINGS.withExclude(Exclusions.parseList(daemonExclude)), clock,
                xids::incrementAndGet, metrics);
    }

    private Lease acquire(DhcpClient client, DhcpTransport transport, String attachmentExclude) throws Exception {
        return client.acquire(transport, ID, ClientOptions.defaults(), Exclusions.parseList(attachmentExclude), null,
                clock.instant().plusSeconds(60), LOG);
    }

    // ------------------------------------------------------------------ offers

    @Test
    void offerOutsideEveryRangeIsTaken() throws Exception {
        Lease lease = acquire(client("10.96.0.0/12,10.1.1.0/24"), server, "");

        assertEquals(FIRST, lease.address());
        assertEquals(0, metrics.offersRefusedTotal());
    }

    @Test
    void onlyOfferInAnExcludedRangeFailsAfterTheFirstWindowWithoutARequest() throws Exception {
        ExcludedOfferException e = assertThrows(ExcludedOfferException.class,
                () -> acquire(client("10.1.0.0/16"), server, ""));

        assertEquals(0, server.count(Kind.SELECTING), "nothing is requested, so nothing is held at the server");
        assertEquals(1, server.count(Kind.DISCOVER), "no retransmission once an offer was refused");
        Duration took = Duration.between(t0, clock.instant());
        assertTrue(took.compareTo(Duration.ofSeconds(5)) <= 0, "within the first retransmission window: " + took);
        assertTrue(took.compareTo(Duration.ofSeconds(3)) >= 0, "other servers get the window: " + took);
        assertTrue(e.getMessage().contains("10.1.0.10"), e.getMessage());
        assertTrue(e.getMessage().contains("10.1.0.0/16"), e.getMessage());
        assertTrue(e.getMessage().contains("10.1.0.2"), e.getMessage());
        assertFalse(e.nak());
        assertEquals(Map.of(new DaemonMetrics.Refused("10.1.0.0/16", "address"), 1L), metrics.offersRefused());
    }

    @Test
    void subnetOverlappingARangeIsRefusedThoughTheAddressIsOutside() {
        ExcludedOfferException e = assertThrows(ExcludedOfferException.class,
                () -> acquire(client(""), server, "10.1.0.128/25"));

        assertEquals(1, e.refusals().size());
        ExcludedOfferException.Refusal refusal = e.refusals().get(0);
        assertEquals(FIRST, refusal.address());
        assertEquals(SERVER_ID, refusal.server());
        assertEquals(Cidr.parse("10.1.0.0/24"), refusal.hit().subnet());
        assertEquals(Exclusions.Hit.Kind.SUBNET, refusal.hit().kind());
        assertTrue(e.getMessage().contains("overlaps excluded range 10.1.0.128/25"), e.getMessage());
        assertEquals(Map.of(new DaemonMetrics.Refused("10.1.0.128/25", "subnet"), 1L), metrics.offersRefused());
    }

    @Test
    void attachmentRangesAddToTheDaemonRanges() {
        assertThrows(ExcludedOfferException.class, () -> acquire(client("192.168.0.0/16"), server, "10.1.0.0/24"));
        assertThrows(ExcludedOfferException.class, () -> acquire(client("10.1.0.0/24"), server, "192.168.0.0/16"));
        assertEquals(0, server.count(Kind.SELECTING));
    }

    @Test
    void excludedOfferOfOneServerIsPassedOverForTheOtherServersOffer() throws Exception {
        SecondServer segment = new SecondServer(server);

        Lease lease = acquire(client("10.96.0.0/12"), segment, "");

        assertEquals(FIRST, lease.address());
        assertEquals(SERVER_ID, lease.serverId());
        assertEquals(0, segment.requestsToSecond, "the refused server is never asked for its address");
        assertEquals(1, segment.offersSent);
        assertEquals(Map.of(new DaemonMetrics.Refused("10.96.0.0/12", "address"), 1L), metrics.offersRefused());
    }

    @Test
    void anotherServersNakToTheRequestDoesNotUndoTheChosenServersAck() throws Exception {
        SecondServer segment = new SecondServer(server);
        segment.nakOthers = true;

        Lease lease = acquire(client("10.96.0.0/12"), segment, "");

        assertEquals(FIRST, lease.address());
        assertEquals(0, metrics.naks(), "the NAK naming the other server was not taken");
        assertEquals(Map.of("not_selected_server", 1L), metrics.droppedPackets());
        assertEquals(1, server.count(Kind.SELECTING), "no start-over");
    }

    @Test
    void acceptableOfferArrivingLaterInTheWindowIsStillTaken() throws Exception {
        server.next(ScriptedDhcpServer.Fault.delay(2500));
        SecondServer segment = new SecondServer(server);

        Lease lease = acquire(client("10.96.0.0/12"), segment, "");

        assertEquals(FIRST, lease.address());
        assertEquals(0, segment.requestsToSecond);
    }

    @Test
    void everyServerRefusedNamesEachOffer() {
        SecondServer segment = new SecondServer(server);

        ExcludedOfferException e = assertThrows(ExcludedOfferException.class,
                () -> acquire(client("10.0.0.0/8"), segment, ""));

        assertEquals(List.of(SECOND_OFFER, FIRST), e.refusals().stream().map(ExcludedOfferException.Refusal::address)
                .toList());
        assertTrue(e.getMessage().startsWith("every offer was refused: "), e.getMessage());
        assertTrue(e.getMessage().contains("10.96.0.5") && e.getMessage().contains("10.96.0.1"), e.getMessage());
        assertEquals(0, server.count(Kind.SELECTING));
        assertEquals(0, segment.requestsToSecond);
    }

    @Test
    void silenceBeforeTheFirstOfferStillRetransmitsThenTheRefusalEndsIt() {
        server.next(ScriptedDhcpServer.Fault.DROP);

        assertThrows(ExcludedOfferException.class, () -> acquire(client("10.1.0.0/24"), server, ""));

        assertEquals(2, server.count(Kind.DISCOVER), "a lost offer is no refusal: the client asks again");
        assertTrue(Duration.between(t0, clock.instant()).compareTo(Duration.ofSeconds(20)) < 0,
                "ends with the window of the refused offer, not -resendtimeout");
    }

    @Test
    void withoutAnyOfferTheFailureIsNoExclusion() {
        server.down();

        NoLeaseException e = assertThrows(NoLeaseException.class, () -> acquire(client("10.1.0.0/24"), server, ""));

        assertFalse(e instanceof ExcludedOfferException, e.getMessage());
        assertEquals(0, metrics.offersRefusedTotal());
    }

    // ------------------------------------------------------------------ ACKs

    @Test
    void ackWhoseMaskMakesItOverlapIsDeclinedAndNotBound() {
        DhcpTransport widening = new AckMask(server, ip("255.255.0.0"));

        ExcludedOfferException e = assertThrows(ExcludedOfferException.class,
                () -> acquire(client("10.1.128.0/17"), widening, ""));

        assertTrue(e.getMessage().contains("DHCPACK of 10.1.0.10 (subnet 10.1.0.0/16)"), e.getMessage());
        assertEquals(1, server.count(Kind.SELECTING), "the offer (a /24) was taken");
        assertEquals(1, declines(), "the ACK was declined");
        assertEquals(FIRST, declined().getOptionAsInetAddr(DHCPConstants.DHO_DHCP_REQUESTED_ADDRESS));
    }

    @Test
    void renewalAckInARangeExcludedSinceIsDeclinedAndTheLeaseLost() throws Exception {
        Lease lease = acquire(client(""), server, "");
        clock.advance(Duration.ofSeconds(30));

        ExcludedOfferException e = assertThrows(ExcludedOfferException.class,
                () -> client("10.1.0.0/24").renew(server.unicastTo(SERVER_ID), ID, ClientOptions.defaults(),
                        Exclusions.NONE, lease, clock.instant().plusSeconds(10), LOG));

        assertTrue(e.nak(), "the lease held is lost: the machine goes back to INIT");
        assertEquals(1, declines());
        assertEquals(Map.of(new DaemonMetrics.Refused("10.1.0.0/24", "address"), 1L), metrics.offersRefused());
    }

    @Test
    void initRebootAckInAnAttachmentRangeIsDeclined() throws Exception {
        Lease lease = acquire(client(""), server, "");

        ExcludedOfferException e = assertThrows(ExcludedOfferException.class,
                () -> client("").reboot(server, ID, ClientOptions.defaults(), Exclusions.parseList("10.1.0.0/24"),
                        lease.address(), clock.instant().plusSeconds(10), LOG));

        assertTrue(e.nak());
        assertEquals(1, declines());
    }

    @Test
    void renewalOutsideEveryRangeExtendsTheLease() throws Exception {
        Lease lease = acquire(client(""), server, "");
        clock.advance(Duration.ofSeconds(30));

        Lease renewed = client("192.168.0.0/16").renew(server.unicastTo(SERVER_ID), ID, ClientOptions.defaults(),
                Exclusions.parseList("10.96.0.0/12"), lease, clock.instant().plusSeconds(10), LOG);

        assertEquals(lease.address(), renewed.address());
        assertEquals(0, declines());
    }

    private long declines() {
        return server.received().stream().filter(r -> r.type() == DHCPConstants.DHCPDECLINE).count();
    }

    private DHCPPacket declined() {
        return server.received().stream().filter(r -> r.type() == DHCPConstants.DHCPDECLINE).findFirst()
                .orElseThrow().packet();
    }

    /**
     * The scripted server plus a second server on the same segment that answers every DISCOVER with
     * an offer of {@link #SECOND_OFFER}/24 from {@link #SECOND_SERVER}, ahead of the scripted
     * server's replies, and counts REQUESTs that name it.
     */
    private static final class SecondServer implements DhcpTransport {
        private final ScriptedDhcpServer first;
        private final Deque<byte[]> queued = new ArrayDeque<>();
        int offersSent;
        int requestsToSecond;
        /** NAK every REQUEST that names another server, as an authoritative dnsmasq does. */
        boolean nakOthers;

        SecondServer(ScriptedDhcpServer first) {
            this.first = first;
        }

        @Override
        public void send(byte[] payload, Inet4Address source) throws IOException {
            DHCPPacket p = DHCPPacket.getPacket(payload, 0, payload.length, true);
            if (p.getDHCPMessageType() == DHCPConstants.DHCPDISCOVER) {
                queued.add(offer(p).serialize());
                offersSent++;
            } else if (p.getDHCPMessageType() == DHCPConstants.DHCPREQUEST
                    && SECOND_SERVER.equals(p.getOptionAsInetAddr(DHCPConstants.DHO_DHCP_SERVER_IDENTIFIER))) {
                requestsToSecond++;
            } else if (nakOthers && p.getDHCPMessageType() == DHCPConstants.DHCPREQUEST) {
                queued.add(nak(p).serialize());
            }
            first.send(payload, source);
        }

        @Override
        public byte[] receive(long timeoutMillis) throws IOException {
            if (!queued.isEmpty()) {
                return queued.poll();
            }
            return first.receive(timeoutMillis);
        }

        @Override
        public void close() {
        }

        private static DHCPPacket nak(DHCPPacket request) {
            DHCPPacket q = reply(request);
            q.setDHCPMessageType(DHCPConstants.DHCPNAK);
            q.setOptionAsInetAddress(DHCPConstants.DHO_DHCP_SERVER_IDENTIFIER, SECOND_SERVER);
            return q;
        }

        private static DHCPPacket reply(DHCPPacket request) {
            DHCPPacket q = new DHCPPacket();
            q.setOp(DHCPConstants.BOOTREPLY);
            q.setHtype(request.getHtype());
            q.setHlen(request.getHlen());
            q.setXid(request.getXid());
            q.setChaddr(request.getChaddr());
            return q;
        }

        private static DHCPPacket offer(DHCPPacket discover) {
            DHCPPacket q = new DHCPPacket();
            q.setOp(DHCPConstants.BOOTREPLY);
            q.setHtype(discover.getHtype());
            q.setHlen(discover.getHlen());
            q.setXid(discover.getXid());
            q.setChaddr(discover.getChaddr());
            q.setYiaddr(SECOND_OFFER);
            q.setDHCPMessageType(DHCPConstants.DHCPOFFER);
            q.setOptionAsInetAddress(DHCPConstants.DHO_DHCP_SERVER_IDENTIFIER, SECOND_SERVER);
            q.setOptionAsInetAddress(DHCPConstants.DHO_SUBNET_MASK, ip("255.255.255.0"));
            q.setOptionAsInt(DHCPConstants.DHO_DHCP_LEASE_TIME, 60);
            return q;
        }
    }

    /** The scripted server, its DHCPACKs carrying another subnet mask than its offers. */
    private static final class AckMask implements DhcpTransport {
        private final ScriptedDhcpServer server;
        private final Inet4Address mask;

        AckMask(ScriptedDhcpServer server, Inet4Address mask) {
            this.server = server;
            this.mask = mask;
        }

        @Override
        public void send(byte[] payload, Inet4Address source) {
            server.send(payload, source);
        }

        @Override
        public byte[] receive(long timeoutMillis) {
            byte[] raw = server.receive(timeoutMillis);
            if (raw == null) {
                return null;
            }
            DHCPPacket p = DHCPPacket.getPacket(raw, 0, raw.length, true);
            if (p.getDHCPMessageType() != DHCPConstants.DHCPACK) {
                return raw;
            }
            p.setOptionAsInetAddress(DHCPConstants.DHO_SUBNET_MASK, mask);
            return p.serialize();
        }

        @Override
        public void close() {
        }
    }
}
