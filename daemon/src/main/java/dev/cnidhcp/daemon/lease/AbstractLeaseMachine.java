package dev.cnidhcp.daemon.lease;

import dev.cnidhcp.daemon.dhcp.NoLeaseException;
import dev.cnidhcp.daemon.log.AttachmentLog;
import dev.cnidhcp.daemon.time.Scheduler;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.logging.Level;

/**
 * What the DHCPv4 ({@link LeaseMachine}) and the DHCPv6 ({@link Lease6Machine}) lease machines do
 * alike, apart from their protocols: the one lifecycle timer on the {@link Scheduler} (each carrying
 * the lease's expiry as its deadline, with a safety retry when a transition fails unexpectedly), the
 * exchange in progress that DEL cuts short ({@link InFlight}), the first acquisition whose lease is
 * recorded or released, the renewal cycle (T1: RENEWING, T2: REBINDING, each attempt retried at half
 * the time left to its boundary), the new acquisition and its back-off while a lost lease is
 * regained, and the two ends of a machine: DEL ({@link #stop}) and a pod gone without DEL.
 *
 * <p>Each machine keeps its own states ({@link States} names those the cycle goes through), transport
 * calls, log wording, counters ({@link LeaseCounter}) and recorder; what the skeleton needs of its
 * lease types is its {@link LeaseKind}, the rest are the hooks below (the abstract methods).
 *
 * <p>Threads: the fields are written under the machine's lock (this object): the subclass's
 * transitions are synchronized, and every method here that is not is called from one of them, but
 * {@link #stop}, which takes the lock after it cut the exchange short. The volatile fields are also
 * read without the lock, by the subclass's {@code view()}.
 *
 * @param <S> the machine's states
 * @param <B> a lease together with the identity it was granted to
 * @param <L> the lease itself, as the server gave it
 */
abstract class AbstractLeaseMachine<S extends Enum<S>, B, L> {
    /** How soon a lease whose transition failed unexpectedly tries again. */
    static final Duration SAFETY_RETRY = Duration.ofSeconds(5);

    /**
     * The states of a machine that the skeleton moves it through.
     *
     * @param initial   before the first lease, and after an ADD that failed
     * @param bound     a lease held, before T1
     * @param renewing  between T1 and T2: extending the lease with its server
     * @param rebinding between T2 and expiry: extending it with any server
     */
    record States<S extends Enum<S>>(S initial, S bound, S renewing, S rebinding) {
        States {
            Objects.requireNonNull(initial, "initial");
            Objects.requireNonNull(bound, "bound");
            Objects.requireNonNull(renewing, "renewing");
            Objects.requireNonNull(rebinding, "rebinding");
        }
    }

    final Attachment attachment;
    final LeaseContext context;
    final Clock clock;
    final AttachmentLog log;
    private final States<S> states;
    private final LeaseKind<B, L> kind;
    private final LeaseCounter counter;
    private final InFlight inFlight = new InFlight();

    // Written under the machine's lock; volatile for view(), which reads them without it.
    volatile S state;
    volatile B binding;
    /** Whether the lease is lost (expired or refused) and being regained. */
    volatile boolean lost;
    /** Why the lease is not usable, or "" when it is. */
    volatile String problem = "";
    boolean stopped;
    /** Set by stop() before it waits for the lock: an exchange that fails now was cut short by DEL. */
    volatile boolean stopping;
    Duration backoff = RetryPolicy.FIRST_BACKOFF;
    private Scheduler.Cancellable timer;
    /** How many ADDs this lease was handed out to (the one that obtained it, and retries that found it). */
    private int handouts;

    AbstractLeaseMachine(Attachment attachment, LeaseContext context, AttachmentLog log, States<S> states,
                         LeaseKind<B, L> kind, LeaseCounter counter) {
        this.attachment = attachment;
        this.context = context;
        this.clock = context.clock();
        this.log = log;
        this.states = states;
        this.kind = kind;
        this.counter = counter;
        this.state = states.initial();
    }

    // ---- the hooks: each machine's transport calls, log wording, recorder ----

    /** RENEWING's exchange: to the lease's server. */
    abstract L renew(B held, Instant deadline) throws IOException, NoLeaseException;

    /** REBINDING's exchange: to any server. */
    abstract L rebind(B held, Instant deadline) throws IOException, NoLeaseException;

    /** Expiry without renewal (also a recorded lease resumed after it): the lease is lost. */
    public abstract void expired();

    /** What the log says at T2, before the first REBINDING attempt. */
    abstract String rebindingLine();

    /** How a failed RENEWING or REBINDING attempt is named in the log, for the current state. */
    abstract String attemptName();

    /** The transition a timer of {@code current} runs, for the safety retry. */
    abstract Runnable stepOf(S current);

    /** Looks at the pod's interface; {@link AttachmentGoneException} when the pod is gone. */
    abstract void lookAtInterface() throws IOException;

    /** Sends the release of {@code held}; returns where it left from. */
    abstract String release(B held, Path fallbackNetns) throws IOException;

    /** Makes the first lease of an ADD durable; the ADD fails (and the lease is released) when it throws. */
    abstract void record(B acquired) throws IOException;

    /** BOUND with {@code acquired}; {@code notify}: tell the listeners, which the first lease of an ADD told already. */
    abstract void enterBound(B acquired, String how, boolean notify);

    /** A server refused the lease held in RENEWING or REBINDING. */
    abstract void refused(String why);

    /** The machine ended: nothing of the lease is kept. */
    abstract void ended();

    /** Tells the owner that the machine ended itself because the pod vanished without DEL. */
    abstract void tellGone();

    /** Before each attempt to get a lost lease back. */
    void regaining() {
    }

    /** The pod vanished while a lease is held that is kept at the server ({@link Attachment#releaseOnDel()} false). */
    void kept(B held) {
    }

    // ---- what both machines do alike ----

    public Attachment attachment() {
        return attachment;
    }

    public synchronized S state() {
        return state;
    }

    /** The lease held (or last held, while it is being regained), or null before the first one. */
    public synchronized B binding() {
        return binding;
    }

    /** Counts one more ADD answered with this lease; returns which hand-out it is (1: the first). */
    synchronized int handOut() {
        return ++handouts;
    }

    /** How many ADDs were answered with this lease. */
    synchronized int handouts() {
        return handouts;
    }

    /** Whether a stop() (or the pod gone) ended this machine. */
    public synchronized boolean stopped() {
        return stopped;
    }

    /** The lease held (or last held). */
    private L lease() {
        return kind.lease().apply(binding);
    }

    /** T1: BOUND → RENEWING, and the first renewal. */
    public synchronized void renewalTimeReached() {
        if (state != states.bound() || stopped) {
            return;
        }
        state = states.renewing();
        renewAttempt();
    }

    /** RENEWING: one exchange with the lease's server; retried at half the time left to T2. */
    public synchronized void renewAttempt() {
        if (state != states.renewing() || stopped) {
            return;
        }
        extendAttempt(kind.rebindAt().apply(lease()), this::renew, "renewed", this::renewAttempt,
                this::rebindingTimeReached);
    }

    /** T2: RENEWING → REBINDING, and the first exchange with any server. */
    public synchronized void rebindingTimeReached() {
        if ((state != states.bound() && state != states.renewing()) || stopped) {
            return;
        }
        log.warning(rebindingLine());
        state = states.rebinding();
        rebindAttempt();
    }

    /** REBINDING: one exchange with any server; retried at half the time left to expiry. */
    public synchronized void rebindAttempt() {
        if (state != states.rebinding() || stopped) {
            return;
        }
        extendAttempt(kind.expiresAt().apply(lease()), this::rebind, "rebound", this::rebindAttempt, this::expired);
    }

    /**
     * The bookkeeping of BOUND with {@code acquired}, for {@link #enterBound}: the lease held, not
     * lost, the back-off from the start.
     *
     * @return whether this ends a loss (the lease was regained)
     */
    final boolean bindTo(B acquired) {
        boolean regained = lost;
        binding = acquired;
        state = states.bound();
        lost = false;
        backoff = RetryPolicy.FIRST_BACKOFF;
        return regained;
    }

    /**
     * After a loss: one new acquisition ({@code acquire}, asking for the lost address); when it gets
     * none, {@code failed} is told why, to schedule the next ({@link #backOff}).
     */
    final void acquireAgain(Call<B> acquire, Consumer<Exception> failed) {
        try {
            regaining();
            B acquired = exchange(acquire);
            counter.regained();
            enterBound(acquired, "acquired again", true);
        } catch (AttachmentGoneException e) {
            vanished(e);
        } catch (NoLeaseException | IOException | RuntimeException e) {
            if (stopping) {
                return;
            }
            counter.acquisitionFailed(e);
            failed.accept(e);
        }
    }

    /**
     * The first lease of an ADD, in {@code acquiring} until it comes, back to the initial state on
     * failure; it is recorded before this returns, and one that cannot be is released and refused
     * ({@link NotRecordedException}).
     */
    final B acquireFirst(S acquiring, Call<B> acquire) throws IOException, NoLeaseException {
        if (state != states.initial() || stopped) {
            throw new IllegalStateException("start() in state " + state + (stopped ? " (stopped)" : ""));
        }
        state = acquiring;
        B acquired;
        try {
            acquired = exchange(acquire);
        } catch (IOException | NoLeaseException | RuntimeException e) {
            state = states.initial();
            if (!stopping && !(e instanceof AttachmentGoneException)) {
                counter.acquisitionFailed(e);
            }
            throw e;
        }
        counter.acquired();
        try {
            record(acquired); // the record is durable before the ADD is answered
        } catch (IOException e) {
            state = states.initial();
            String cidr = kind.cidr().apply(kind.lease().apply(acquired));
            try {
                release(acquired, attachment.runtimeNetns());
            } catch (IOException | RuntimeException releaseFailure) {
                log.warning("cannot release " + cidr + " either: " + describe(releaseFailure));
            }
            throw new NotRecordedException("the " + kind.name() + " of " + cidr + " could not be recorded ("
                    + e.getMessage() + "); it was released, as it would not survive a daemon restart", e);
        }
        enterBound(acquired, "acquired", false);
        return acquired;
    }

    /**
     * The first step of resume(): takes up {@code recorded} and looks at the pod's interface.
     *
     * @return false when the pod is gone (the machine ended), true to go on resuming
     */
    final boolean takeUp(B recorded) {
        if (state != states.initial() || binding != null || stopped) {
            throw new IllegalStateException("resume() in state " + state);
        }
        binding = recorded;
        try {
            lookAtInterface();
        } catch (AttachmentGoneException e) {
            vanished(e);
            return false;
        } catch (IOException | RuntimeException e) {
            log.warning("cannot look at the pod's interface (" + describe(e) + "); resuming anyway");
        }
        return true;
    }

    /**
     * Ends the machine when the pod of this lease is gone without DEL (its namespace or interface
     * vanished), as a renewal that found it gone would: released, or kept at the server when
     * {@link Attachment#releaseOnDel()} is false. For an ADD that wants this lease's client
     * identifier. Waits behind an exchange in progress.
     *
     * @return whether the machine ended (or had ended) here
     */
    public synchronized boolean endIfGone() {
        if (stopped) {
            return true;
        }
        try {
            lookAtInterface();
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
     * DEL: cuts an exchange in progress short, stops the timers and releases the lease at its server
     * when one is held, unless {@link Attachment#releaseOnDel()} is false (then the lease is only
     * forgotten).
     *
     * @param runtimeNetns where the release leaves from when the pod's interface is gone (null: the
     *                     attachment's)
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
                return release(binding, runtimeNetns != null ? runtimeNetns : attachment.runtimeNetns());
            } finally {
                ended();
            }
        }
    }

    /** The pod's namespace or interface vanished without DEL: release from the runtime's namespace, end. */
    final void vanished(AttachmentGoneException why) {
        log.warning("the pod is gone without DEL (" + why.getMessage() + "); releasing and forgetting its " + kind.name());
        stopped = true;
        cancelTimer();
        if (binding != null && !lost && !attachment.releaseOnDel()) {
            kept(binding);
        } else if (binding != null && !lost) {
            String address = kind.address().apply(kind.lease().apply(binding));
            try {
                String from = release(binding, attachment.runtimeNetns());
                log.info("released " + address + " (sent from " + from + ")");
            } catch (IOException | RuntimeException e) {
                log.warning("cannot release " + address + ": " + describe(e) + "; the server reclaims it when "
                        + kind.reclaimedWhen());
            }
        }
        ended();
        tellGone();
    }

    /** An exchange that DEL may cut short. */
    interface Call<T> {
        T run() throws IOException, NoLeaseException;
    }

    /** Runs {@code call} as the exchange in progress, which {@link #stop} interrupts. */
    final <T> T exchange(Call<T> call) throws IOException, NoLeaseException {
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

    /** The deadline of one background exchange that starts now. */
    final Instant attemptDeadline() {
        return clock.instant().plus(context.attemptTimeout());
    }

    /** One exchange of RENEWING or REBINDING: the transport call that extends a lease held. */
    interface Extension<H, E> {
        E extend(H held, Instant deadline) throws IOException, NoLeaseException;
    }

    /**
     * One RENEWING or REBINDING exchange before {@code boundary} (T2 or expiry): an answer binds
     * again, a refusal loses the lease ({@link #refused}), silence schedules {@code again} at half the
     * time left, or {@code atBoundary} when the boundary comes first.
     */
    private void extendAttempt(Instant boundary, Extension<B, L> extension, String how, Runnable again,
                              Runnable atBoundary) {
        if (!clock.instant().isBefore(boundary)) {
            atBoundary.run();
            return;
        }
        extend(boundary, extension, how, this::refused, why -> retryBefore(boundary, again, atBoundary, why));
    }

    /**
     * One exchange that extends the lease held, its deadline at most {@code boundary}: an answer
     * binds again ({@code how} for the log), a refusal goes to {@code refusedWith}, silence or a
     * failure to {@code unanswered}, each with why; the pod gone ends the machine; after an exchange
     * that DEL cut short, nothing.
     */
    final void extend(Instant boundary, Extension<B, L> extension, String how, Consumer<String> refusedWith,
                      Consumer<String> unanswered) {
        Instant started = clock.instant();
        B held = binding;
        try {
            L extended = exchange(() -> extension.extend(held,
                    earliest(started.plus(context.attemptTimeout()), boundary)));
            counter.renewed();
            enterBound(kind.withLease().apply(held, extended), how, true);
        } catch (AttachmentGoneException e) {
            vanished(e);
        } catch (NoLeaseException e) {
            if (stopping) {
                return;
            }
            counter.renewalFailed();
            if (e.nak()) {
                refusedWith.accept(e.getMessage());
            } else {
                unanswered.accept(e.getMessage());
            }
        } catch (IOException | RuntimeException e) {
            if (stopping) {
                return; // DEL cut the exchange short; stop() takes over
            }
            counter.renewalFailed();
            unanswered.accept(describe(e));
        }
    }

    /** The next attempt as {@link RetryPolicy#nextAttempt} says, or the boundary's own step. */
    final void retryBefore(Instant boundary, Runnable again, Runnable atBoundary, String why) {
        Instant now = clock.instant();
        Instant next = RetryPolicy.nextAttempt(now, boundary, kind.lifetime().apply(lease()));
        if (next == null) {
            log.warning(attemptName() + " attempt failed: " + why + "; next step at " + boundary);
            schedule(boundary, atBoundary);
        } else {
            log.warning(attemptName() + " attempt failed: " + why + "; retrying in "
                    + Duration.between(now, next).toSeconds() + " s");
            schedule(next, again);
        }
    }

    /**
     * After a failed attempt to regain a lost lease: logs {@code line} with when the next one comes,
     * and schedules {@code again} after the back-off, which doubles up to {@code -resendmax}.
     */
    final void backOff(String line, Runnable again) {
        Instant next = clock.instant().plus(backoff);
        log.warning(line + "; next attempt in " + backoff.toSeconds() + " s");
        backoff = RetryPolicy.nextBackoff(backoff, context.backoffMax());
        schedule(next, null, again);
    }

    /**
     * A timer of a lease held: one due before the lease's expiry has the expiry as its deadline; the
     * expiry step itself (due at or after it) has none.
     */
    final void schedule(Instant when, Runnable transition) {
        Instant expiry = kind.expiresAt().apply(lease());
        schedule(when, when.isBefore(expiry) ? expiry : null, transition);
    }

    /** The lease's one timer, replacing the one before; a transition that throws is tried again. */
    final void schedule(Instant when, Instant deadline, Runnable transition) {
        cancelTimer();
        timer = context.scheduler().at(when, deadline, () -> {
            try {
                transition.run();
            } catch (RuntimeException e) {
                log.log(Level.SEVERE, "unexpected failure in a " + kind.name() + " timer; trying again in "
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
        schedule(clock.instant().plus(SAFETY_RETRY), null, stepOf(state));
    }

    final void cancelTimer() {
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
