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

    /** The address the pod was given at ADD: the one worth regaining. */
    private Inet6Address podAddress;

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
        return new Lease6View(attachment, state, binding, lost, problem);
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
