package dev.cnidhcp.daemon.lease;

import dev.cnidhcp.daemon.dhcp.Lease;
import dev.cnidhcp.daemon.dhcp.NoLeaseException;
import dev.cnidhcp.daemon.log.AttachmentLog;
import dev.cnidhcp.daemon.time.Scheduler;

import java.io.IOException;
import java.net.Inet4Address;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Consumer;
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
 * <p>The timer, the exchange that DEL cuts short, the retries before T2 and expiry and the back-off
 * are those of {@link AbstractLeaseMachine}, which the DHCPv6 machine shares.
 *
 * <p>Threads: every transition is synchronized on the machine, so transitions of one lease never
 * overlap; different leases run in parallel on the scheduler's workers. {@link #stop} (DEL) first
 * cancels an exchange in progress ({@link InFlight}), so it never waits behind a silent server.
 * Only {@link #view()} does not take the lock: listings and metrics must not stall behind an exchange.
 */
public final class LeaseMachine extends AbstractLeaseMachine<LeaseMachine.State, Binding, Lease> {
    /** The client states of RFC 2131 figure 5. */
    public enum State {
        INIT, SELECTING, REQUESTING, BOUND, RENEWING, REBINDING, INIT_REBOOT;

        /** How listings and metrics name the state: {@code bound}, {@code init-reboot}. */
        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }
    }

    private static final Logger LOG = Logger.getLogger(LeaseMachine.class.getName());
    private static final States<State> STATES = new States<>(State.INIT, State.BOUND, State.RENEWING, State.REBINDING);
    private static final LeaseKind<Binding, Lease> KIND = new LeaseKind<>("lease", "the lease expires",
            Binding::lease, (held, lease) -> new Binding(held.identity(), lease), Lease::rebindAt, Lease::expiresAt,
            Lease::leaseTime, Lease::cidr, lease -> lease.address().getHostAddress());

    private final LeaseTransport net;
    private final Consumer<LeaseMachine> onGone;
    private final LeaseEvents events;
    private final List<LeaseListener> listeners;

    /** The address the pod's interface was configured with at ADD: the one worth regaining. */
    private Inet4Address podAddress;

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
        this(attachment, context, onGone, new LeaseEvents(context, attachment.key()));
    }

    private LeaseMachine(Attachment attachment, LeaseContext context, Consumer<LeaseMachine> onGone,
                         LeaseEvents events) {
        super(attachment, context, logOf(attachment), STATES, KIND, events);
        this.net = context.transport();
        this.onGone = onGone;
        this.events = events;
        this.listeners = List.of(new PodLink(attachment, net, log), new LeaseRecorder(attachment, context.journal(), log));
    }

    private static AttachmentLog logOf(Attachment attachment) {
        LeaseKey key = attachment.key();
        return new AttachmentLog(LOG, key.containerId(), key.ifname(), key.networkName());
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

    /** INIT → SELECTING → REQUESTING → BOUND while the ADD waits; back to INIT on failure. */
    public synchronized Binding start(Instant deadline) throws IOException, NoLeaseException {
        return acquireFirst(State.SELECTING, () -> net.acquire(attachment, null, deadline));
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
        Lease lease = recorded.lease();
        if (!takeUp(recorded)) {
            return;
        }
        podAddress = lease.address();
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

    /** Expiry without renewal: the pod must stop using the address; INIT-REBOOT for it. */
    @Override
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
            regaining();
            Lease regained = exchange(() -> net.reboot(attachment, held, attemptDeadline()));
            events.regained();
            enterBound(new Binding(held.identity(), regained), "regained (INIT-REBOOT)", true);
        } catch (AttachmentGoneException e) {
            vanished(e);
        } catch (NoLeaseException | IOException | RuntimeException e) {
            if (stopping) {
                return;
            }
            state = State.INIT;
            if (e instanceof NoLeaseException refused && refused.nak()) {
                events.refused();
            }
            events.acquisitionFailed(e);
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
        acquireAgain(() -> net.acquire(attachment, podAddress, attemptDeadline()), e -> {
            for (LeaseListener listener : listeners) {
                listener.regainFailed();
            }
            backOff("still no lease for " + podAddress.getHostAddress() + " (" + describe(e) + "); link stays down",
                    this::discoverAttempt);
        });
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
     * CHECK: the lease is held, names {@code expected} (the address of prevResult, or null to skip),
     * and the pod's interface carries it. Does not wait behind an exchange in progress.
     */
    public void check(Inet4Address expected) throws CheckFailedException {
        LeaseCheck.check(view(), net, expected);
    }

    @Override
    void enterBound(Binding acquired, String how, boolean notify) {
        boolean regained = bindTo(acquired);
        Lease lease = acquired.lease();
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

    @Override
    void regaining() {
        for (LeaseListener listener : listeners) {
            listener.regaining(binding.lease());
        }
    }

    @Override
    void refused(String why) {
        events.refused();
        lost(why, State.INIT);
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

    @Override
    void record(Binding acquired) throws IOException {
        for (LeaseListener listener : listeners) {
            listener.acquired(attachment, acquired);
        }
    }

    @Override
    String release(Binding held, Path fallbackNetns) throws IOException {
        return net.release(attachment, held, fallbackNetns);
    }

    @Override
    void lookAtInterface() throws IOException {
        net.interfaceAddress(attachment);
    }

    @Override
    void kept(Binding held) {
        log.info(keptLine(held));
    }

    @Override
    void ended() {
        for (LeaseListener listener : listeners) {
            listener.ended(attachment.key());
        }
    }

    @Override
    void tellGone() {
        onGone.accept(this);
    }

    @Override
    Runnable stepOf(State current) {
        return switch (current) {
            case BOUND -> this::renewalTimeReached;
            case RENEWING -> this::renewAttempt;
            case REBINDING -> this::rebindAttempt;
            case INIT_REBOOT -> this::rebootAttempt;
            default -> this::discoverAttempt;
        };
    }

    @Override
    String attemptName() {
        return state.toString();
    }

    @Override
    String rebindingLine() {
        return "no answer from server " + binding.lease().serverId().getHostAddress()
                + " until T2; rebinding " + binding.lease().cidr() + " with any server";
    }

    /** RENEWING: a REQUEST unicast to the lease's server. */
    @Override
    Lease renew(Binding held, Instant deadline) throws IOException, NoLeaseException {
        return net.renew(attachment, held, deadline);
    }

    /** REBINDING: a REQUEST with ciaddr, broadcast to any server. */
    @Override
    Lease rebind(Binding held, Instant deadline) throws IOException, NoLeaseException {
        return net.rebind(attachment, held, deadline);
    }
}
