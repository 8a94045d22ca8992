package dev.cnidhcp.daemon.lease;

import dev.cnidhcp.daemon.dhcp.NoLeaseException;
import dev.cnidhcp.daemon.dhcp6.Binding6;
import dev.cnidhcp.daemon.dhcp6.Dhcp6Options;
import dev.cnidhcp.daemon.dhcp6.Lease6;
import dev.cnidhcp.daemon.log.AttachmentLog;
import dev.cnidhcp.daemon.metrics.DaemonMetrics;
import dev.cnidhcp.daemon.time.Scheduler;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.Inet6Address;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The DHCPv6 lease of one IA_NA address of one attachment (RFC 8415 section 18.2), beside the
 * attachment's {@link LeaseMachine}. The exchanges themselves, with their retransmission, are the
 * {@link Lease6Transport}'s; this class decides when each one runs.
 *
 * <pre>
 *   INIT ──start()──► SOLICITING ──REPLY──► BOUND ──T1──► RENEWING ──T2──► REBINDING ──valid lifetime──► lost
 *                                            ▲  ◄──REPLY──┘  ◄────REPLY─────┘                           │
 *   resume() ─► CONFIRMING (REBIND) ─REPLY─┘ (silence: BOUND/RENEWING/REBINDING as the clock says)      │
 *                                            └───────────── INIT (SOLICIT for the lost address, backing off) ◄┘
 * </pre>
 *
 * A refusal (NoBinding, NotOnLink: the transport's {@link NoLeaseException#nak()}) in RENEWING,
 * REBINDING or CONFIRMING loses the lease at once. A lost v6 lease does not take the pod's link down:
 * that would cut its IPv4 lease off too; it is logged loudly, listed as lost and CHECK fails.
 *
 * <p>Time: every instant is on the lease timeline ({@link LeaseContext#clock()}); the timers are on
 * the same {@link Scheduler} as the IPv4 leases', each carrying the lease's expiry as its deadline.
 *
 * <p>Threads: as {@link LeaseMachine}: every transition is synchronized on the machine; {@link #stop}
 * (DEL) first cancels an exchange in progress ({@link InFlight}); only {@link #view()} does not take
 * the lock.
 */
public final class Lease6Machine {
    /** Where a DHCPv6 lease is. */
    public enum State {
        INIT, SOLICITING, BOUND, RENEWING, REBINDING, CONFIRMING;

        /** How listings and metrics name the state: {@code bound}, {@code confirming}. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private static final Logger LOG = Logger.getLogger(Lease6Machine.class.getName());
    /** How soon a lease whose transition failed unexpectedly tries again. */
    private static final Duration SAFETY_RETRY = Duration.ofSeconds(5);

    private final Attachment attachment;
    private final LeaseContext context;
    private final Lease6Transport net;
    private final Clock clock;
    private final Consumer<Lease6Machine> onGone;
    private final AttachmentLog log;
    private final Lease6Recorder recorder;
    private final Lease6Events events;
    private final InFlight inFlight = new InFlight();

    // Written under the machine's lock; volatile for view(), which reads them without it.
    private volatile State state = State.INIT;
    private volatile Binding6 binding;
    private volatile boolean lost;
    private volatile String problem = "";
    private Scheduler.Cancellable timer;
    private boolean stopped;
    /** Set by stop() before it waits for the lock: an exchange that fails now was cut short by DEL. */
    private volatile boolean stopping;
    /** The address the pod was given at ADD: the one worth regaining. */
    private Inet6Address podAddress;
    private Duration backoff = RetryPolicy.FIRST_BACKOFF;
    private int handouts;

    /**
     * @param onGone told when the machine ended itself because the pod vanished without DEL
     */
    public Lease6Machine(Attachment attachment, LeaseContext context, Consumer<Lease6Machine> onGone) {
        if (!attachment.dhcpv6()) {
            throw new IllegalArgumentException("attachment " + attachment.key() + ": dhcpv6 false (expected: true)");
        }
        this.attachment = attachment;
        this.context = context;
        this.net = context.transport6();
        this.clock = context.clock();
        this.onGone = onGone;
        LeaseKey key = attachment.key();
        this.log = new AttachmentLog(LOG, key.containerId(), key.ifname(), key.networkName());
        this.recorder = new Lease6Recorder(attachment, context.journal(), log);
        this.events = new Lease6Events(context.metrics());
    }

    public Attachment attachment() {
        return attachment;
    }

    public synchronized State state() {
        return state;
    }

    /** The lease held (or last held, while it is being regained), or null before the first REPLY. */
    public synchronized Binding6 binding() {
        return binding;
    }

    /** The lease as it is now, without waiting for an exchange in progress. */
    public Lease6View view() {
        return new Lease6View(attachment, state, binding, lost, problem);
    }

    synchronized int handOut() {
        return ++handouts;
    }

    synchronized int handouts() {
        return handouts;
    }

    public synchronized boolean stopped() {
        return stopped;
    }

    /**
     * INIT → SOLICITING → BOUND while the ADD waits; back to INIT on failure. The lease is recorded
     * before this returns; one that cannot be is released and refused ({@link NotRecordedException}).
     */
    public synchronized Binding6 start(Instant deadline) throws IOException, NoLeaseException {
        if (state != State.INIT || stopped) {
            throw new IllegalStateException("start() in state " + state + (stopped ? " (stopped)" : ""));
        }
        state = State.SOLICITING;
        Binding6 acquired;
        try {
            acquired = exchange(() -> net.acquire(attachment, null, deadline));
        } catch (IOException | NoLeaseException | RuntimeException e) {
            state = State.INIT;
            if (!stopping && !(e instanceof AttachmentGoneException)) {
                events.acquisitionFailed();
            }
            throw e;
        }
        events.acquired();
        try {
            recorder.acquired(acquired);
        } catch (IOException e) {
            state = State.INIT;
            try {
                net.release6(attachment, acquired, attachment.runtimeNetns());
            } catch (IOException | RuntimeException releaseFailure) {
                log.warning("cannot release " + acquired.lease().cidr() + " either: " + describe(releaseFailure));
            }
            throw new NotRecordedException("the DHCPv6 lease of " + acquired.lease().cidr() + " could not be recorded ("
                    + e.getMessage() + "); it was released, as it would not survive a daemon restart", e);
        }
        enterBound(acquired, "acquired", false);
        return acquired;
    }

    /**
     * Takes up a DHCPv6 lease recorded before a daemon restart: a REBIND confirms it (RFC 8415
     * 18.2.12: the client may have moved while the daemon was down), spread over a short window so
     * that hundreds of leases resumed together do not fire at one instant. A lease past its valid
     * lifetime is regained at once. A pod that is gone has its lease released and the machine ends.
     *
     * @param recorded the recorded lease, its times already on the lease timeline
     */
    public synchronized void resume(Binding6 recorded) {
        if (state != State.INIT || binding != null || stopped) {
            throw new IllegalStateException("resume() in state " + state);
        }
        binding = recorded;
        Lease6 lease = recorded.lease();
        podAddress = lease.address();
        try {
            net.interfaceAddresses6(attachment);
        } catch (AttachmentGoneException e) {
            vanished(e);
            return;
        } catch (IOException | RuntimeException e) {
            log.warning("cannot look at the pod's interface (" + describe(e) + "); resuming anyway");
        }
        Instant now = clock.instant();
        if (!now.isBefore(lease.expiresAt())) {
            state = State.CONFIRMING;
            log.info("resumed " + lease.cidr() + " past its valid lifetime; regaining it");
            schedule(now, null, this::expired);
            return;
        }
        state = State.CONFIRMING;
        Instant first = RetryPolicy.spread(now, lease.expiresAt(), context.random());
        schedule(first, this::confirmAttempt);
        log.info("resumed " + lease.cidr() + " (valid for " + Duration.between(now, lease.expiresAt()).toSeconds()
                + " s more); confirming it with REBIND in " + Duration.between(now, first).toMillis() + " ms");
    }

    /** CONFIRMING: one REBIND for the recorded lease; silence goes on with the recorded times. */
    public synchronized void confirmAttempt() {
        if (state != State.CONFIRMING || stopped) {
            return;
        }
        Binding6 held = binding;
        Instant started = clock.instant();
        try {
            Lease6 confirmed = exchange(() -> net.rebind(attachment, held,
                    earliest(started.plus(context.attemptTimeout()), held.lease().expiresAt())));
            events.renewed();
            enterBound(held.withLease(confirmed), "confirmed after restart", true);
        } catch (AttachmentGoneException e) {
            vanished(e);
        } catch (NoLeaseException e) {
            if (stopping) {
                return;
            }
            events.renewalFailed();
            if (e.nak()) {
                lost("the server refused the recorded lease: " + e.getMessage());
            } else {
                continueRecorded(e.getMessage());
            }
        } catch (IOException | RuntimeException e) {
            if (!stopping) {
                events.renewalFailed();
                continueRecorded(describe(e));
            }
        }
    }

    /** After an unanswered confirmation: BOUND, RENEWING or REBINDING as the clock says, with the recorded times. */
    private void continueRecorded(String why) {
        Lease6 lease = binding.lease();
        Instant now = clock.instant();
        log.warning("no confirmation of " + lease.cidr() + " (" + why + "); keeping the recorded lease");
        if (now.isBefore(lease.renewAt())) {
            state = State.BOUND;
            schedule(lease.renewAt(), this::renewalTimeReached);
        } else if (now.isBefore(lease.rebindAt())) {
            state = State.RENEWING;
            retryBefore(lease.rebindAt(), this::renewAttempt, this::rebindingTimeReached, why);
        } else {
            state = State.REBINDING;
            retryBefore(lease.expiresAt(), this::rebindAttempt, this::expired, why);
        }
    }

    /** T1: BOUND → RENEWING, and the first RENEW. */
    public synchronized void renewalTimeReached() {
        if (state != State.BOUND || stopped) {
            return;
        }
        state = State.RENEWING;
        renewAttempt();
    }

    /** RENEWING: one RENEW exchange to the lease's server; retried at half the time left to T2. */
    public synchronized void renewAttempt() {
        if (state != State.RENEWING || stopped) {
            return;
        }
        extendAttempt(binding.lease().rebindAt(), net::renew, "renewed", this::renewAttempt, this::rebindingTimeReached);
    }

    /** T2: RENEWING → REBINDING, and the first REBIND to any server. */
    public synchronized void rebindingTimeReached() {
        if ((state != State.BOUND && state != State.RENEWING) || stopped) {
            return;
        }
        log.warning("no REPLY to RENEW until T2; rebinding " + binding.lease().cidr() + " with any server");
        state = State.REBINDING;
        rebindAttempt();
    }

    /** REBINDING: one REBIND exchange; retried at half the time left to the end of the valid lifetime. */
    public synchronized void rebindAttempt() {
        if (state != State.REBINDING || stopped) {
            return;
        }
        extendAttempt(binding.lease().expiresAt(), net::rebind, "rebound", this::rebindAttempt, this::expired);
    }

    /** The valid lifetime ended without a REPLY: the address may no longer be used; regain it. */
    public synchronized void expired() {
        if ((state != State.BOUND && state != State.RENEWING && state != State.REBINDING
                && state != State.CONFIRMING) || stopped) {
            return;
        }
        lost("valid lifetime ended without renewal");
    }

    /** INIT after a loss: SOLICIT asking for the lost address; backs off while no REPLY comes. */
    public synchronized void acquireAttempt() {
        if (state != State.INIT || stopped || !lost) {
            return;
        }
        try {
            Binding6 acquired = exchange(() -> net.acquire(attachment, podAddress,
                    clock.instant().plus(context.attemptTimeout())));
            events.acquired();
            enterBound(acquired, "acquired again", true);
        } catch (AttachmentGoneException e) {
            vanished(e);
        } catch (NoLeaseException | IOException | RuntimeException e) {
            if (stopping) {
                return;
            }
            events.acquisitionFailed();
            Instant next = clock.instant().plus(backoff);
            log.warning("still no DHCPv6 lease for " + Dhcp6Options.text(podAddress) + " (" + describe(e)
                    + "); next attempt in " + backoff.toSeconds() + " s");
            backoff = RetryPolicy.nextBackoff(backoff, context.backoffMax());
            schedule(next, null, this::acquireAttempt);
        }
    }

    /**
     * Ends the machine when the pod is gone without DEL (as a renewal that found it gone would);
     * waits behind an exchange in progress.
     *
     * @return whether the machine ended (or had ended) here
     */
    public synchronized boolean endIfGone() {
        if (stopped) {
            return true;
        }
        try {
            net.interfaceAddresses6(attachment);
            return false;
        } catch (AttachmentGoneException e) {
            vanished(e);
            return true;
        } catch (IOException | RuntimeException e) {
            log.warning("cannot look at the pod's interface (" + describe(e) + "); taken as alive");
            return false;
        }
    }

    /**
     * DEL: cuts an exchange in progress short, stops the timers and sends RELEASE when a lease is held,
     * unless {@link Attachment#releaseOnDel()} is false.
     *
     * @return where the release left from, or null when nothing was sent
     */
    public String stop(Path runtimeNetns) throws IOException {
        stopping = true;
        inFlight.cancel();
        synchronized (this) {
            stopped = true;
            cancelTimer();
            try {
                if (binding == null || lost || !attachment.releaseOnDel()) {
                    return null;
                }
                return net.release6(attachment, binding, runtimeNetns != null ? runtimeNetns : attachment.runtimeNetns());
            } finally {
                recorder.ended();
            }
        }
    }

    /**
     * CHECK: the lease is held, names {@code expected} (prevResult's IPv6 address, or null to skip),
     * and the pod's interface carries it. Does not wait behind an exchange in progress.
     */
    public void check(Inet6Address expected) throws CheckFailedException {
        Lease6View view = view();
        String key = attachment.key().toString();
        if (!view.held()) {
            throw new CheckFailedException("the DHCPv6 lease of " + key + " is not held (state " + view.state().label()
                    + (view.problem().isEmpty() ? "" : ": " + view.problem()) + ")");
        }
        Inet6Address leased = view.binding().lease().address();
        if (expected != null && !expected.equals(leased)) {
            throw new CheckFailedException("prevResult names " + Dhcp6Options.text(expected) + " but the DHCPv6 lease of "
                    + key + " is " + view.binding().lease().cidr());
        }
        List<Inet6Address> onInterface;
        try {
            onInterface = net.interfaceAddresses6(attachment);
        } catch (IOException e) {
            throw new CheckFailedException("cannot read the IPv6 addresses of " + attachment.key().ifname() + " in "
                    + attachment.netns() + ": " + e.getMessage());
        }
        if (!onInterface.contains(leased)) {
            throw new CheckFailedException(attachment.key().ifname() + " in " + attachment.netns() + " does not carry"
                    + " the leased " + Dhcp6Options.text(leased) + " (it has " + (onInterface.isEmpty() ? "no IPv6 address"
                    : onInterface.stream().map(Dhcp6Options::text).toList()) + ")");
        }
    }

    private interface Call<T> {
        T run() throws IOException, NoLeaseException;
    }

    private <T> T exchange(Call<T> call) throws IOException, NoLeaseException {
        inFlight.enter();
        try {
            if (stopping) {
                throw new InterruptedIOException("the lease is being deleted");
            }
            return call.run();
        } finally {
            inFlight.leave();
        }
    }

    private interface Extension {
        Lease6 extend(Attachment attachment, Binding6 binding, Instant deadline) throws IOException, NoLeaseException;
    }

    /**
     * One RENEW or REBIND exchange before {@code boundary} (T2 or the end of the valid lifetime): a
     * REPLY binds again, a refusal loses the lease, silence schedules {@code again} at half the time
     * left, or {@code atBoundary} when the boundary comes first.
     */
    private void extendAttempt(Instant boundary, Extension extension, String how, Runnable again, Runnable atBoundary) {
        Instant started = clock.instant();
        if (!started.isBefore(boundary)) {
            atBoundary.run();
            return;
        }
        Binding6 held = binding;
        try {
            Lease6 extended = exchange(() -> extension.extend(attachment, held,
                    earliest(started.plus(context.attemptTimeout()), boundary)));
            events.renewed();
            enterBound(held.withLease(extended), how, true);
        } catch (AttachmentGoneException e) {
            vanished(e);
        } catch (NoLeaseException e) {
            if (stopping) {
                return;
            }
            events.renewalFailed();
            if (e.nak()) {
                lost("the server refused the lease: " + e.getMessage());
            } else {
                retryBefore(boundary, again, atBoundary, e.getMessage());
            }
        } catch (IOException | RuntimeException e) {
            if (!stopping) {
                events.renewalFailed();
                retryBefore(boundary, again, atBoundary, describe(e));
            }
        }
    }

    private void retryBefore(Instant boundary, Runnable again, Runnable atBoundary, String why) {
        Instant now = clock.instant();
        Instant next = RetryPolicy.nextAttempt(now, boundary, binding.lease());
        if (next == null) {
            log.warning("DHCPv6 " + state.label() + " attempt failed: " + why + "; next step at " + boundary);
            schedule(boundary, atBoundary);
        } else {
            log.warning("DHCPv6 " + state.label() + " attempt failed: " + why + "; retrying in "
                    + Duration.between(now, next).toSeconds() + " s");
            schedule(next, again);
        }
    }

    /** BOUND with {@code acquired}; {@code record}: write it (the ADD's first lease was recorded already). */
    private void enterBound(Binding6 acquired, String how, boolean record) {
        Lease6 lease = acquired.lease();
        boolean regained = lost;
        binding = acquired;
        state = State.BOUND;
        lost = false;
        backoff = RetryPolicy.FIRST_BACKOFF;
        if (podAddress == null) {
            podAddress = lease.address();
        }
        problem = lease.address().equals(podAddress) ? ""
                : "the server gave " + lease.cidr() + " but the pod has " + Dhcp6Options.text(podAddress);
        if (record) {
            recorder.bound(acquired, how);
        }
        log.info(how + " " + lease.cidr() + " (valid " + lease.validLifetime().toSeconds() + " s, renew in "
                + Duration.between(clock.instant(), lease.renewAt()).toSeconds() + " s, iaid "
                + Integer.toUnsignedString(acquired.identity().iaid()) + ")");
        if (regained && problem.isEmpty()) {
            log.warning("regained " + lease.cidr() + " after it was lost");
        }
        if (!problem.isEmpty()) {
            log.severe("IPv6 ADDRESS CHANGED: " + problem + "; recreate the pod (CHECK fails until then)");
        }
        schedule(lease.renewAt(), this::renewalTimeReached);
    }

    private void lost(String why) {
        Lease6 lease = binding.lease();
        problem = why;
        lost = true;
        events.lost();
        log.severe("LOST " + lease.cidr() + " (" + why + "); the pod must not use it any more; trying to get "
                + Dhcp6Options.text(podAddress) + " back");
        state = State.INIT;
        backoff = RetryPolicy.FIRST_BACKOFF;
        acquireAttempt();
    }

    /** The pod vanished without DEL: release from the runtime's namespace and end. */
    private void vanished(AttachmentGoneException why) {
        log.warning("the pod is gone without DEL (" + why.getMessage() + "); releasing and forgetting its DHCPv6 lease");
        stopped = true;
        cancelTimer();
        if (binding != null && !lost && attachment.releaseOnDel()) {
            try {
                String from = net.release6(attachment, binding, attachment.runtimeNetns());
                log.info("released " + Dhcp6Options.text(binding.lease().address()) + " (sent from " + from + ")");
            } catch (IOException | RuntimeException e) {
                log.warning("cannot release " + Dhcp6Options.text(binding.lease().address()) + ": " + describe(e)
                        + "; the server reclaims it when its valid lifetime ends");
            }
        }
        recorder.ended();
        onGone.accept(this);
    }

    private void schedule(Instant when, Runnable transition) {
        Instant expiry = binding.lease().expiresAt();
        schedule(when, when.isBefore(expiry) ? expiry : null, transition);
    }

    private void schedule(Instant when, Instant deadline, Runnable transition) {
        cancelTimer();
        timer = context.scheduler().at(when, deadline, () -> {
            try {
                transition.run();
            } catch (RuntimeException e) {
                log.log(Level.SEVERE, "unexpected failure in a DHCPv6 lease timer; trying again in "
                        + SAFETY_RETRY.toSeconds() + " s", e);
                safetyRetry();
            }
        });
    }

    private synchronized void safetyRetry() {
        if (stopped || binding == null) {
            return;
        }
        Runnable next = switch (state) {
            case BOUND -> this::renewalTimeReached;
            case RENEWING -> this::renewAttempt;
            case REBINDING -> this::rebindAttempt;
            case CONFIRMING -> this::confirmAttempt;
            default -> this::acquireAttempt;
        };
        schedule(clock.instant().plus(SAFETY_RETRY), null, next);
    }

    private void cancelTimer() {
        if (timer != null) {
            timer.cancel();
            timer = null;
        }
    }

    static String describe(Throwable e) {
        return e.getMessage() == null ? e.toString() : e.getMessage();
    }

    private static Instant earliest(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }
}
