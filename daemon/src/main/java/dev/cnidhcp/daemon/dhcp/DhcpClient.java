package dev.cnidhcp.daemon.dhcp;

import dev.cnidhcp.daemon.log.AttachmentLog;
import dev.cnidhcp.daemon.metrics.DaemonMetrics;

import java.io.IOException;
import java.net.Inet4Address;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;
import java.util.function.ToLongFunction;
import java.util.random.RandomGenerator;
import java.util.logging.Logger;

/**
 * The DHCPv4 exchanges of a client (RFC 2131 section 4.4), each over a {@link DhcpTransport} the
 * caller provides: acquisition (INIT, SELECTING, REQUESTING), INIT-REBOOT, renewal (RENEWING when the
 * transport unicasts, REBINDING when it broadcasts) and release. Stateless between calls and safe to
 * share between threads: a call runs on the caller's thread with the caller's transport, and keeps
 * its exchange's state (xid, retransmission delay, start time) on that thread's stack. The only
 * shared mutable things are the metrics (thread-safe) and the jitter source, drawn from under a lock.
 * The lease state machine ({@code LeaseMachine}) decides which exchange to run when.
 *
 * <p>Time comes from the {@link Clock} given, so tests drive retransmission with a fake clock whose
 * transport advances it while "waiting". Retransmission follows RFC 2131 4.1: the first after
 * {@code firstRetransmit} (4 s), then doubling (8, 16, 32, 64 s), each delay capped by
 * {@code resendMax} ({@code -resendmax}) and then randomised by a uniform jitter of up to one second
 * either way (at most half the delay for delays under 2 s), drawn from the {@link RandomGenerator}
 * given, so a seeded generator replays a schedule exactly. A reply to any transmission of the
 * exchange is taken until the exchange ends, at the caller's deadline; an acquisition also ends at
 * {@code giveUpAfter} ({@code -resendtimeout}). {@code replyTimeout} ({@code -timeout}) does not
 * shorten the delays: in the reference plugin it is how long one request may wait for its answer,
 * never a cap on the back-off, and the daemon gives it to each background exchange as its deadline.
 *
 * <p>Every DISCOVER and REQUEST carries {@code secs} (RFC 2131 table 5): the whole seconds since the
 * exchange began, that is the first DISCOVER of an acquisition (restarts after a NAK included), or
 * the first transmission of an INIT-REBOOT or renewal request. A REQUEST in SELECTING state carries
 * the value of the DISCOVER the offer answered (4.4.1: "MUST use the same value ... as the original
 * DHCPDISCOVER"). DECLINE and RELEASE carry 0, as table 5 says.
 *
 * <p>Excluded ranges ({@link ClientSettings#exclude()}, plus those of the attachment): an OFFER whose
 * address lies in one, or whose subnet (the address and its option 1 mask, else the classful one the
 * lease would get) overlaps one, is not taken; the client logs and counts it and keeps listening,
 * so another server's offer is used. When the retransmission window in which offers came ends with
 * none taken, the acquisition fails ({@link ExcludedOfferException}) without a REQUEST, so nothing is
 * held at any server. An ACK that turns out to be excluded (it differs from the offer, or answers an
 * INIT-REBOOT or a renewal) is declined (DHCPDECLINE) and not bound.
 *
 * <p>In REQUESTING, only the chosen server's ACK or NAK counts: another server's NAK (an
 * authoritative dnsmasq NAKs a REQUEST that names another server) is dropped, so a second server on
 * the segment cannot undo the lease the chosen one grants.
 */
public final class DhcpClient {
    private static final Logger LOG = Logger.getLogger(DhcpClient.class.getName());
    /**
     * The first start-over after a NAK or an unusable ACK waits a random time below this. A NAK on a
     * busy pool is most often a lost race: a server such as dnsmasq offers one free address to
     * several clients that DISCOVER at once and NAKs all but the first REQUEST ("address in use"),
     * and the next DISCOVER gets another address at once. The random part keeps the clients that
     * lost the same race from meeting again.
     */
    static final long FIRST_RESTART_JITTER_MILLIS = 250;
    /**
     * How many start-overs of one acquisition wait only that random moment, as long as each refusal
     * names an address not refused before in it: in a burst of ADDs the next offer can be lost to a
     * third client too, and a server that allocates in order offers the contenders the same next
     * address again (measured: 100 ADDs on dnsmasq's 151-address pool, 13-29 NAKs a burst; pods
     * NAKed for .240, .241 and .242 in a row). A refusal of an address refused before is no race: the
     * server will not grant what it offers, and the start-overs slow down at once.
     */
    static final int QUICK_RESTARTS = 6;
    /** The pause before a start-over that is not quick; doubled each time after (up to {@code -resendmax}). */
    static final long SLOW_RESTART_PAUSE_MILLIS = 1000;
    /** RFC 2131 4.1: retransmission delays are randomised by up to this much either way. */
    static final long JITTER_MILLIS = 1000;
    private static final Set<MessageType> OFFERS = Set.of(MessageType.OFFER);
    private static final Set<MessageType> ACK_OR_NAK = Set.of(MessageType.ACK, MessageType.NAK);

    private final ClientSettings settings;
    private final Clock clock;
    private final LongSupplier xids;
    private final RandomGenerator jitter;
    private final Object jitterLock = new Object();
    private final DaemonMetrics metrics;

    public DhcpClient(ClientSettings settings, Clock clock) {
        this(settings, clock, new DaemonMetrics());
    }

    /** Counting NAKs, timeouts, dropped replies and acquisitions without any offer into {@code metrics}. */
    public DhcpClient(ClientSettings settings, Clock clock, DaemonMetrics metrics) {
        this(settings, clock, () -> ThreadLocalRandom.current().nextInt(), RandomGenerator.getDefault(), metrics);
    }

    /** With a chosen source of transaction ids (tests). */
    public DhcpClient(ClientSettings settings, Clock clock, LongSupplier xids) {
        this(settings, clock, xids, new DaemonMetrics());
    }

    public DhcpClient(ClientSettings settings, Clock clock, LongSupplier xids, DaemonMetrics metrics) {
        this(settings, clock, xids, RandomGenerator.getDefault(), metrics);
    }

    /**
     * @param xids   transaction ids, one per exchange (the low 32 bits are used)
     * @param jitter the source of the retransmission jitter; the client draws from it under its own
     *               lock, so it need not be thread-safe. A seeded one ({@code new SplittableRandom(seed)})
     *               repeats the schedule of a failing run.
     */
    public DhcpClient(ClientSettings settings, Clock clock, LongSupplier xids, RandomGenerator jitter,
                      DaemonMetrics metrics) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.xids = Objects.requireNonNull(xids, "xids");
        this.jitter = Objects.requireNonNull(jitter, "jitter");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
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
     * starts over with a new DISCOVER. The lease counts from the first transmission of the REQUEST
     * that the ACK answers ({@link Lease#acquired()}).
     *
     * @param requested an address to ask for again (option 50 in the DISCOVER), or null
     * @param log       where lines about the client go (they name its container and interface)
     * @throws NoLeaseException when no lease was granted before the deadline (or {@code giveUpAfter})
     */
    public Lease acquire(DhcpTransport transport, ClientIdentity id, ClientOptions options, Inet4Address requested,
                         Instant deadline, AttachmentLog log) throws IOException, NoLeaseException {
        return acquire(transport, id, options, Exclusions.NONE, requested, deadline, log);
    }

    /**
     * As {@link #acquire(DhcpTransport, ClientIdentity, ClientOptions, Inet4Address, Instant, AttachmentLog)},
     * refusing offers that touch {@code exclude} or the daemon's {@link ClientSettings#exclude()}.
     *
     * @throws ExcludedOfferException when every offer of the window in which offers came was refused,
     *                                or the ACK was excluded (then declined)
     */
    public Lease acquire(DhcpTransport transport, ClientIdentity id, ClientOptions options, Exclusions exclude,
                         Inet4Address requested, Instant deadline, AttachmentLog log)
            throws IOException, NoLeaseException {
        Exclusions excluded = settings.exclude().union(exclude);
        Instant started = clock.instant();
        Instant end = earliest(deadline, started.plus(settings.giveUpAfter()));
        boolean broadcast = settings.broadcastFlag();
        Elapsed sinceFirstDiscover = new Elapsed();
        String lastProblem = null; // null while no server has made an offer
        int restarts = 0;
        Set<Inet4Address> refused = new HashSet<>(); // the addresses NAKed (or ACKed unusably) in this acquisition
        long restartPauseMillis = SLOW_RESTART_PAUSE_MILLIS; // once the start-overs are not quick
        while (clock.instant().isBefore(end)) {
            int xid = (int) xids.getAsLong();
            OfferScreen screen = new OfferScreen(excluded, metrics, log);
            Answer offer = exchange(transport, id, xid, DhcpMessages.discover(xid, id, options, broadcast, requested),
                    OFFERS, end, Ipv4Udp.ANY, sinceFirstDiscover::secsAt, screen);
            if (offer == null) {
                if (screen.refusedAny()) {
                    throw new ExcludedOfferException(screen.refusals(), false);
                }
                break;
            }
            DhcpMessages.Reply offered = offer.reply();
            // REQUESTING: retransmit for a while, then start over with DISCOVER (RFC 2131 4.4.1)
            Instant requestEnd = earliest(end, clock.instant().plus(settings.firstRetransmit().multipliedBy(4)));
            byte[] request = DhcpMessages.requestOffer(xid, id, options, broadcast, offered.yiaddr(),
                    offered.serverId());
            long discoverSecs = offer.lastSecs();
            Answer answer = exchange(transport, id, xid, request, ACK_OR_NAK, requestEnd, Ipv4Udp.ANY,
                    sent -> discoverSecs, Screen.onlyFrom(offered.serverId(), metrics));
            if (answer == null) {
                lastProblem = "no DHCPACK for " + offered.yiaddr().getHostAddress() + " from "
                        + offered.serverId().getHostAddress();
                continue;
            }
            if (answer.reply().type().equals(MessageType.ACK)) {
                try {
                    return notExcluded(transport, id, DhcpMessages.leaseOf(answer.reply(), answer.firstSent()),
                            excluded, log, false);
                } catch (DhcpParseException e) {
                    lastProblem = "unusable DHCPACK from " + describeServer(answer.reply()) + ": " + e.getMessage();
                }
            } else {
                metrics.nak(log.network());
                lastProblem = "DHCPNAK for " + offered.yiaddr().getHostAddress() + " from "
                        + describeServer(answer.reply());
            }
            // A server that refuses every time must not be flooded: a refusal of an address refused
            // before, or one after the quick start-overs, pauses for a doubling time.
            boolean newAddress = refused.add(offered.yiaddr());
            long pauseMillis;
            if (newAddress && restarts++ < QUICK_RESTARTS) {
                pauseMillis = randomBelow(FIRST_RESTART_JITTER_MILLIS);
            } else {
                pauseMillis = restartPauseMillis;
                restartPauseMillis = Math.min(restartPauseMillis * 2, settings.resendMax().toMillis());
            }
            log.warning(lastProblem + "; starting over with DHCPDISCOVER in " + pauseMillis + " ms");
            pause(transport, earliest(end, clock.instant().plusMillis(pauseMillis)));
        }
        if (lastProblem == null) {
            metrics.noOffer(log.network());
            throw NoLeaseException.noOffer(noOfferMessage(log.ifname(),
                    Math.max(1, (clock.millis() - started.toEpochMilli() + 500) / 1000)));
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
        return reboot(transport, id, options, Exclusions.NONE, previous, deadline, plainLog());
    }

    /**
     * As {@link #reboot(DhcpTransport, ClientIdentity, ClientOptions, Inet4Address, Instant)}; an ACK
     * that touches {@code exclude} or {@link ClientSettings#exclude()} is declined.
     *
     * @throws ExcludedOfferException (with {@link NoLeaseException#nak()}) for an excluded ACK
     */
    public Lease reboot(DhcpTransport transport, ClientIdentity id, ClientOptions options, Exclusions exclude,
                        Inet4Address previous, Instant deadline, AttachmentLog log)
            throws IOException, NoLeaseException {
        int xid = (int) xids.getAsLong();
        byte[] request = DhcpMessages.requestReboot(xid, id, options, settings.broadcastFlag(), previous);
        Lease lease = expectAck(exchange(transport, id, xid, request, ACK_OR_NAK, deadline, Ipv4Udp.ANY,
                new Elapsed()::secsAt, Screen.ALL), "INIT-REBOOT request for " + previous.getHostAddress());
        return notExcluded(transport, id, lease, settings.exclude().union(exclude), log, true);
    }

    /**
     * RENEWING or REBINDING: a REQUEST with ciaddr and without options 50/54. The transport decides
     * which: unicast to the server (RENEWING) or broadcast (REBINDING).
     *
     * @throws NoLeaseException on NAK ({@link NoLeaseException#nak()}) or when no answer came
     */
    public Lease renew(DhcpTransport transport, ClientIdentity id, ClientOptions options, Lease lease,
                       Instant deadline) throws IOException, NoLeaseException {
        return renew(transport, id, options, Exclusions.NONE, lease, deadline, plainLog());
    }

    /**
     * As {@link #renew(DhcpTransport, ClientIdentity, ClientOptions, Lease, Instant)}; an ACK that
     * touches {@code exclude} or {@link ClientSettings#exclude()} (its mask changed, or the ranges
     * did since the lease was bound) is declined and the lease is lost.
     *
     * @throws ExcludedOfferException (with {@link NoLeaseException#nak()}) for an excluded ACK
     */
    public Lease renew(DhcpTransport transport, ClientIdentity id, ClientOptions options, Exclusions exclude,
                       Lease lease, Instant deadline, AttachmentLog log) throws IOException, NoLeaseException {
        int xid = (int) xids.getAsLong();
        byte[] request = DhcpMessages.requestRenewal(xid, id, options, lease.address());
        Lease extended = expectAck(exchange(transport, id, xid, request, ACK_OR_NAK, deadline, lease.address(),
                new Elapsed()::secsAt, Screen.ALL), "renewal of " + lease.address().getHostAddress());
        return notExcluded(transport, id, extended, settings.exclude().union(exclude), log, true);
    }

    /**
     * {@code lease} when it touches no excluded range; else a DHCPDECLINE for it, counted and logged,
     * and an {@link ExcludedOfferException} ({@code lost}: the lease held before is gone too).
     */
    private Lease notExcluded(DhcpTransport transport, ClientIdentity id, Lease lease, Exclusions excluded,
                              AttachmentLog log, boolean lost) throws IOException, ExcludedOfferException {
        var hit = excluded.check(lease.address(), lease.prefixLength());
        if (hit.isEmpty()) {
            return lease;
        }
        ExcludedOfferException.Refusal refusal = new ExcludedOfferException.Refusal(lease.address(), lease.serverId(),
                hit.get(), "DHCPACK");
        metrics.offerRefused(hit.get().range().toString(), hit.get().kind().label());
        log.warning("refused " + refusal.describe() + "; sending DHCPDECLINE");
        decline(transport, id, lease);
        throw new ExcludedOfferException(java.util.List.of(refusal), lost);
    }

    private static AttachmentLog plainLog() {
        return new AttachmentLog(LOG, "", "", "");
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

    private Lease expectAck(Answer answer, String what) throws NoLeaseException {
        if (answer == null) {
            throw new NoLeaseException("no answer to the " + what);
        }
        if (answer.reply().type().equals(MessageType.NAK)) {
            metrics.nak();
            throw new NoLeaseException("DHCPNAK from " + describeServer(answer.reply()) + " to the " + what, true);
        }
        try {
            return DhcpMessages.leaseOf(answer.reply(), answer.firstSent());
        } catch (DhcpParseException e) {
            throw new NoLeaseException("unusable DHCPACK to the " + what + ": " + e.getMessage());
        }
    }

    /**
     * An accepted reply and what the client sent for it.
     *
     * @param firstSent when the message was first transmitted
     * @param lastSecs  the {@code secs} of its last transmission before the reply came
     */
    private record Answer(DhcpMessages.Reply reply, Instant firstSent, long lastSecs) {
    }

    /** Seconds since the first transmission it was asked about: one exchange's {@code secs}, on its thread. */
    private static final class Elapsed {
        private Instant start;

        long secsAt(Instant sent) {
            if (start == null) {
                start = sent;
            }
            return Math.max(0, Duration.between(start, sent).getSeconds());
        }
    }

    /**
     * Sends and retransmits {@code message} (RFC 2131 4.1, see the class) until an accepted reply
     * arrives; null at the deadline. Each transmission carries {@code secs.applyAsLong(now)}.
     */
    private Answer exchange(DhcpTransport transport, ClientIdentity id, int xid, byte[] message,
                            Set<MessageType> accepted, Instant deadline, Inet4Address source,
                            ToLongFunction<Instant> secs, Screen screen) throws IOException {
        long delayMillis = Math.max(1, Math.min(settings.firstRetransmit().toMillis(), settings.resendMax().toMillis()));
        long end = deadline.toEpochMilli();
        Instant firstSent = null;
        while (true) {
            Instant now = clock.instant();
            if (now.toEpochMilli() >= end) {
                metrics.timeout();
                return null;
            }
            long sentSecs = secs.applyAsLong(now);
            transport.send(DhcpMessages.withSecs(message, sentSecs), source);
            if (firstSent == null) {
                firstSent = now;
            }
            long wait = retransmissionWait(delayMillis);
            DhcpMessages.Reply reply = awaitReply(transport, id, xid, accepted, Math.min(end, now.toEpochMilli() + wait),
                    screen);
            if (reply != null) {
                return new Answer(reply, firstSent, sentSecs);
            }
            if (screen.endsExchange()) {
                return null; // only refused replies in this window: no retransmission
            }
            delayMillis = Math.min(delayMillis * 2, settings.resendMax().toMillis());
        }
    }

    /** {@code delayMillis} randomised by up to a second either way (at most half the delay). */
    long retransmissionWait(long delayMillis) {
        long span = Math.min(JITTER_MILLIS, delayMillis / 2);
        long offset;
        synchronized (jitterLock) {
            offset = jitter.nextLong(-span, span + 1);
        }
        return delayMillis + offset;
    }

    private long randomBelow(long boundMillis) {
        synchronized (jitterLock) {
            return jitter.nextLong(0, boundMillis);
        }
    }

    private DhcpMessages.Reply awaitReply(DhcpTransport transport, ClientIdentity id, int xid,
                                          Set<MessageType> accepted, long waitEnd, Screen screen) throws IOException {
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
                    if (screen.passes(reply)) {
                        return reply;
                    }
                    continue;
                }
                metrics.droppedPacket(DropReason.UNEXPECTED.label());
                LOG.fine(() -> "dropped a reply of unexpected type " + reply.type());
            } catch (DhcpParseException e) {
                metrics.droppedPacket(e.reason().label());
                LOG.fine(() -> "dropped a reply (" + e.reason().label() + "): " + e.getMessage());
            }
        }
    }

    /** Why an acquisition without a single offer failed: the words an operator searches for. */
    static String noOfferMessage(String ifname, long waitedSeconds) {
        return "no DHCPOFFER received from any server in " + waitedSeconds + " s"
                + (ifname.isEmpty() ? "" : " on interface " + ifname)
                + ": the server(s) made no offer within the timeout; the pool may be exhausted"
                + " (or no server is reachable)";
    }

    private static String describeServer(DhcpMessages.Reply reply) {
        return reply.serverId() != null ? reply.serverId().getHostAddress() : "a server";
    }

    private static Instant earliest(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }
}
