package dev.cnidhcp.daemon.lease;

import dev.cnidhcp.daemon.dhcp.Lease;
import dev.cnidhcp.daemon.dhcp.NoLeaseException;
import dev.cnidhcp.daemon.log.AttachmentLog;
import dev.cnidhcp.daemon.metrics.DaemonMetrics;
import dev.cnidhcp.daemon.time.Scheduler;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.Inet4Address;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The RFC 2131 client state machine of one lease (figure 5 of the RFC). Each transition is one
 * method; timers call them through the {@link Scheduler}, tests call them directly.
 *
 * <pre>
 *   INIT ──start()──► SELECTING/REQUESTING ──ACK──► BOUND ──T1──► RENEWING ──T2──► REBINDING
 *                                                     ▲  ◄──ACK──┘  ◄────ACK────────┘     │ expiry
 *                                                     │                                  ▼
 *                    INIT (DISCOVER, option 50) ◄─silence/NAK── INIT-REBOOT ◄── lease lost
 *                       └──ACK: the same address back, or a loud problem (another one)
 * </pre>
 *
 * SELECTING and REQUESTING happen inside one {@code DhcpClient.acquire} call, while ADD waits; the
 * machine reports SELECTING for both. A NAK in RENEWING or REBINDING goes straight to INIT.
 *
 * <p>This class speaks the protocol only. What a transition means for the pod's link and routes
 * ({@link PodLink}) and for the lease's record ({@link LeaseRecorder}) is done by the
 * {@link LeaseListener}s it tells.
 *
 * <p>Time: every instant is on the lease timeline ({@link LeaseContext#clock()}, monotonic in the
 * daemon), so a step of the wall clock moves no lease. Each timer carries the lease's expiry as its
 * deadline, so a renewal that could only start after the lease lapsed is logged loudly. Leases
 * resumed after a restart past T1 spread their first attempt over a short window
 * ({@link RetryPolicy#RESUME_SPREAD_MAX}) instead of all firing at one instant.
 *
 * <p>Threads: every transition is synchronized on the machine, so transitions of one lease never
 * overlap; different leases run in parallel on the scheduler's workers. {@link #stop} (DEL) first
 * cancels an exchange in progress ({@link InFlight}), so it never waits behind a silent server.
 * Only {@link #view()} does not take the lock: listings and metrics must not stall behind an exchange.
 */
public final class LeaseMachine {
    /** The client states of RFC 2131 figure 5. */
    public enum State {
        INIT, SELECTING, REQUESTING, BOUND, RENEWING, REBINDING, INIT_REBOOT;

        /** How listings and metrics name the state: {@code bound}, {@code init-reboot}. */
        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }
    }

    private static final Logger LOG = Logger.getLogger(LeaseMachine.class.getName());
    /** How soon a lease whose transition failed unexpectedly tries again. */
    private static final Duration SAFETY_RETRY = Duration.ofSeconds(5);

    private final Attachment attachment;
    private final LeaseContext context;
    private final LeaseTransport net;
    private final Clock clock;
    private final Consumer<LeaseMachine> onGone;
    private final DaemonMetrics metrics;
    private final AttachmentLog log;
    private final List<LeaseListener> listeners;
    private final InFlight inFlight = new InFlight();

    // Written under the machine's lock; volatile for view(), which reads them without it.
    private volatile State state = State.INIT;
    private volatile Binding binding;
    private Scheduler.Cancellable timer;
    private boolean stopped;
    /** Set by stop() before it waits for the lock: an exchange that fails now was cut short by DEL. */
    private volatile boolean stopping;
    /** The address the pod's interface was configured with at ADD: the one worth regaining. */
    private Inet4Address podAddress;
    /** Whether the lease is lost (expired or refused) and being regained. */
    private volatile boolean lost;
    private Duration backoff = RetryPolicy.FIRST_BACKOFF;
    private volatile String problem = "";
    /** How many ADDs this lease was handed out to (the one that obtained it, and retries that found it). */
    private int handouts;

    /** Without a journal (tests). */
    public LeaseMachine(Attachment attachment, LeaseTransport net, Scheduler scheduler, Clock clock,
                        Duration attemptTimeout, Duration backoffMax) {
        this(attachment, LeaseContext.of(net, scheduler, clock, attemptTimeout, backoffMax), m -> { });
    }

    /** With a journal (tests). */
    public LeaseMachine(Attachment attachment, LeaseTransport net, Scheduler scheduler, Clock clock,
                        Duration attemptTimeout, Duration backoffMax, LeaseJournal journal,
                        Consumer<LeaseMachine> onGone) {
        this(attachment, LeaseContext.of(net, scheduler, clock, attemptTimeout, backoffMax).withJournal(journal),
                onGone);
    }

    /**
     * @param onGone told when the machine ended itself because the pod vanished without DEL
     */
    public LeaseMachine(Attachment attachment, LeaseContext context, Consumer<LeaseMachine> onGone) {
        this.attachment = attachment;
        this.context = context;
        this.net = context.transport();
        this.clock = context.clock();
        this.onGone = onGone;
        this.metrics = context.metrics();
        LeaseKey key = attachment.key();
        this.log = new AttachmentLog(LOG, key.containerId(), key.ifname(), key.networkName());
        this.listeners = List.of(new PodLink(attachment, net, log), new LeaseRecorder(attachment, context.journal(), log));
    }

    public Attachment attachment() {
        return attachment;
    }

    public synchronized State state() {
        return state;
    }

    /** The lease held (or last held, while it is being regained), or null before the first ACK. */
    public synchronized Binding binding() {
        return binding;
    }

    /** Why the lease is not usable, or "" when it is. */
    public synchronized String problem() {
        return problem;
    }

    /**
     * The lease as it is now, without waiting for an exchange in progress (for listings and metrics);
     * its parts are read one by one and may straddle a transition.
     */
    public LeaseView view() {
        return new LeaseView(attachment, state, binding, lost, problem);
    }

    /** Counts one more ADD answered with this lease; returns which hand-out it is (1: the first). */
    synchronized int handOut() {
        return ++handouts;
    }

    /** How many ADDs were answered with this lease. */
    synchronized int handouts() {
        return handouts;
    }

    /** Whether a stop() ended this machine. */
    public synchronized boolean stopped() {
        return stopped;
    }

    /** INIT → SELECTING → REQUESTING → BOUND while the ADD waits; back to INIT on failure. */
    public synchronized Binding start(Instant deadline) throws IOException, NoLeaseException {
        if (state != State.INIT || stopped) {
            throw new IllegalStateException("start() in state " + state + (stopped ? " (stopped)" : ""));
        }
        state = State.SELECTING;
        Binding acquired;
        try {
            acquired = exchange(() -> net.acquire(attachment, null, deadline));
        } catch (AttachmentGoneException e) {
            state = State.INIT;
            throw e;
        } catch (IOException | NoLeaseException | RuntimeException e) {
            state = State.INIT;
            if (!stopping) {
                acquisitionFailed(e);
            }
            throw e;
        }
        metrics.added(clock.instant(), attachment.key().networkName());
        try {
            for (LeaseListener listener : listeners) {
                listener.acquired(attachment, acquired); // the record is durable before the ADD is answered
            }
        } catch (IOException e) {
            state = State.INIT;
            try {
                net.release(attachment, acquired, attachment.runtimeNetns());
            } catch (IOException | RuntimeException releaseFailure) {
                log.warning("cannot release " + acquired.lease().cidr() + " either: " + describe(releaseFailure));
            }
            throw new NotRecordedException("the lease of " + acquired.lease().cidr() + " could not be recorded ("
                    + e.getMessage() + "); it was released, as it would not survive a daemon restart", e);
        }
        enterBound(acquired, "acquired", false);
        return acquired;
    }

    /**
     * Takes up a lease recorded before a daemon restart where the clock says it is: BOUND before T1,
     * RENEWING before T2, REBINDING before expiry, INIT-REBOOT after. The first attempt of a lease
     * past T1 is spread over up to a quarter of the time left to its next boundary (at most
     * {@link RetryPolicy#RESUME_SPREAD_MAX}), so that hundreds of leases resumed together do not fire at one
     * instant. A pod whose namespace or interface is gone has its lease released and the machine ends.
     *
     * @param recorded the recorded lease, its times already on the lease timeline
     */
    public synchronized void resume(Binding recorded) {
        if (state != State.INIT || binding != null || stopped) {
            throw new IllegalStateException("resume() in state " + state);
        }
        binding = recorded;
        Lease lease = recorded.lease();
        podAddress = lease.address();
        try {
            net.interfaceAddress(attachment);
        } catch (AttachmentGoneException e) {
            vanished(e);
            return;
        } catch (IOException | RuntimeException e) {
            log.warning("cannot look at the pod's interface (" + describe(e) + "); resuming anyway");
        }
        Instant now = clock.instant();
        Instant first;
        if (now.isBefore(lease.renewAt())) {
            state = State.BOUND;
            first = lease.renewAt();
            schedule(first, this::renewalTimeReached);
        } else if (now.isBefore(lease.rebindAt())) {
            state = State.RENEWING;
            first = spread(now, lease.rebindAt());
            schedule(first, this::renewAttempt);
        } else if (now.isBefore(lease.expiresAt())) {
            state = State.REBINDING;
            first = spread(now, lease.expiresAt());
            schedule(first, this::rebindAttempt);
        } else {
            state = State.REBINDING;
            first = now;
            schedule(first, null, this::expired);
        }
        log.info("resumed " + lease.cidr() + " in state " + state + " (expires in "
                + Duration.between(now, lease.expiresAt()).toSeconds() + " s; next step in "
                + Duration.between(now, first).toMillis() + " ms)");
    }

    private Instant spread(Instant now, Instant boundary) {
        return RetryPolicy.spread(now, boundary, context.random());
    }

    /** The pod's namespace or interface vanished without DEL: release from the runtime's namespace, end. */
    private void vanished(AttachmentGoneException why) {
        log.warning("the pod is gone without DEL (" + why.getMessage() + "); releasing and forgetting its lease");
        stopped = true;
        cancelTimer();
        if (binding != null && !lost && !attachment.releaseOnDel()) {
            log.info(keptLine(binding));
        } else if (binding != null && !lost) {
            try {
                String from = net.release(attachment, binding, attachment.runtimeNetns());
                log.info("released " + binding.lease().address().getHostAddress() + " (sent from " + from + ")");
            } catch (IOException | RuntimeException e) {
                log.warning("cannot release " + binding.lease().address().getHostAddress() + ": "
                        + describe(e) + "; the server reclaims it when the lease expires");
            }
        }
        ended();
        onGone.accept(this);
    }

    /** T1: BOUND → RENEWING, and the first unicast REQUEST. */
    public synchronized void renewalTimeReached() {
        if (state != State.BOUND || stopped) {
            return;
        }
        state = State.RENEWING;
        renewAttempt();
    }

    /** RENEWING: one REQUEST unicast to the server; retried at half the time left to T2. */
    public synchronized void renewAttempt() {
        if (state != State.RENEWING || stopped) {
            return;
        }
        extendAttempt(binding.lease().rebindAt(), net::renew, "renewed", this::renewAttempt, this::rebindingTimeReached);
    }

    /** One exchange of RENEWING or REBINDING: the transport call that extends a lease held. */
    private interface Extension {
        Lease extend(Attachment attachment, Binding binding, Instant deadline) throws IOException, NoLeaseException;
    }

    /**
     * Runs one RENEWING or REBINDING exchange before {@code boundary} (T2 or expiry): an ACK binds
     * again, a NAK loses the lease, silence schedules {@code again} at half the time left, or
     * {@code atBoundary} when the boundary comes first.
     */
    private void extendAttempt(Instant boundary, Extension extension, String how, Runnable again, Runnable atBoundary) {
        Instant started = clock.instant();
        if (!started.isBefore(boundary)) {
            atBoundary.run();
            return;
        }
        Binding held = binding;
        try {
            Lease extended = exchange(() -> extension.extend(attachment, held,
                    earliest(started.plus(context.attemptTimeout()), boundary)));
            metrics.renewed();
            enterBound(new Binding(held.identity(), extended), how, true);
        } catch (AttachmentGoneException e) {
            vanished(e);
        } catch (NoLeaseException e) {
            if (stopping) {
                return;
            }
            metrics.renewalFailed();
            if (e.nak()) {
                metrics.nakOf(attachment.key().networkName());
                lost(e.getMessage(), State.INIT);
            } else {
                retryBefore(boundary, again, atBoundary, e.getMessage());
            }
        } catch (IOException | RuntimeException e) {
            if (stopping) {
                return; // DEL cut the exchange short; stop() takes over
            }
            metrics.renewalFailed();
            retryBefore(boundary, again, atBoundary, describe(e));
        }
    }

    /** T2: RENEWING → REBINDING, and the first broadcast REQUEST. */
    public synchronized void rebindingTimeReached() {
        if ((state != State.BOUND && state != State.RENEWING) || stopped) {
            return;
        }
        log.warning("no answer from server " + binding.lease().serverId().getHostAddress()
                + " until T2; rebinding " + binding.lease().cidr() + " with any server");
        state = State.REBINDING;
        rebindAttempt();
    }

    /** REBINDING: one broadcast REQUEST; retried at half the time left to expiry. */
    public synchronized void rebindAttempt() {
        if (state != State.REBINDING || stopped) {
            return;
        }
        extendAttempt(binding.lease().expiresAt(), net::rebind, "rebound", this::rebindAttempt, this::expired);
    }

    /** Expiry without renewal: the pod must stop using the address; INIT-REBOOT for it. */
    public synchronized void expired() {
        if ((state != State.BOUND && state != State.RENEWING && state != State.REBINDING) || stopped) {
            return;
        }
        lost("lease expired without renewal", State.INIT_REBOOT);
    }

    /** INIT-REBOOT: REQUEST the lost address again; a NAK or silence goes on to INIT. */
    public synchronized void rebootAttempt() {
        if (state != State.INIT_REBOOT || stopped) {
            return;
        }
        Binding held = binding;
        try {
            notifyRegaining();
            Lease regained = exchange(() -> net.reboot(attachment, held, clock.instant().plus(context.attemptTimeout())));
            metrics.acquired();
            enterBound(new Binding(held.identity(), regained), "regained (INIT-REBOOT)", true);
        } catch (AttachmentGoneException e) {
            vanished(e);
        } catch (NoLeaseException | IOException | RuntimeException e) {
            if (stopping) {
                return;
            }
            state = State.INIT;
            if (e instanceof NoLeaseException refused && refused.nak()) {
                metrics.nakOf(attachment.key().networkName());
            }
            acquisitionFailed(e);
            log.warning("INIT-REBOOT for " + held.lease().address().getHostAddress() + " failed: " + describe(e)
                    + "; asking with DHCPDISCOVER");
            discoverAttempt();
        }
    }

    /** INIT after a loss: DISCOVER asking for the lost address (option 50); backs off while none comes. */
    public synchronized void discoverAttempt() {
        if (state != State.INIT || stopped || !lost) {
            return;
        }
        try {
            notifyRegaining();
            Binding acquired = exchange(() -> net.acquire(attachment, podAddress,
                    clock.instant().plus(context.attemptTimeout())));
            metrics.acquired();
            enterBound(acquired, "acquired again", true);
        } catch (AttachmentGoneException e) {
            vanished(e);
        } catch (NoLeaseException | IOException | RuntimeException e) {
            if (stopping) {
                return;
            }
            acquisitionFailed(e);
            for (LeaseListener listener : listeners) {
                listener.regainFailed();
            }
            Instant next = clock.instant().plus(backoff);
            log.warning("still no lease for " + podAddress.getHostAddress() + " (" + describe(e)
                    + "); link stays down; next attempt in " + backoff.toSeconds() + " s");
            backoff = RetryPolicy.nextBackoff(backoff, context.backoffMax());
            schedule(next, null, this::discoverAttempt);
        }
    }

    /**
     * The pod of this lease is gone without DEL (its namespace or interface vanished): then ends the
     * machine as a renewal that found it gone would (released, or kept at the server when
     * {@link Attachment#releaseOnDel()} is false). For an ADD that wants this lease's client
     * identifier. Waits behind an exchange in progress.
     *
     * @return whether the machine ended (or had ended) here
     */
    public synchronized boolean endIfGone() {
        if (stopped) {
            return true;
        }
        try {
            net.interfaceAddress(attachment);
            return false;
        } catch (AttachmentGoneException e) {
            vanished(e);
            return true;
        } catch (IOException | RuntimeException e) {
            log.warning("cannot look at the pod's interface (" + describe(e) + "); taken as alive");
            return false;
        }
    }

    /** How the log says that a lease was forgotten without DHCPRELEASE (releaseOnDel false). */
    String keptLine(Binding held) {
        Lease lease = held.lease();
        long left = Math.max(0, Duration.between(clock.instant(), lease.expiresAt()).toSeconds());
        return "forgot " + lease.address().getHostAddress() + " without DHCPRELEASE (releaseOnDel false): kept at"
                + " the server until " + Instant.now().plusSeconds(left).truncatedTo(ChronoUnit.SECONDS)
                + " (expires in " + left + " s), for client id " + HexFormat.of().formatHex(attachment.clientId());
    }

    /**
     * DEL: cuts an exchange in progress short, stops the timers and releases the lease at its server
     * when one is held, unless {@link Attachment#releaseOnDel()} is false (then the lease is only
     * forgotten).
     *
     * @return where the release left from, or null when nothing was sent (no lease held, or kept)
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
                return net.release(attachment, binding, runtimeNetns != null ? runtimeNetns : attachment.runtimeNetns());
            } finally {
                ended();
            }
        }
    }

    /**
     * CHECK: the lease is held, names {@code expected} (the address of prevResult, or null to skip),
     * and the pod's interface carries it. Does not wait behind an exchange in progress.
     */
    public void check(Inet4Address expected) throws CheckFailedException {
        LeaseCheck.check(view(), net, expected);
    }

    /** An exchange that DEL may cut short. */
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

    /**
     * BOUND with {@code acquired}; {@code notify}: tell the listeners (the first lease of an ADD was
     * already told through {@link LeaseListener#acquired}).
     */
    private void enterBound(Binding acquired, String how, boolean notify) {
        Lease lease = acquired.lease();
        boolean regained = lost;
        binding = acquired;
        state = State.BOUND;
        lost = false;
        backoff = RetryPolicy.FIRST_BACKOFF;
        if (podAddress == null) {
            podAddress = lease.address();
        }
        problem = lease.address().equals(podAddress) ? ""
                : "the server gave " + lease.cidr() + " but the pod's interface has " + podAddress.getHostAddress();
        if (notify) { // the effects first (link, record), so that the log lines below describe what is done
            for (LeaseListener listener : listeners) {
                listener.bound(acquired, how, regained, problem);
            }
        }
        log.info(how + " " + lease.cidr() + " from server " + lease.serverId().getHostAddress()
                + " for " + lease.leaseTime().toSeconds() + " s (mac " + acquired.identity().macText() + ", renew in "
                + Duration.between(clock.instant(), lease.renewAt()).toSeconds() + " s)");
        if (!problem.isEmpty()) {
            log.severe("ADDRESS CHANGED: " + problem + ". Link left DOWN; recreate the pod"
                    + " (CHECK fails until then)");
        }
        schedule(lease.renewAt(), this::renewalTimeReached);
    }

    private void notifyRegaining() {
        for (LeaseListener listener : listeners) {
            listener.regaining(binding.lease());
        }
    }

    private void lost(String why, State next) {
        Lease lease = binding.lease();
        problem = why;
        lost = true;
        log.severe("LOST " + lease.cidr() + " (" + why + "); setting " + attachment.key().ifname()
                + " down so the pod stops using it; trying to get " + podAddress.getHostAddress() + " back");
        for (LeaseListener listener : listeners) {
            listener.lost(lease, why);
        }
        state = next;
        backoff = RetryPolicy.FIRST_BACKOFF;
        if (next == State.INIT_REBOOT) {
            rebootAttempt();
        } else {
            discoverAttempt();
        }
    }

    private void ended() {
        for (LeaseListener listener : listeners) {
            listener.ended(attachment.key());
        }
    }

    /** The next attempt as {@link RetryPolicy#nextAttempt} says, or the boundary's own step. */
    private void retryBefore(Instant boundary, Runnable again, Runnable atBoundary, String why) {
        Instant now = clock.instant();
        Instant next = RetryPolicy.nextAttempt(now, boundary, binding.lease());
        if (next == null) {
            log.warning(state + " attempt failed: " + why + "; next step at " + boundary);
            schedule(boundary, atBoundary);
        } else {
            log.warning(state + " attempt failed: " + why + "; retrying in " + Duration.between(now, next).toSeconds()
                    + " s");
            schedule(next, again);
        }
    }

    /**
     * A timer of a lease held: one due before the lease's expiry has the expiry as its deadline; the
     * expiry step itself (due at or after it) has none.
     */
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
                log.log(Level.SEVERE, "unexpected failure in a lease timer; trying again in "
                        + SAFETY_RETRY.toSeconds() + " s", e);
                safetyRetry();
            }
        });
    }

    /** After a bug in a transition: the lease must not be left without a timer. */
    private synchronized void safetyRetry() {
        if (stopped || binding == null) {
            return;
        }
        Runnable next = switch (state) {
            case BOUND -> this::renewalTimeReached;
            case RENEWING -> this::renewAttempt;
            case REBINDING -> this::rebindAttempt;
            case INIT_REBOOT -> this::rebootAttempt;
            default -> this::discoverAttempt;
        };
        schedule(clock.instant().plus(SAFETY_RETRY), null, next);
    }

    private void cancelTimer() {
        if (timer != null) {
            timer.cancel();
            timer = null;
        }
    }

    private void acquisitionFailed(Exception e) {
        metrics.acquisitionFailed(clock.instant(), attachment.key().networkName(), key(), describe(e),
                e instanceof NoLeaseException refused && refused.noOffer());
    }

    private String key() {
        return attachment.key().toString();
    }

    static String describe(Throwable e) {
        return e.getMessage() == null ? e.toString() : e.getMessage();
    }

    private static Instant earliest(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }
}
