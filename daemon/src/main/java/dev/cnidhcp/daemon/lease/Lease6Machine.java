package dev.cnidhcp.daemon.lease;

import dev.cnidhcp.daemon.dhcp.NoLeaseException;
import dev.cnidhcp.daemon.dhcp6.Binding6;
import dev.cnidhcp.daemon.dhcp6.Dhcp6Options;
import dev.cnidhcp.daemon.dhcp6.Lease6;
import dev.cnidhcp.daemon.log.AttachmentLog;
import dev.cnidhcp.daemon.time.Scheduler;

import java.io.IOException;
import java.net.Inet6Address;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
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
 * <p>The timer, the exchange that DEL cuts short, the retries before T2 and the end of the valid
 * lifetime and the back-off are those of {@link AbstractLeaseMachine}, as for {@link LeaseMachine}.
 *
 * <p>Threads: as {@link LeaseMachine}: every transition is synchronized on the machine; {@link #stop}
 * (DEL) first cancels an exchange in progress ({@link InFlight}); only {@link #view()} does not take
 * the lock.
 */
public final class Lease6Machine extends AbstractLeaseMachine<Lease6Machine.State, Binding6, Lease6> {
    /** Where a DHCPv6 lease is. */
    public enum State {
        INIT, SOLICITING, BOUND, RENEWING, REBINDING, CONFIRMING;

        /** How listings and metrics name the state: {@code bound}, {@code confirming}. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private static final Logger LOG = Logger.getLogger(Lease6Machine.class.getName());
    private static final States<State> STATES = new States<>(State.INIT, State.BOUND, State.RENEWING, State.REBINDING);
    private static final LeaseKind<Binding6, Lease6> KIND = new LeaseKind<>("DHCPv6 lease", "its valid lifetime ends",
            Binding6::lease, Binding6::withLease, Lease6::rebindAt, Lease6::expiresAt, Lease6::validLifetime,
            Lease6::cidr, lease -> Dhcp6Options.text(lease.address()));

    private final Lease6Transport net;
    private final Consumer<Lease6Machine> onGone;
    private final Lease6Recorder recorder;
    private final Lease6Events events;

    /** How many times the kernel's verdict on the leased address is awaited while it is still tentative. */
    static final int DAD_LOOKS_MAX = 5;

    /** The address the pod was given at ADD: the one worth regaining. */
    private Inet6Address podAddress;
    /** When, after ADD, the kernel's verdict on the address is looked at ({@link #dadVerdictDue}); null: never. */
    private final Duration dadVerdictAfter;
    private Scheduler.Cancellable dadTimer;
    private int dadLooks;
    /** Set under the lock once the address was declined (never sought again); volatile for view(). */
    private volatile boolean declined;

    /**
     * @param onGone told when the machine ended itself because the pod vanished without DEL
     */
    public Lease6Machine(Attachment attachment, LeaseContext context, Consumer<Lease6Machine> onGone) {
        this(attachment, context, onGone, new Lease6Events(context.metrics()));
    }

    private Lease6Machine(Attachment attachment, LeaseContext context, Consumer<Lease6Machine> onGone,
                          Lease6Events events) {
        super(requireDhcpv6(attachment), context, logOf(attachment), STATES, KIND, events);
        this.net = context.transport6();
        this.onGone = onGone;
        this.recorder = new Lease6Recorder(attachment, context.journal(), log);
        this.events = events;
        this.dadVerdictAfter = net.dadVerdictAfter();
    }

    private static Attachment requireDhcpv6(Attachment attachment) {
        if (!attachment.dhcpv6()) {
            throw new IllegalArgumentException("attachment " + attachment.key() + ": dhcpv6 false (expected: true)");
        }
        return attachment;
    }

    private static AttachmentLog logOf(Attachment attachment) {
        LeaseKey key = attachment.key();
        return new AttachmentLog(LOG, key.containerId(), key.ifname(), key.networkName());
    }

    /** The lease as it is now, without waiting for an exchange in progress. */
    public Lease6View view() {
        return new Lease6View(attachment, state, binding, lost, declined, problem);
    }

    /**
     * INIT → SOLICITING → BOUND while the ADD waits; back to INIT on failure. The lease is recorded
     * before this returns; one that cannot be is released and refused ({@link NotRecordedException}).
     */
    public synchronized Binding6 start(Instant deadline) throws IOException, NoLeaseException {
        return acquireFirst(State.SOLICITING, () -> net.acquire(attachment, null, deadline));
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
        Lease6 lease = recorded.lease();
        if (!takeUp(recorded)) {
            return;
        }
        podAddress = lease.address();
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
        extend(binding.lease().expiresAt(), this::rebind, "confirmed after restart",
                why -> lost("the server refused the recorded lease: " + why), this::continueRecorded);
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

    /** The valid lifetime ended without a REPLY: the address may no longer be used; regain it. */
    @Override
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
        acquireAgain(() -> net.acquire(attachment, podAddress, attemptDeadline()),
                e -> backOff("still no DHCPv6 lease for " + Dhcp6Options.text(podAddress) + " (" + describe(e) + ")",
                        this::acquireAttempt));
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

    /** BOUND with {@code acquired}; {@code record}: write it (the ADD's first lease was recorded already). */
    @Override
    void enterBound(Binding6 acquired, String how, boolean record) {
        boolean regained = bindTo(acquired);
        Lease6 lease = acquired.lease();
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
        dadLooks = 0;
        if (record) {
            lookAtDad(); // a renewal, a confirmation or a regain: the address has been on the pod a while
        } else {
            scheduleDadLook(); // the main plugin puts the address on the pod after ADD returns
        }
    }

    /**
     * The one-shot timer {@link Lease6Transport#dadVerdictAfter} after ADD (again while the address
     * is tentative, at most {@value #DAD_LOOKS_MAX} times): looks at the kernel's verdict on the
     * leased address.
     */
    public synchronized void dadVerdictDue() {
        dadTimer = null;
        lookAtDad();
    }

    /**
     * Looks at the leased address on the pod's interface: dadfailed declines it
     * ({@link #declineDuplicate}); tentative looks again later; carried or absent (the main plugin
     * has not configured it, or configures none) is left as it is. A failure to look is logged and
     * changes nothing: the next renewal looks again, and finds a pod that is gone.
     */
    private void lookAtDad() {
        if (dadVerdictAfter == null || stopped || lost || binding == null) {
            return;
        }
        Inet6Address leased = binding.lease().address();
        Address6State on;
        try {
            on = net.addressState6(attachment, leased);
        } catch (IOException | RuntimeException e) {
            log.fine(() -> "cannot look at " + Dhcp6Options.text(leased) + " on the pod's interface: " + describe(e));
            return;
        }
        log.fine(() -> Dhcp6Options.text(leased) + " on the pod's interface: " + on.label());
        if (on == Address6State.DAD_FAILED) {
            declineDuplicate();
        } else if (on == Address6State.TENTATIVE && ++dadLooks < DAD_LOOKS_MAX) {
            scheduleDadLook();
        }
    }

    private void scheduleDadLook() {
        if (dadVerdictAfter == null) {
            return;
        }
        cancelDadTimer();
        dadTimer = context.scheduler().at(clock.instant().plus(dadVerdictAfter), this::dadVerdictDue);
    }

    private void cancelDadTimer() {
        if (dadTimer != null) {
            dadTimer.cancel();
            dadTimer = null;
        }
    }

    /**
     * The kernel's duplicate address detection failed for the leased address: another node on the
     * link uses it, and the pod has no working IPv6 address. RFC 8415 18.2.8: the client sends
     * DECLINE and does not use the address. The lease is lost with that problem (CHECK fails naming
     * it) and not sought again: the pod keeps the address the main plugin configured, so no other
     * lease would serve it; it holds again only once the pod is recreated. Its record goes: a
     * restarted daemon has no DHCPv6 lease for the pod (and CHECK fails on prevResult's address).
     */
    private void declineDuplicate() {
        Binding6 held = binding;
        String address = Dhcp6Options.text(held.lease().address());
        String ifname = attachment.key().ifname();
        cancelTimer();
        cancelDadTimer();
        events.dadFailed();
        events.lost();
        problem = "duplicate address detection failed for " + address + " on " + ifname + "; the address was declined";
        lost = true;
        declined = true;
        state = State.INIT;
        log.severe("DUPLICATE ADDRESS " + address + ": the kernel's duplicate address detection on " + ifname
                + " failed (dadfailed), another node on the link uses it; sending DECLINE. The pod has no working"
                + " IPv6 address: recreate it (CHECK fails until then)");
        try {
            boolean confirmed = exchange(() -> net.decline6(attachment, held));
            log.info("declined " + address + (confirmed ? "" : " (no REPLY to the DECLINE)"));
        } catch (IOException | NoLeaseException | RuntimeException e) {
            if (!stopping) {
                log.warning("cannot send DECLINE for " + address + ": " + describe(e)
                        + "; the server keeps the address until its valid lifetime ends");
            }
        }
        recorder.ended(); // a restarted daemon must not confirm (REBIND) a declined address
    }

    @Override
    void refused(String why) {
        lost("the server refused the lease: " + why);
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

    @Override
    void record(Binding6 acquired) throws IOException {
        recorder.acquired(acquired);
    }

    @Override
    String release(Binding6 held, Path fallbackNetns) throws IOException {
        return net.release6(attachment, held, fallbackNetns);
    }

    @Override
    void lookAtInterface() throws IOException {
        net.interfaceAddresses6(attachment);
    }

    @Override
    void ended() {
        cancelDadTimer();
        recorder.ended();
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
            case CONFIRMING -> this::confirmAttempt;
            default -> this::acquireAttempt;
        };
    }

    @Override
    String attemptName() {
        return "DHCPv6 " + state.label();
    }

    @Override
    String rebindingLine() {
        return "no REPLY to RENEW until T2; rebinding " + binding.lease().cidr() + " with any server";
    }

    /** RENEW to the lease's server. */
    @Override
    Lease6 renew(Binding6 held, Instant deadline) throws IOException, NoLeaseException {
        return net.renew(attachment, held, deadline);
    }

    /** REBIND to any server. */
    @Override
    Lease6 rebind(Binding6 held, Instant deadline) throws IOException, NoLeaseException {
        return net.rebind(attachment, held, deadline);
    }
}
