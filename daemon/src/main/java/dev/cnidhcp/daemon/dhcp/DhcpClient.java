package dev.cnidhcp.daemon.dhcp;

import dev.cnidhcp.daemon.log.AttachmentLog;
import dev.cnidhcp.daemon.metrics.DaemonMetrics;
import org.dhcp4java.DHCPConstants;

import java.io.IOException;
import java.net.Inet4Address;
import java.time.Clock;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;
import java.util.logging.Logger;

/**
 * The DHCPv4 exchanges of a client (RFC 2131 section 4.4), each over a {@link DhcpTransport} the
 * caller provides: acquisition (INIT, SELECTING, REQUESTING), INIT-REBOOT, renewal (RENEWING when the
 * transport unicasts, REBINDING when it broadcasts) and release. Stateless between calls and safe to
 * share: a call runs on the caller's thread with the caller's transport. The lease state machine
 * ({@code LeaseMachine}) decides which exchange to run when.
 *
 * <p>Time comes from the {@link Clock} given, so tests drive retransmission with a fake clock whose
 * transport advances it while "waiting". Retransmission follows RFC 2131 4.1: first after
 * {@code firstRetransmit}, then doubling, each randomised by up to one second either way, capped by
 * {@code resendMax}, no single wait longer than {@code replyTimeout}.
 */
public final class DhcpClient {
    private static final Logger LOG = Logger.getLogger(DhcpClient.class.getName());
    /** The first pause before starting over after a NAK or an unusable ACK; doubled each time. */
    static final long FIRST_RESTART_PAUSE_MILLIS = 1000;

    private final ClientSettings settings;
    private final Clock clock;
    private final LongSupplier xids;
    private final DaemonMetrics metrics;

    public DhcpClient(ClientSettings settings, Clock clock) {
        this(settings, clock, new DaemonMetrics());
    }

    /** Counting NAKs, timeouts, dropped replies and acquisitions without any offer into {@code metrics}. */
    public DhcpClient(ClientSettings settings, Clock clock, DaemonMetrics metrics) {
        this(settings, clock, () -> ThreadLocalRandom.current().nextInt(), metrics);
    }

    /** With a chosen source of transaction ids (tests). */
    public DhcpClient(ClientSettings settings, Clock clock, LongSupplier xids) {
        this(settings, clock, xids, new DaemonMetrics());
    }

    public DhcpClient(ClientSettings settings, Clock clock, LongSupplier xids, DaemonMetrics metrics) {
        this.settings = settings;
        this.clock = clock;
        this.xids = xids;
        this.metrics = metrics;
    }

    public ClientSettings settings() {
        return settings;
    }

    /** Replies received and dropped: malformed, or not for the exchange (op, xid, chaddr, client id, type). */
    public long droppedReplies() {
        return metrics.droppedPacketsTotal();
    }

    /** DHCPNAKs received. */
    public long naksReceived() {
        return metrics.naks();
    }

    /** As {@link #acquire(DhcpTransport, ClientIdentity, ClientOptions, Inet4Address, Instant, AttachmentLog)}, logging under a plain label. */
    public Lease acquire(DhcpTransport transport, ClientIdentity id, ClientOptions options, Inet4Address requested,
                         Instant deadline, String label) throws IOException, NoLeaseException {
        return acquire(transport, id, options, requested, deadline, new AttachmentLog(LOG, label, "", ""));
    }

    /**
     * INIT → SELECTING → REQUESTING → BOUND: DISCOVER until an OFFER, REQUEST it until an ACK; a NAK
     * starts over with a new DISCOVER.
     *
     * @param requested an address to ask for again (option 50 in the DISCOVER), or null
     * @param log       where lines about the client go (they name its container and interface)
     * @throws NoLeaseException when no lease was granted before the deadline (or {@code giveUpAfter})
     */
    public Lease acquire(DhcpTransport transport, ClientIdentity id, ClientOptions options, Inet4Address requested,
                         Instant deadline, AttachmentLog log) throws IOException, NoLeaseException {
        Instant started = clock.instant();
        Instant end = earliest(deadline, started.plus(settings.giveUpAfter()));
        boolean broadcast = settings.broadcastFlag();
        String lastProblem = null; // null while no server has made an offer
        long restartPauseMillis = FIRST_RESTART_PAUSE_MILLIS;
        while (clock.instant().isBefore(end)) {
            int xid = (int) xids.getAsLong();
            DhcpMessages.Reply offer = exchange(transport, id, xid,
                    DhcpMessages.discover(xid, id, options, broadcast, requested),
                    Set.of(DHCPConstants.DHCPOFFER), end, Ipv4Udp.ANY);
            if (offer == null) {
                break;
            }
            // REQUESTING: retransmit for a while, then start over with DISCOVER (RFC 2131 4.4.1)
            Instant requestEnd = earliest(end, clock.instant().plus(settings.firstRetransmit().multipliedBy(4)));
            byte[] request = DhcpMessages.requestOffer(xid, id, options, broadcast, offer.yiaddr(), offer.serverId());
            DhcpMessages.Reply answer = exchange(transport, id, xid, request,
                    Set.of(DHCPConstants.DHCPACK, DHCPConstants.DHCPNAK), requestEnd, Ipv4Udp.ANY);
            if (answer == null) {
                lastProblem = "no DHCPACK for " + offer.yiaddr().getHostAddress() + " from "
                        + offer.serverId().getHostAddress();
                continue;
            }
            if (answer.type() == DHCPConstants.DHCPACK) {
                try {
                    return DhcpMessages.leaseOf(answer, clock.instant());
                } catch (DhcpParseException e) {
                    lastProblem = "unusable DHCPACK from " + describeServer(answer) + ": " + e.getMessage();
                }
            } else {
                metrics.nak();
                lastProblem = "DHCPNAK for " + offer.yiaddr().getHostAddress() + " from " + describeServer(answer);
            }
            // A server that refuses every time must not be flooded: pause before starting over.
            log.warning(lastProblem + "; starting over with DHCPDISCOVER in " + restartPauseMillis + " ms");
            pause(transport, earliest(end, clock.instant().plusMillis(restartPauseMillis)));
            restartPauseMillis = Math.min(restartPauseMillis * 2, settings.resendMax().toMillis());
        }
        if (lastProblem == null) {
            metrics.noOffer();
            throw new NoLeaseException("no DHCPOFFER received from any server in "
                    + Math.max(1, (clock.millis() - started.toEpochMilli() + 500) / 1000) + " s");
        }
        throw new NoLeaseException(lastProblem);
    }

    /**
     * INIT-REBOOT: REQUEST the address held before (option 50, no server identifier), broadcast.
     *
     * @throws NoLeaseException with {@link NoLeaseException#nak()} when a server refuses the address,
     *                          without when none answered before the deadline
     */
    public Lease reboot(DhcpTransport transport, ClientIdentity id, ClientOptions options, Inet4Address previous,
                        Instant deadline) throws IOException, NoLeaseException {
        int xid = (int) xids.getAsLong();
        byte[] request = DhcpMessages.requestReboot(xid, id, options, settings.broadcastFlag(), previous);
        return expectAck(exchange(transport, id, xid, request,
                Set.of(DHCPConstants.DHCPACK, DHCPConstants.DHCPNAK), deadline, Ipv4Udp.ANY),
                "INIT-REBOOT request for " + previous.getHostAddress());
    }

    /**
     * RENEWING or REBINDING: a REQUEST with ciaddr and without options 50/54. The transport decides
     * which: unicast to the server (RENEWING) or broadcast (REBINDING).
     *
     * @throws NoLeaseException on NAK ({@link NoLeaseException#nak()}) or when no answer came
     */
    public Lease renew(DhcpTransport transport, ClientIdentity id, ClientOptions options, Lease lease,
                       Instant deadline) throws IOException, NoLeaseException {
        int xid = (int) xids.getAsLong();
        byte[] request = DhcpMessages.requestRenewal(xid, id, options, lease.address());
        return expectAck(exchange(transport, id, xid, request,
                Set.of(DHCPConstants.DHCPACK, DHCPConstants.DHCPNAK), deadline, lease.address()),
                "renewal of " + lease.address().getHostAddress());
    }

    /** Sends one DHCPDECLINE for a granted address another host uses (servers do not answer it). */
    public void decline(DhcpTransport transport, ClientIdentity id, Lease lease) throws IOException {
        int xid = (int) xids.getAsLong();
        transport.send(DhcpMessages.decline(xid, id, lease.address(), lease.serverId()), Ipv4Udp.ANY);
    }

    /** Sends one DHCPRELEASE (servers do not answer it). */
    public void release(DhcpTransport transport, ClientIdentity id, Lease lease) throws IOException {
        int xid = (int) xids.getAsLong();
        transport.send(DhcpMessages.release(xid, id, lease.address(), lease.serverId()), lease.address());
    }

    /** Waits until {@code until}, reading and discarding whatever arrives meanwhile. */
    private void pause(DhcpTransport transport, Instant until) throws IOException {
        long left;
        while ((left = until.toEpochMilli() - clock.millis()) > 0) {
            if (transport.receive(left) != null) {
                metrics.droppedPacket(DropReason.UNEXPECTED.label());
            }
        }
    }

    private Lease expectAck(DhcpMessages.Reply answer, String what) throws NoLeaseException {
        if (answer == null) {
            throw new NoLeaseException("no answer to the " + what);
        }
        if (answer.type() == DHCPConstants.DHCPNAK) {
            metrics.nak();
            throw new NoLeaseException("DHCPNAK from " + describeServer(answer) + " to the " + what, true);
        }
        try {
            return DhcpMessages.leaseOf(answer, clock.instant());
        } catch (DhcpParseException e) {
            throw new NoLeaseException("unusable DHCPACK to the " + what + ": " + e.getMessage());
        }
    }

    /** Sends and retransmits {@code message} until an accepted reply arrives; null at the deadline. */
    private DhcpMessages.Reply exchange(DhcpTransport transport, ClientIdentity id, int xid, byte[] message,
                                        Set<Byte> accepted, Instant deadline, Inet4Address source) throws IOException {
        long delayMillis = settings.firstRetransmit().toMillis();
        long end = deadline.toEpochMilli();
        while (true) {
            long now = clock.millis();
            if (now >= end) {
                metrics.timeout();
                return null;
            }
            transport.send(message, source);
            long jitter = ThreadLocalRandom.current().nextLong(-1000, 1001);
            long wait = Math.max(100, Math.min(delayMillis + jitter, settings.replyTimeout().toMillis()));
            DhcpMessages.Reply reply = awaitReply(transport, id, xid, accepted, Math.min(end, now + wait));
            if (reply != null) {
                return reply;
            }
            delayMillis = Math.min(delayMillis * 2, settings.resendMax().toMillis());
        }
    }

    private DhcpMessages.Reply awaitReply(DhcpTransport transport, ClientIdentity id, int xid, Set<Byte> accepted,
                                          long waitEnd) throws IOException {
        while (true) {
            long left = waitEnd - clock.millis();
            if (left <= 0) {
                return null;
            }
            byte[] payload = transport.receive(left);
            if (payload == null) {
                return null;
            }
            try {
                DhcpMessages.Reply reply = DhcpMessages.parseReply(payload, xid, id);
                if (accepted.contains(reply.type())) {
                    return reply;
                }
                metrics.droppedPacket(DropReason.UNEXPECTED.label());
                LOG.fine(() -> "dropped a reply of unexpected type " + reply.type());
            } catch (DhcpParseException e) {
                metrics.droppedPacket(e.reason().label());
                LOG.fine(() -> "dropped a reply (" + e.reason().label() + "): " + e.getMessage());
            }
        }
    }

    private static String describeServer(DhcpMessages.Reply reply) {
        return reply.serverId() != null ? reply.serverId().getHostAddress() : "a server";
    }

    private static Instant earliest(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }
}
