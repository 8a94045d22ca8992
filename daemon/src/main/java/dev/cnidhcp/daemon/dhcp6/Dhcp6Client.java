package dev.cnidhcp.daemon.dhcp6;

import dev.cnidhcp.daemon.dhcp.DhcpParseException;
import dev.cnidhcp.daemon.dhcp.NoLeaseException;
import dev.cnidhcp.daemon.log.AttachmentLog;

import java.io.IOException;
import java.net.Inet6Address;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;
import java.util.random.RandomGenerator;

/**
 * The DHCPv6 exchanges of a client for one IA_NA (RFC 8415 section 18.2), each over a
 * {@link Dhcp6Transport} the caller provides: acquisition (SOLICIT, ADVERTISE, REQUEST, REPLY, or
 * SOLICIT with Rapid Commit and REPLY), RENEW, REBIND, RELEASE and DECLINE. Stateless between calls
 * and safe to share: a call keeps its exchange (transaction id, timeouts, start) on the caller's
 * stack; the random source is drawn from under a lock; the drop counter is atomic.
 *
 * <p>Retransmission follows section 15 with the parameters of {@link Retransmission}, on the
 * {@link Clock} given (tests move a fake one). The first SOLICIT is not delayed by the random
 * 0..SOL_MAX_DELAY of section 18.2.1: the pod's interface is new and its ADD waits. Elapsed Time
 * counts hundredths of a second from the first transmission of each exchange.
 *
 * <p>Server selection (section 18.2.1): ADVERTISEs are collected until the first RT ends, and the
 * one of highest preference (the first of equals) is taken; one with preference 255 is taken at
 * once, and after the first RT the first valid one is. An ADVERTISE without a usable address for
 * our IA_NA (NoAddrsAvail) is ignored. With Rapid Commit asked, a REPLY carrying Rapid Commit ends
 * the acquisition at once.
 *
 * <p>Status codes: a REPLY to REQUEST with NotOnLink starts over with a SOLICIT without the hint;
 * NoAddrsAvail or any other failure starts over too, at most {@link #MAX_ROUNDS} rounds. A REPLY to
 * a unicast RENEW with UseMulticast makes the RENEW go out again by multicast. A REPLY to RENEW or
 * REBIND whose IA_NA says NoBinding, or that no longer grants the address, ends the lease
 * ({@link NoLeaseException#nak()}): the lease machine acquires anew.
 */
public final class Dhcp6Client {
    /** SOLICIT/REQUEST rounds of one acquisition before it gives up. */
    static final int MAX_ROUNDS = 4;

    private final Clock clock;
    private final IntSupplier xids;
    private final RandomGenerator random;
    private final Object randomLock = new Object();
    private final boolean rapidCommit;
    private final AtomicLong dropped = new AtomicLong();

    /** With random transaction ids and timeouts, asking for Rapid Commit when {@code rapidCommit}. */
    public Dhcp6Client(Clock clock, boolean rapidCommit) {
        this(clock, () -> ThreadLocalRandom.current().nextInt(), RandomGenerator.getDefault(), rapidCommit);
    }

    /**
     * @param xids   one per exchange; the low 24 bits are used
     * @param random the RAND source; a seeded one repeats a schedule
     */
    public Dhcp6Client(Clock clock, IntSupplier xids, RandomGenerator random, boolean rapidCommit) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.xids = Objects.requireNonNull(xids, "xids");
        this.random = Objects.requireNonNull(random, "random");
        this.rapidCommit = rapidCommit;
    }

    /** Messages received and dropped: malformed, or not for the exchange. */
    public long droppedReplies() {
        return dropped.get();
    }

    /**
     * A new lease for {@code id}'s IA_NA, asking for {@code requested} (a hint) when not null.
     *
     * @throws NoLeaseException when no server granted one before {@code deadline}
     *                          ({@link NoLeaseException#noOffer()} when none advertised any address)
     */
    public Lease6 acquire(Dhcp6Transport t, Identity6 id, Inet6Address requested, Instant deadline, AttachmentLog log)
            throws IOException, NoLeaseException {
        Inet6Address hint = requested;
        String problem = null;
        for (int round = 0; round < MAX_ROUNDS && clock.instant().isBefore(deadline); round++) {
            Selection selection = new Selection(id, rapidCommit);
            Inet6Address h = hint;
            Dhcp6Message chosen = exchange(t, Retransmission.SOLICIT, ALL, deadline,
                    (xid, elapsed) -> Dhcp6Messages.solicit(xid, id, h, rapidCommit, elapsed), id, selection);
            if (chosen == null) {
                String why = selection.lastRefusal == null ? "no DHCPv6 server advertised an address"
                        : "no DHCPv6 server advertised an address (last: " + selection.lastRefusal + ")";
                if (problem == null) {
                    throw NoLeaseException.noOffer(why);
                }
                throw new NoLeaseException(problem + "; then " + why);
            }
            try {
                Round outcome = request(t, id, chosen, deadline, log);
                if (outcome.lease() != null) {
                    return outcome.lease();
                }
                problem = outcome.problem();
                if (outcome.notOnLink()) {
                    hint = null;
                }
            } catch (DhcpParseException e) {
                problem = "unusable " + chosen.type() + ": " + e.getMessage();
            }
        }
        throw new NoLeaseException(problem == null ? "no DHCPv6 lease before the deadline" : problem);
    }

    /** How one SOLICIT/REQUEST round ended: a lease, or what went wrong. */
    private record Round(Lease6 lease, String problem, boolean notOnLink) {
    }

    /** REQUEST of what {@code chosen} advertised (or the lease of a Rapid Commit REPLY). */
    private Round request(Dhcp6Transport t, Identity6 id, Dhcp6Message chosen, Instant deadline, AttachmentLog log)
            throws IOException, DhcpParseException {
        byte[] server = chosen.serverId();
        if (chosen.type() == MessageType6.REPLY) {
            log.fine(() -> "REPLY with Rapid Commit from server " + Duids.text(server));
            return new Round(Dhcp6Messages.leaseOf(chosen, id.iaid(), clock.instant()), null, false);
        }
        List<Inet6Address> advertised = Dhcp6Messages.offered(chosen, id.iaid());
        Dhcp6Message reply = exchange(t, Retransmission.REQUEST, ALL, deadline,
                (xid, elapsed) -> Dhcp6Messages.request(xid, id, server, advertised, elapsed), id,
                fromServer(server));
        if (reply == null) {
            return new Round(null, "no REPLY to REQUEST from server " + Duids.text(server), false);
        }
        Instant arrived = clock.instant();
        StatusCode6 status = statusOf(reply, id.iaid());
        if (status.success()) {
            return new Round(Dhcp6Messages.leaseOf(reply, id.iaid(), arrived), null, false);
        }
        String problem = "REPLY " + status + " from server " + Duids.text(server);
        log.warning(problem + "; soliciting again");
        return new Round(null, problem, status.code() == StatusCode6.NOT_ON_LINK);
    }

    /**
     * RENEW to the lease's server: to its Server Unicast address when {@code unicast} and it gave one,
     * else to {@link Dhcp6Transport#ALL_SERVERS}. Keeps the lease's prefix length and router.
     */
    public Lease6 renew(Dhcp6Transport t, Identity6 id, Lease6 lease, boolean unicast, Instant deadline)
            throws IOException, NoLeaseException {
        Inet6Address to = unicast && lease.serverUnicast() != null ? lease.serverUnicast() : Dhcp6Transport.ALL_SERVERS;
        Dhcp6Message reply = exchange(t, Retransmission.RENEW, to, deadline,
                (xid, elapsed) -> Dhcp6Messages.renew(xid, id, lease, elapsed), id, fromServer(lease.serverDuid()));
        if (reply != null && !to.equals(Dhcp6Transport.ALL_SERVERS) && useMulticast(reply)) {
            reply = exchange(t, Retransmission.RENEW, Dhcp6Transport.ALL_SERVERS, deadline,
                    (xid, elapsed) -> Dhcp6Messages.renew(xid, id, lease, elapsed), id,
                    fromServer(lease.serverDuid()));
        }
        return extended(reply, "RENEW", id, lease);
    }

    /** REBIND by multicast, to any server (also to confirm a recorded lease after a restart). */
    public Lease6 rebind(Dhcp6Transport t, Identity6 id, Lease6 lease, Instant deadline)
            throws IOException, NoLeaseException {
        Dhcp6Message reply = exchange(t, Retransmission.REBIND, ALL, deadline,
                (xid, elapsed) -> Dhcp6Messages.rebind(xid, id, lease, elapsed), id, m -> m);
        return extended(reply, "REBIND", id, lease);
    }

    /** RELEASE to the lease's server; true when it confirmed with a REPLY before {@code deadline}. */
    public boolean release(Dhcp6Transport t, Identity6 id, Lease6 lease, Instant deadline) throws IOException {
        return release(t, id, lease, deadline, Retransmission.RELEASE.mrc());
    }

    /**
     * RELEASE with at most {@code transmissions} transmissions (REL_MAX_RC of them in all, when a
     * caller splits one release in two transactions: the first transmission, then the rest).
     */
    public boolean release(Dhcp6Transport t, Identity6 id, Lease6 lease, Instant deadline, int transmissions)
            throws IOException {
        if (transmissions < 1 || transmissions > Retransmission.RELEASE.mrc()) {
            throw new IllegalArgumentException("transmissions: " + transmissions + " (expected: 1 to "
                    + Retransmission.RELEASE.mrc() + ")");
        }
        Retransmission params = Retransmission.RELEASE.withMaxCount(transmissions);
        Inet6Address to = lease.serverUnicast() != null ? lease.serverUnicast() : Dhcp6Transport.ALL_SERVERS;
        return exchange(t, params, to, deadline,
                (xid, elapsed) -> Dhcp6Messages.release(xid, id, lease, elapsed), id,
                fromServer(lease.serverDuid())) != null;
    }

    /** DECLINE of the lease's address (found in use on the link); true when the server confirmed. */
    public boolean decline(Dhcp6Transport t, Identity6 id, Lease6 lease, Instant deadline) throws IOException {
        return exchange(t, Retransmission.DECLINE, ALL, deadline,
                (xid, elapsed) -> Dhcp6Messages.decline(xid, id, lease, elapsed), id,
                fromServer(lease.serverDuid())) != null;
    }

    private static final Inet6Address ALL = Dhcp6Transport.ALL_SERVERS;

    private static boolean useMulticast(Dhcp6Message reply) {
        try {
            return reply.status().code() == StatusCode6.USE_MULTICAST;
        } catch (DhcpParseException e) {
            return false;
        }
    }

    private Lease6 extended(Dhcp6Message reply, String what, Identity6 id, Lease6 lease) throws NoLeaseException {
        if (reply == null) {
            throw new NoLeaseException("no REPLY to " + what + " for " + Dhcp6Options.text(lease.address()));
        }
        Instant arrived = clock.instant();
        try {
            StatusCode6 status = statusOf(reply, id.iaid());
            if (!status.success()) {
                throw new NoLeaseException("REPLY to " + what + ": " + status, true);
            }
            IaNa ia = reply.iaNa(id.iaid());
            boolean held = ia != null && ia.addresses().stream()
                    .anyMatch(a -> a.address().equals(lease.address()) && a.usable());
            if (!held) {
                throw new NoLeaseException("REPLY to " + what + " no longer grants "
                        + Dhcp6Options.text(lease.address()), true);
            }
            Lease6 renewed = Dhcp6Messages.leaseOf(onlyAddress(reply, id.iaid(), lease.address()), id.iaid(), arrived);
            return renewed.withLink(lease.prefixLength(), lease.router());
        } catch (DhcpParseException e) {
            throw new NoLeaseException("unusable REPLY to " + what + ": " + e.getMessage());
        }
    }

    /** The REPLY with our IA_NA narrowed to {@code address}, so the lease is the one renewed. */
    private static Dhcp6Message onlyAddress(Dhcp6Message reply, int iaid, Inet6Address address)
            throws DhcpParseException {
        IaNa ia = reply.iaNa(iaid);
        IaNa narrowed = new IaNa(ia.iaid(), ia.t1(), ia.t2(),
                ia.addresses().stream().filter(a -> a.address().equals(address)).toList(), ia.status());
        List<Option6> options = reply.options().stream().filter(o -> o.code() != Option6.IA_NA).toList();
        List<Option6> all = new java.util.ArrayList<>(options);
        all.add(narrowed.toOption());
        return new Dhcp6Message(reply.type(), reply.transactionId(), all);
    }

    /** The top-level status when it is not Success, else that of our IA_NA. */
    private static StatusCode6 statusOf(Dhcp6Message reply, int iaid) throws DhcpParseException {
        StatusCode6 top = reply.status();
        if (!top.success()) {
            return top;
        }
        IaNa ia = reply.iaNa(iaid);
        return ia == null ? new StatusCode6(StatusCode6.NO_ADDRS_AVAIL, "no IA_NA in the REPLY") : ia.statusOrSuccess();
    }

    /** Builds a message of one exchange: the transaction id and the Elapsed Time so far. */
    private interface Builder {
        Dhcp6Message build(int xid, int elapsedHundredths);
    }

    /** Decides on each valid answer of the exchange. */
    private interface Collector {
        /** The answer to end with, or null to keep listening (the message was not good enough). */
        Dhcp6Message take(Dhcp6Message m) throws DhcpParseException;

        /** The current RT ended: an answer to end with instead of retransmitting, or null. */
        default Dhcp6Message timedOut() {
            return null;
        }

        default Set<MessageType6> accepts() {
            return EnumSet.of(MessageType6.REPLY);
        }
    }

    /** Only REPLYs of {@code server}. */
    private static Collector fromServer(byte[] server) {
        return m -> java.util.Arrays.equals(m.serverId(), server) ? m : null;
    }

    /** Server selection of section 18.2.1 (see the class comment). */
    private static final class Selection implements Collector {
        private final Identity6 id;
        private final boolean rapidCommit;
        private Dhcp6Message best;
        private int bestPreference = -1;
        private boolean firstRtOver;
        private String lastRefusal;

        Selection(Identity6 id, boolean rapidCommit) {
            this.id = id;
            this.rapidCommit = rapidCommit;
        }

        @Override
        public Set<MessageType6> accepts() {
            return rapidCommit ? EnumSet.of(MessageType6.ADVERTISE, MessageType6.REPLY) : EnumSet.of(MessageType6.ADVERTISE);
        }

        @Override
        public Dhcp6Message take(Dhcp6Message m) throws DhcpParseException {
            if (m.type() == MessageType6.REPLY && !m.rapidCommit()) {
                return null;
            }
            if (Dhcp6Messages.offered(m, id.iaid()).isEmpty()) {
                IaNa ia = m.iaNa(id.iaid());
                StatusCode6 status = !m.status().success() ? m.status()
                        : ia == null ? new StatusCode6(StatusCode6.NO_ADDRS_AVAIL, "no IA_NA")
                        : ia.statusOrSuccess().success() ? new StatusCode6(StatusCode6.NO_ADDRS_AVAIL, "no usable address")
                        : ia.status();
                lastRefusal = status + " from server " + Duids.text(m.serverId());
                return null;
            }
            if (m.type() == MessageType6.REPLY) {
                return m;
            }
            int preference = m.preference();
            if (preference == 255 || firstRtOver) {
                return m;
            }
            if (preference > bestPreference) {
                best = m;
                bestPreference = preference;
            }
            return null;
        }

        @Override
        public Dhcp6Message timedOut() {
            firstRtOver = true;
            return best;
        }
    }

    /**
     * One exchange: transmits by section 15 until the collector takes an answer, the count or
     * duration is used up, or {@code deadline}; null when nothing was taken.
     */
    private Dhcp6Message exchange(Dhcp6Transport t, Retransmission params, Inet6Address to, Instant deadline,
                                  Builder builder, Identity6 id, Collector collector) throws IOException {
        int xid = xids.getAsInt() & 0xffffff;
        Instant start = clock.instant();
        Instant end = params.mrd().isZero() || start.plus(params.mrd()).isAfter(deadline)
                ? deadline : start.plus(params.mrd());
        long rt = draw(r -> params.firstMillis(r));
        for (int sent = 0; params.mrc() == 0 || sent < params.mrc(); sent++) {
            Instant now = clock.instant();
            if (!now.isBefore(end)) {
                return null;
            }
            long hundredths = Math.min(0xffff, Duration.between(start, now).toMillis() / 10);
            t.send(builder.build(xid, (int) hundredths).encode(), to);
            Instant waitEnd = now.plusMillis(rt).isAfter(end) ? end : now.plusMillis(rt);
            Dhcp6Message answer = listen(t, xid, id, collector, waitEnd);
            if (answer != null) {
                return answer;
            }
            answer = collector.timedOut();
            if (answer != null) {
                return answer;
            }
            long previous = rt;
            rt = draw(r -> params.nextMillis(previous, r));
        }
        return null;
    }

    private Dhcp6Message listen(Dhcp6Transport t, int xid, Identity6 id, Collector collector, Instant until)
            throws IOException {
        while (true) {
            long left = Duration.between(clock.instant(), until).toMillis();
            if (left <= 0) {
                return null;
            }
            byte[] bytes = t.receive(left);
            if (bytes == null) {
                return null;
            }
            try {
                Dhcp6Message m = Dhcp6Message.decode(bytes);
                if (!collector.accepts().contains(m.type())) {
                    dropped.incrementAndGet();
                    continue;
                }
                Dhcp6Messages.checkAnswers(m, xid, id);
                Dhcp6Message taken = collector.take(m);
                if (taken != null) {
                    return taken;
                }
            } catch (DhcpParseException e) {
                dropped.incrementAndGet();
            }
        }
    }

    private long draw(java.util.function.ToLongFunction<RandomGenerator> f) {
        synchronized (randomLock) {
            return f.applyAsLong(random);
        }
    }
}
