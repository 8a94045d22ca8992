package dev.cnidhcp.daemon.testing;

import dev.cnidhcp.daemon.dhcp.NoLeaseException;
import dev.cnidhcp.daemon.dhcp6.Binding6;
import dev.cnidhcp.daemon.dhcp6.Identity6;
import dev.cnidhcp.daemon.dhcp6.Lease6;
import dev.cnidhcp.daemon.lease.Address6State;
import dev.cnidhcp.daemon.lease.Attachment;
import dev.cnidhcp.daemon.lease.AttachmentGoneException;
import dev.cnidhcp.daemon.lease.Lease6Transport;
import dev.cnidhcp.daemon.lease.LeaseKey;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.Inet6Address;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/**
 * An in-process DHCPv6 server seen through {@link Lease6Transport}: the exchanges the v6 lease
 * machine asks for, answered as a server on the pod's link would, with fault injection. Addresses
 * fd99::10, ::11, ... are handed out in order, one per attachment, kept across renewals, and given
 * back to a SOLICIT that asks for them while free. Leases carry T1 30 s, T2 48 s, preferred 60 s,
 * valid 90 s unless {@link #lifetimes} says otherwise, counted from the clock at the REPLY.
 *
 * <p>Faults: {@link #script} queues what the next exchanges of one kind do instead of answering;
 * {@link #down()} makes every exchange go unanswered until {@link #up()}. An exchange takes
 * {@code exchangeTime}, moved on a {@link FakeClock} (none on a real clock). {@link #hang} makes
 * exchanges block until their thread is interrupted (a DEL cutting them short).
 *
 * <p>Threads: every method may be called from any thread.
 */
public final class ScriptedLease6Server implements Lease6Transport {
    /** What one exchange does instead of answering. */
    public enum Fault {
        /** No REPLY before the deadline. */
        SILENT,
        /** A REPLY with a refusing status (NoBinding, NotOnLink, NoAddrsAvail): {@link NoLeaseException#nak()}. */
        REFUSE,
        /** The pod's namespace or interface is gone. */
        GONE,
        /** A socket failure. */
        IO
    }

    /** The exchanges, as the log of calls names them. */
    public enum Kind { ACQUIRE, RENEW, REBIND, RELEASE, DECLINE }

    /** One call: what, when, for whom, and the address it was about (null for a new SOLICIT). */
    public record Received(Kind kind, Instant at, LeaseKey key, Inet6Address address, Path fallbackNetns) {
    }

    public static final byte[] SERVER_DUID = Leases6.SERVER_DUID;

    private final Clock clock;
    private final Duration exchangeTime;
    private final Map<Kind, Deque<Fault>> scripts = new HashMap<>();
    private final List<Received> received = new ArrayList<>();
    private final Map<LeaseKey, Inet6Address> bound = new HashMap<>();
    private final Set<Inet6Address> taken = new HashSet<>();
    private final Map<LeaseKey, List<Inet6Address>> onInterface = new HashMap<>();
    private final Set<LeaseKey> gone = new HashSet<>();
    private final Map<LeaseKey, Deque<Address6State>> addressStates = new HashMap<>();
    private final List<Inet6Address> declined = new ArrayList<>();
    private Duration dadVerdictAfter;
    private int nextHost = 0x10;
    private boolean down;
    private volatile CountDownLatch hanging;
    private Duration t1 = Duration.ofSeconds(30);
    private Duration t2 = Duration.ofSeconds(48);
    private Duration preferred = Duration.ofSeconds(60);
    private Duration valid = Duration.ofSeconds(90);

    public ScriptedLease6Server(Clock clock) {
        this(clock, Duration.ofMillis(20));
    }

    public ScriptedLease6Server(Clock clock, Duration exchangeTime) {
        this.clock = clock;
        this.exchangeTime = exchangeTime;
    }

    /** The times of every lease granted from now on. */
    public synchronized ScriptedLease6Server lifetimes(Duration t1, Duration t2, Duration preferred, Duration valid) {
        this.t1 = t1;
        this.t2 = t2;
        this.preferred = preferred;
        this.valid = valid;
        return this;
    }

    /** The next exchanges of {@code kind} do {@code faults}, in order, then answer again. */
    public synchronized void script(Kind kind, Fault... faults) {
        scripts.computeIfAbsent(kind, k -> new ArrayDeque<>()).addAll(List.of(faults));
    }

    public synchronized void down() {
        down = true;
    }

    public synchronized void up() {
        down = false;
    }

    /** From now on every exchange blocks until interrupted; the latch counts them as they start. */
    public CountDownLatch hang(int expected) {
        hanging = new CountDownLatch(expected);
        return hanging;
    }

    /** The pod of {@code key} vanished: its interface is gone. */
    public synchronized void podGone(LeaseKey key) {
        gone.add(key);
    }

    /** What the pod's interface carries from now on (by default: the address last granted to it). */
    public synchronized void interfaceCarries(LeaseKey key, List<Inet6Address> addresses) {
        onInterface.put(key, List.copyOf(addresses));
    }

    /**
     * The kernel's verdicts on the leased address of {@code key}, one per look, in order; once they
     * are used up, as {@link #interfaceCarries} says (carried or absent).
     */
    public synchronized void addressStates(LeaseKey key, Address6State... states) {
        addressStates.computeIfAbsent(key, k -> new ArrayDeque<>()).addAll(List.of(states));
    }

    /** Makes the machine look at the kernel's verdict {@code after} an ADD (by default it never looks). */
    public synchronized ScriptedLease6Server dadVerdictAfter(Duration after) {
        this.dadVerdictAfter = after;
        return this;
    }

    /** The addresses declined, in order. */
    public synchronized List<Inet6Address> declined() {
        return List.copyOf(declined);
    }

    /** A lease of {@code address} with the current lifetimes, granted at {@code acquired}. */
    public synchronized Lease6 lease(Inet6Address address, Instant acquired) {
        return new Lease6(address, 64, Leases6.ip6("fe80::1"), SERVER_DUID, null, List.of(Leases6.ip6("fd99::53")),
                List.of("v6.example.org"), t1, t2, preferred, valid, acquired);
    }

    public synchronized List<Received> received() {
        return List.copyOf(received);
    }

    public synchronized int count(Kind kind) {
        return (int) received.stream().filter(r -> r.kind() == kind).count();
    }

    /** The address the server holds for {@code key}, or null. */
    public synchronized Inet6Address boundTo(LeaseKey key) {
        return bound.get(key);
    }

    @Override
    public Binding6 acquire(Attachment attachment, Inet6Address requested, Instant deadline)
            throws IOException, NoLeaseException {
        exchange(Kind.ACQUIRE, attachment, requested, null);
        synchronized (this) {
            LeaseKey key = attachment.key();
            Inet6Address address = bound.get(key);
            if (address == null) {
                address = requested != null && !taken.contains(requested) ? requested : nextFree();
                bound.put(key, address);
                taken.add(address);
            }
            onInterface.putIfAbsent(key, List.of(address));
            return new Binding6(identityOf(attachment), lease(address, clock.instant()), UPLINK);
        }
    }

    @Override
    public Lease6 renew(Attachment attachment, Binding6 binding, Instant deadline) throws IOException, NoLeaseException {
        exchange(Kind.RENEW, attachment, binding.lease().address(), null);
        return extend(attachment, binding);
    }

    @Override
    public Lease6 rebind(Attachment attachment, Binding6 binding, Instant deadline) throws IOException, NoLeaseException {
        exchange(Kind.REBIND, attachment, binding.lease().address(), null);
        return extend(attachment, binding);
    }

    @Override
    public String release6(Attachment attachment, Binding6 binding, Path fallbackNetns) throws IOException {
        boolean podGone;
        synchronized (this) {
            received.add(new Received(Kind.RELEASE, clock.instant(), attachment.key(), binding.lease().address(),
                    fallbackNetns));
            Fault fault = nextFault(Kind.RELEASE);
            if (fault != null) {
                throw new IOException("scripted: " + fault);
            }
            bound.remove(attachment.key(), binding.lease().address());
            taken.remove(binding.lease().address());
            podGone = gone.contains(attachment.key());
        }
        return podGone ? String.valueOf(fallbackNetns) : "pod";
    }

    @Override
    public synchronized List<Inet6Address> interfaceAddresses6(Attachment attachment) throws IOException {
        if (gone.contains(attachment.key())) {
            throw new AttachmentGoneException("interface " + attachment.key().ifname() + " is gone");
        }
        return onInterface.getOrDefault(attachment.key(), List.of());
    }

    @Override
    public synchronized Address6State addressState6(Attachment attachment, Inet6Address address) throws IOException {
        List<Inet6Address> carried = interfaceAddresses6(attachment);
        Deque<Address6State> states = addressStates.get(attachment.key());
        if (states != null && !states.isEmpty()) {
            return states.poll();
        }
        return carried.contains(address) ? Address6State.CARRIED : Address6State.ABSENT;
    }

    @Override
    public synchronized Duration dadVerdictAfter() {
        return dadVerdictAfter;
    }

    /** The server takes the address back from the client and gives it to no one else. */
    @Override
    public synchronized boolean decline6(Attachment attachment, Binding6 binding) {
        received.add(new Received(Kind.DECLINE, clock.instant(), attachment.key(), binding.lease().address(), null));
        declined.add(binding.lease().address());
        bound.remove(attachment.key(), binding.lease().address());
        return true;
    }

    /** The uplink every acquisition names: the pod's veth is a port of this bridge. */
    public static final String UPLINK = "cni0";

    /** The identity the real client would use: a DUID-LL and an IAID of the attachment. */
    public static Identity6 identityOf(Attachment attachment) {
        return new Identity6(Leases6.IDENTITY.duid(), attachment.key().hashCode());
    }

    private synchronized Lease6 extend(Attachment attachment, Binding6 binding) throws NoLeaseException {
        Inet6Address address = binding.lease().address();
        Inet6Address held = bound.get(attachment.key());
        if (held != null && !held.equals(address)) {
            throw new NoLeaseException("NoBinding: the server holds " + held.getHostAddress(), true);
        }
        bound.put(attachment.key(), address);
        taken.add(address);
        return lease(address, clock.instant());
    }

    /** Records the call, takes the exchange's time and applies a fault, if one is due. */
    private void exchange(Kind kind, Attachment attachment, Inet6Address address, Path fallback)
            throws IOException, NoLeaseException {
        Fault fault;
        synchronized (this) {
            received.add(new Received(kind, clock.instant(), attachment.key(), address, fallback));
            fault = down ? Fault.SILENT : nextFault(kind);
            if (gone.contains(attachment.key())) {
                fault = Fault.GONE;
            }
        }
        CountDownLatch hang = hanging;
        if (hang != null) {
            hang.countDown();
            try {
                new CountDownLatch(1).await();
            } catch (InterruptedException e) {
                throw new InterruptedIOException("exchange cut short");
            }
        }
        if (clock instanceof FakeClock fake && !exchangeTime.isZero()) {
            fake.advance(exchangeTime);
        }
        if (fault == null) {
            return;
        }
        switch (fault) {
            case SILENT -> throw new NoLeaseException("no REPLY to " + kind + " (scripted)");
            case REFUSE -> throw new NoLeaseException("status NoBinding (scripted)", true);
            case GONE -> throw new AttachmentGoneException("interface " + attachment.key().ifname() + " is gone");
            case IO -> throw new IOException("sendto: network unreachable (scripted)");
            default -> throw new AssertionError(fault);
        }
    }

    private Fault nextFault(Kind kind) {
        Deque<Fault> queue = scripts.get(kind);
        return queue == null ? null : queue.poll();
    }

    private Inet6Address nextFree() {
        Inet6Address address;
        do {
            address = Leases6.ip6("fd99::" + Integer.toHexString(nextHost++));
        } while (taken.contains(address));
        return address;
    }
}
