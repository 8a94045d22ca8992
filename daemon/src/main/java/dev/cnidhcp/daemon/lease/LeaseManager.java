package dev.cnidhcp.daemon.lease;

import dev.cnidhcp.daemon.dhcp.NoLeaseException;
import dev.cnidhcp.daemon.log.AttachmentLog;
import dev.cnidhcp.daemon.metrics.DaemonMetrics;
import dev.cnidhcp.daemon.time.Scheduler;

import dev.cnidhcp.daemon.dhcp6.Binding6;
import dev.cnidhcp.daemon.dhcp6.Dhcp6Options;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;

/**
 * Every lease of the node, one {@link LeaseMachine} per (container, network, interface).
 *
 * <p>Threads: ADD, DEL, CHECK and GC run on the caller's (request) thread; renewals run on the
 * scheduler's workers. A machine serialises its own transitions; the map only decides which machine
 * a key has, so different leases never wait for each other.
 *
 * <p>Client identifiers: no two live machines share one ({@code ipam.clientId} may be the same for a
 * recreated pod under a new container id). An ADD whose identifier another live attachment holds
 * ends that one when its pod is gone without DEL, and is refused
 * ({@link ClientIdHeldException}) otherwise: one identifier is one lease at the server, so the two
 * pods would be given one address. Machines are created only under {@code claims}, so two such ADDs
 * racing cannot both win.
 *
 * <p>DHCPv6 ({@link Attachment#dhcpv6()}): a {@link Lease6Machine} per key beside (or, for an
 * IPv6-only attachment, instead of) the IPv4 machine, with the same timers and lock discipline. An ADD
 * asking for both runs the two acquisitions in parallel (the IPv6 one on a {@code lease-add6-N}
 * thread) and answers only when both are held; when either fails, the other is released if this
 * ADD obtained it, so no ADD leaves half an attachment held. DEL, GC and an undelivered ADD end
 * both. Client identifier clashes are looked for among the IPv4 machines only: a DHCPv6 lease is
 * identified by its DUID together with an IAID of its own attachment.
 */
public final class LeaseManager {
    private static final Logger LOG = Logger.getLogger(LeaseManager.class.getName());

    private final LeaseContext context;
    private final ConcurrentHashMap<LeaseKey, LeaseMachine> leases = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<LeaseKey, Lease6Machine> leases6 = new ConcurrentHashMap<>();
    /**
     * Runs the IPv6 half of a dual-stack ADD beside the request thread. Never refuses work: ADDs are
     * bounded upstream (the socket server's ADD lane), so it holds at most that many threads; idle
     * ones end after 30 s.
     */
    private final ExecutorService parallel6 = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS,
            new SynchronousQueue<>(), new ThreadFactory() {
                private final AtomicInteger next = new AtomicInteger();

                @Override
                public Thread newThread(Runnable r) {
                    Thread t = new Thread(r, "lease-add6-" + next.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                }
            });
    /** Held while an ADD looks for its client id among the leases and creates its machine. */
    private final Object claims = new Object();

    /**
     * @param attemptTimeout how long one background exchange may take ({@code -timeout})
     * @param backoffMax     the longest pause between attempts to regain a lost lease ({@code -resendmax})
     */
    public LeaseManager(LeaseTransport transport, Scheduler scheduler, Clock clock, Duration attemptTimeout,
                        Duration backoffMax) {
        this(transport, scheduler, clock, attemptTimeout, backoffMax, LeaseJournal.NONE);
    }

    /**
     * @param journal where leases are made durable (the lease store)
     */
    public LeaseManager(LeaseTransport transport, Scheduler scheduler, Clock clock, Duration attemptTimeout,
                        Duration backoffMax, LeaseJournal journal) {
        this(transport, scheduler, clock, attemptTimeout, backoffMax, journal, new DaemonMetrics());
    }

    /**
     * @param metrics what the machines count (acquisitions, renewals)
     */
    public LeaseManager(LeaseTransport transport, Scheduler scheduler, Clock clock, Duration attemptTimeout,
                        Duration backoffMax, LeaseJournal journal, DaemonMetrics metrics) {
        this(LeaseContext.of(transport, scheduler, clock, attemptTimeout, backoffMax).withJournal(journal)
                .withMetrics(metrics));
    }

    public LeaseManager(LeaseContext context) {
        this.context = context;
    }

    private LeaseMachine newMachine(Attachment attachment) {
        return new LeaseMachine(attachment, context, gone -> {
            leases.remove(gone.attachment().key(), gone);
            Lease6Machine other = leases6.get(gone.attachment().key());
            if (other != null) {
                endLater(other::endIfGone);
            }
        });
    }

    private Lease6Machine newMachine6(Attachment attachment) {
        return new Lease6Machine(attachment, context, gone -> {
            leases6.remove(gone.attachment().key(), gone);
            LeaseMachine other = leases.get(gone.attachment().key());
            if (other != null) {
                endLater(other::endIfGone);
            }
        });
    }

    /**
     * When one family's machine found its pod gone, the other one is told to look too, on the
     * scheduler: never from under the first machine's lock, so two machines never wait for each other.
     */
    private void endLater(Runnable check) {
        context.scheduler().at(context.clock().instant(), null, check);
    }

    /**
     * Takes up leases recorded before a restart (call before serving requests): each machine resumes
     * where the clock says it is; leases of pods that are gone are released and dropped.
     *
     * @return how many leases are held afterwards
     */
    public int recover(List<Attachment> attachments, List<Binding> bindings) {
        for (int i = 0; i < attachments.size(); i++) {
            Attachment attachment = attachments.get(i);
            LeaseMachine machine = newMachine(attachment);
            if (leases.putIfAbsent(attachment.key(), machine) != null) {
                log(attachment.key()).warning("recorded twice; keeping the first record");
                continue;
            }
            machine.resume(bindings.get(i));
        }
        return leases.size();
    }

    /**
     * Takes up DHCPv6 leases recorded before a restart, as {@link #recover} does for IPv4 (call it
     * after that): each is confirmed with a REBIND; those of pods that are gone are released.
     *
     * @return how many DHCPv6 leases are held afterwards
     */
    public int recover6(List<Attachment> attachments, List<Binding6> bindings) {
        for (int i = 0; i < attachments.size(); i++) {
            Attachment attachment = attachments.get(i);
            Lease6Machine machine = newMachine6(attachment);
            if (leases6.putIfAbsent(attachment.key(), machine) != null) {
                log(attachment.key()).warning("DHCPv6 lease recorded twice; keeping the first record");
                continue;
            }
            machine.resume(bindings.get(i));
        }
        return leases6.size();
    }

    /** Whether an ADD can be served now: its lease could be recorded. */
    public void checkCanServeAdd() throws IOException {
        context.journal().checkWritable();
    }

    /**
     * One ADD's answer: the lease, and which hand-out of its machine it was (1 for the ADD that
     * obtained it, 2 and up for ADDs that found it held).
     */
    /**
     * One ADD's answer, of both families: {@code binding}/{@code machine}/{@code handout} for IPv4
     * (null, null, 0 for an IPv6-only attachment), {@code binding6}/{@code machine6}/{@code handout6}
     * for DHCPv6 (null, null, 0 without it).
     */
    public record Grant(Binding binding, LeaseMachine machine, int handout, Binding6 binding6, Lease6Machine machine6,
                        int handout6) {
        /** An IPv4-only grant. */
        public Grant(Binding binding, LeaseMachine machine, int handout) {
            this(binding, machine, handout, null, null, 0);
        }
    }

    /** The IPv6 half of a grant. */
    private record Grant6(Binding6 binding, Lease6Machine machine, int handout) {
    }

    /**
     * Returns the lease of the attachment, obtaining one when there is none yet. The same key added
     * twice returns the lease it already has.
     */
    public Binding add(Attachment attachment, Instant deadline) throws IOException, NoLeaseException {
        return grant(attachment, deadline).binding();
    }

    /**
     * As {@link #add}, saying which hand-out of the lease this is, so that it can be {@link #revoke}d;
     * with the attachment's DHCPv6 lease when it asks for one (see the class comment).
     */
    public Grant grant(Attachment attachment, Instant deadline) throws IOException, NoLeaseException {
        if (!attachment.dhcpv6()) {
            return grant4(attachment, deadline);
        }
        if (!attachment.dhcpv4()) {
            Grant6 v6 = grant6(attachment, deadline);
            return new Grant(null, null, 0, v6.binding(), v6.machine(), v6.handout());
        }
        Future<Grant6> pending6 = parallel6.submit(() -> grant6(attachment, deadline));
        Grant v4;
        try {
            v4 = grant4(attachment, deadline);
        } catch (IOException | NoLeaseException | RuntimeException e) {
            Grant6 v6 = awaitQuietly(pending6);
            if (v6 != null && takeBack6(v6, "the IPv4 lease failed")) {
                log(attachment.key()).warning("released " + v6.binding().lease().cidr() + ": the IPv4 half of the ADD"
                        + " failed, and an ADD is all or nothing");
            }
            throw e;
        }
        Grant6 v6;
        try {
            v6 = await(pending6);
        } catch (IOException | NoLeaseException | RuntimeException e) {
            if (revoke(v4, false)) {
                log(attachment.key()).warning("released " + v4.binding().lease().cidr() + ": the DHCPv6 half of the"
                        + " ADD failed (" + e.getMessage() + "), and an ADD is all or nothing");
            }
            throw e;
        }
        return new Grant(v4.binding(), v4.machine(), v4.handout(), v6.binding(), v6.machine(), v6.handout());
    }

    /** The IPv6 half's outcome, its failure rethrown as it was. */
    private static Grant6 await(Future<Grant6> pending) throws IOException, NoLeaseException {
        try {
            return uninterruptibly(pending);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof NoLeaseException no) {
                throw no;
            }
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(cause);
        }
    }

    /** The IPv6 half's grant, or null when it failed (the IPv4 half's failure is the one reported). */
    private static Grant6 awaitQuietly(Future<Grant6> pending) {
        try {
            return uninterruptibly(pending);
        } catch (ExecutionException e) {
            return null;
        }
    }

    private static Grant6 uninterruptibly(Future<Grant6> pending) throws ExecutionException {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return pending.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The DHCPv6 lease of an attachment, obtaining one when there is none yet. */
    private Grant6 grant6(Attachment attachment, Instant deadline) throws IOException, NoLeaseException {
        LeaseKey key = attachment.key();
        while (true) {
            Lease6Machine machine = leases6.computeIfAbsent(key, k -> newMachine6(attachment));
            synchronized (machine) {
                if (machine.stopped()) {
                    leases6.remove(key, machine);
                    continue;
                }
                if (machine.state() != Lease6Machine.State.INIT || machine.binding() != null) {
                    Lease6View view = machine.view();
                    if (!view.problem().isEmpty()) {
                        throw new NoLeaseException("the DHCPv6 lease of " + view.binding().lease().cidr()
                                + " is not usable (" + view.problem() + "); " + (view.declined()
                                ? "it is not sought again: DEL and recreate the pod" : "the daemon keeps trying to get it back"));
                    }
                    log(key).info("ADD for a DHCPv6 lease already held: " + view.binding().lease().cidr());
                    return new Grant6(view.binding(), machine, machine.handOut());
                }
                long started = System.nanoTime();
                try {
                    Binding6 acquired = machine.start(deadline);
                    log(key).info("DHCPv6 lease " + acquired.lease().cidr() + " obtained after "
                            + (System.nanoTime() - started) / 1_000_000 + " ms");
                    return new Grant6(acquired, machine, machine.handOut());
                } catch (IOException | NoLeaseException | RuntimeException e) {
                    machine.stop(null);
                    leases6.remove(key, machine);
                    log(key).warning("DHCPv6 part of ADD failed: " + e.getMessage());
                    throw e;
                }
            }
        }
    }

    /**
     * Releases the IPv6 half of a grant when this ADD obtained it and no later ADD has been handed it.
     *
     * @return whether it was released
     */
    private boolean takeBack6(Grant6 grant, String why) {
        Lease6Machine machine = grant.machine();
        LeaseKey key = machine.attachment().key();
        synchronized (machine) {
            if (grant.handout() != 1 || machine.handouts() != 1 || machine.stopped()
                    || !leases6.remove(key, machine)) {
                return false;
            }
        }
        try {
            String from = machine.stop(null);
            if (from != null) {
                log(key).info("released " + grant.binding().lease().address().getHostAddress() + " (" + why
                        + "; sent from " + from + ")");
            }
        } catch (IOException | RuntimeException e) {
            log(key).warning("could not send DHCPv6 RELEASE (" + why + "): " + e.getMessage()
                    + "; the server reclaims it when its valid lifetime ends");
        }
        return true;
    }

    /** The IPv4 lease of an attachment (the only one before DHCPv6). */
    private Grant grant4(Attachment attachment, Instant deadline) throws IOException, NoLeaseException {
        LeaseKey key = attachment.key();
        while (true) {
            LeaseMachine machine;
            LeaseMachine holder;
            synchronized (claims) { // every machine is created here: no two live ones share a client id
                holder = holderOf(attachment);
                machine = holder == null ? leases.computeIfAbsent(key, k -> newMachine(attachment)) : null;
            }
            if (holder != null) {
                if (holder.endIfGone()) {
                    continue; // its pod had vanished without DEL; the id is free now
                }
                throw new ClientIdHeldException("client id " + HexFormat.of().formatHex(attachment.clientId())
                        + " is held by another live attachment on this node (" + holder.attachment().key()
                        + "); two pods with one client id would share one address. DEL that attachment first,"
                        + " or make ipam.clientId unique (add {ifname}, {network})");
            }
            synchronized (machine) {
                if (machine.stopped()) {
                    continue; // lost a race with DEL or a failed ADD: start again with a fresh machine
                }
                if (machine.state() != LeaseMachine.State.INIT || machine.binding() != null) {
                    Binding held = machine.binding();
                    if (!machine.problem().isEmpty()) {
                        throw new NoLeaseException("the lease of " + held.lease().cidr() + " is not usable ("
                                + machine.problem() + "); the daemon keeps trying to get it back");
                    }
                    log(key).info("ADD for a lease already held: " + held.lease().cidr() + " (" + machine.state() + ")");
                    return new Grant(held, machine, machine.handOut());
                }
                long started = System.nanoTime();
                try {
                    Binding acquired = machine.start(deadline);
                    log(key).info("ADD answered with " + acquired.lease().cidr() + " after "
                            + (System.nanoTime() - started) / 1_000_000 + " ms");
                    return new Grant(acquired, machine, machine.handOut());
                } catch (IOException | NoLeaseException | RuntimeException e) {
                    machine.stop(null);
                    leases.remove(key, machine);
                    log(key).warning("ADD failed: " + e.getMessage());
                    throw e;
                }
            }
        }
    }

    /**
     * A machine of another key whose client identifier is the attachment's, or null. Called with
     * {@code claims} held; scans every lease without taking their locks (a node holds hundreds, and the
     * scan takes no I/O). A machine just stopped and not yet removed is found too; its
     * {@link LeaseMachine#endIfGone} says so at once.
     */
    private LeaseMachine holderOf(Attachment attachment) {
        for (LeaseMachine m : leases.values()) {
            Attachment other = m.attachment();
            if (!other.key().equals(attachment.key()) && other.sameClientId(attachment)) {
                return m;
            }
        }
        return null;
    }

    /**
     * Takes back a lease whose ADD answer never reached its caller: released as a DEL would, but
     * only when that ADD obtained it and no later ADD has handed it out since (a runtime that retried
     * got it, and its pod uses it), and only while it is still the key's lease.
     *
     * @return whether the lease was released
     */
    public boolean revoke(Grant grant) {
        boolean released6 = grant.machine6() != null
                && takeBack6(new Grant6(grant.binding6(), grant.machine6(), grant.handout6()),
                "the caller of ADD had gone");
        return grant.machine() != null ? revoke(grant, true) : released6;
    }

    /** The IPv4 half of {@link #revoke}; {@code undelivered}: the ADD's caller was gone (else: its other half failed). */
    private boolean revoke(Grant grant, boolean undelivered) {
        LeaseMachine machine = grant.machine();
        LeaseKey key = machine.attachment().key();
        synchronized (machine) {
            if (grant.handout() != 1 || machine.handouts() != 1 || machine.stopped()) {
                log(key).info((undelivered ? "the caller of an ADD had gone" : "the other half of an ADD failed")
                        + ", but the lease was handed out again (or already ended): kept");
                return false;
            }
            if (!leases.remove(key, machine)) {
                return false;
            }
        }
        if (undelivered) {
            log(key).warning("the caller of ADD had gone when its lease was ready; releasing the lease");
        }
        try {
            String from = machine.stop(null);
            log(key).info(from == null ? machine.keptLine(grant.binding())
                    : "released " + grant.binding().lease().address().getHostAddress() + " (sent from " + from + ")");
        } catch (IOException | RuntimeException e) {
            log(key).warning("could not send DHCPRELEASE for an undelivered ADD: " + e.getMessage()
                    + "; the server reclaims it when the lease expires");
        }
        return true;
    }

    /**
     * Forgets the lease and releases it at its server. Succeeds when the lease is unknown.
     *
     * @param runtimeNetns the namespace of the process that called DEL, or null when unknown
     * @throws IOException when the DHCPRELEASE could not be sent (the lease is forgotten anyway)
     */
    public void delete(LeaseKey key, Path runtimeNetns) throws IOException {
        IOException failure6 = null;
        Lease6Machine machine6 = leases6.remove(key);
        if (machine6 != null) {
            try {
                delete6(machine6, runtimeNetns);
            } catch (IOException e) {
                failure6 = e;
            }
        }
        delete4(key, runtimeNetns, machine6 != null);
        if (failure6 != null) {
            throw failure6;
        }
    }

    private void delete6(Lease6Machine machine, Path runtimeNetns) throws IOException {
        LeaseKey key = machine.attachment().key();
        Binding6 held = machine.view().binding();
        String address = held == null ? "nothing" : Dhcp6Options.text(held.lease().address());
        try {
            String from = machine.stop(runtimeNetns);
            log(key).info(from != null ? "released " + address + " (sent from " + from + ")"
                    : held != null && !machine.attachment().releaseOnDel()
                    ? "forgot " + address + " without RELEASE (releaseOnDel false)" : "forgotten (no DHCPv6 lease held)");
        } catch (IOException | RuntimeException e) {
            log(key).warning("forgot " + address + " but could not send DHCPv6 RELEASE: " + e.getMessage()
                    + "; the server reclaims it when its valid lifetime ends");
            throw e instanceof IOException io ? io : new IOException(e.getMessage(), e);
        }
    }

    /** The IPv4 half of {@link #delete}; {@code had6}: the key had a DHCPv6 lease (so an absent v4 one is expected). */
    private void delete4(LeaseKey key, Path runtimeNetns, boolean had6) throws IOException {
        LeaseMachine machine = leases.remove(key);
        if (machine == null) {
            if (!had6) {
                log(key).info("DEL for no known lease: nothing to release");
            }
            return;
        }
        Binding held = machine.view().binding(); // not binding(): that would wait behind an exchange DEL cuts short
        String address = held == null ? "nothing" : held.lease().address().getHostAddress();
        try {
            String from = machine.stop(runtimeNetns);
            log(key).info(from != null ? "released " + address + " (sent from " + from + ")"
                    : held != null && !machine.attachment().releaseOnDel() ? machine.keptLine(held)
                    : "forgotten (no lease held)");
        } catch (IOException | RuntimeException e) {
            log(key).warning("forgot " + address + " but could not send DHCPRELEASE: " + e.getMessage()
                    + "; the server reclaims it when the lease expires");
            throw e instanceof IOException io ? io : new IOException(e.getMessage(), e);
        }
    }

    /** CHECK of one lease; see {@link LeaseMachine#check}. */
    public void check(LeaseKey key, Inet4Address expected) throws CheckFailedException {
        LeaseMachine machine = leases.get(key);
        if (machine == null) {
            throw new CheckFailedException("no lease is held for " + key);
        }
        machine.check(expected);
    }

    /**
     * CHECK of both families of one attachment: each lease it has is held and on the pod's interface
     * ({@link LeaseMachine#check}, {@link Lease6Machine#check}); {@code expected}/{@code expected6}:
     * the addresses of prevResult, or null to skip the comparison.
     */
    public void check(LeaseKey key, Inet4Address expected, Inet6Address expected6) throws CheckFailedException {
        LeaseMachine machine = leases.get(key);
        Lease6Machine machine6 = leases6.get(key);
        if (machine == null && machine6 == null) {
            throw new CheckFailedException("no lease is held for " + key);
        }
        if (machine != null) {
            machine.check(expected);
        } else if (expected != null) {
            throw new CheckFailedException("prevResult names " + expected.getHostAddress() + " but " + key
                    + " holds no IPv4 lease");
        }
        if (machine6 != null) {
            machine6.check(expected6);
        } else if (expected6 != null) {
            throw new CheckFailedException("prevResult names " + expected6.getHostAddress() + " but " + key
                    + " holds no DHCPv6 lease");
        }
    }

    /** Whether the key has a lease of either family. */
    public boolean holds(LeaseKey key) {
        return leases.containsKey(key) || leases6.containsKey(key);
    }

    /** The DHCPv6 machine of a key, or null. */
    public Lease6Machine get6(LeaseKey key) {
        return leases6.get(key);
    }

    /** Every DHCPv6 lease as it is now, sorted as {@link #views()}; never waits for an exchange. */
    public List<Lease6View> views6() {
        List<Lease6View> out = new ArrayList<>();
        for (Lease6Machine machine : leases6.values()) {
            out.add(machine.view());
        }
        out.sort(Comparator.comparing((Lease6View v) -> v.attachment().key().containerId())
                .thenComparing(v -> v.attachment().key().networkName())
                .thenComparing(v -> v.attachment().key().ifname()));
        return out;
    }

    /**
     * GC: releases every lease of {@code networkName} whose (container, interface) is not in
     * {@code valid}; goes on past failures.
     *
     * @return one line per release that failed (empty when all went well)
     */
    public List<String> collectGarbage(String networkName, Set<List<String>> valid, Path runtimeNetns) {
        List<String> failures = new ArrayList<>();
        Set<LeaseKey> keys = new LinkedHashSet<>(leases.keySet());
        keys.addAll(leases6.keySet());
        for (LeaseKey key : keys) {
            if (key.networkName().equals(networkName) && !valid.contains(List.of(key.containerId(), key.ifname()))) {
                log(key).info("GC: not among the valid attachments; releasing");
                try {
                    delete(key, runtimeNetns);
                } catch (IOException e) {
                    failures.add(key + ": " + e.getMessage());
                }
            }
        }
        return failures;
    }

    /** The machine of a key, or null. */
    public LeaseMachine get(LeaseKey key) {
        return leases.get(key);
    }

    /** Every machine, for listings. */
    public List<LeaseMachine> all() {
        return List.copyOf(leases.values());
    }

    /** Every lease as it is now, sorted by container, network and interface; never waits for an exchange. */
    public List<LeaseView> views() {
        List<LeaseView> out = new ArrayList<>();
        for (LeaseMachine machine : leases.values()) {
            out.add(machine.view());
        }
        out.sort(Comparator.comparing((LeaseView v) -> v.attachment().key().containerId())
                .thenComparing(v -> v.attachment().key().networkName())
                .thenComparing(v -> v.attachment().key().ifname()));
        return out;
    }

    /** How many leases are in each state (every state present, 0 included); never waits for an exchange. */
    public Map<LeaseMachine.State, Integer> countByState() {
        Map<LeaseMachine.State, Integer> counts = new EnumMap<>(LeaseMachine.State.class);
        for (LeaseMachine.State state : LeaseMachine.State.values()) {
            counts.put(state, 0);
        }
        for (LeaseMachine machine : leases.values()) {
            counts.merge(machine.view().state(), 1, Integer::sum);
        }
        return counts;
    }

    /**
     * How many leases each network holds: granted by a server and not lost (a lease being regained
     * is not counted, nor an ADD still waiting for its first ACK). Sorted by network; a network
     * without such a lease is absent. Never waits for an exchange.
     */
    public Map<String, Integer> countByNetwork() {
        Map<String, Integer> counts = new TreeMap<>();
        for (LeaseMachine machine : leases.values()) {
            LeaseView view = machine.view();
            if (held(view)) {
                counts.merge(view.attachment().key().networkName(), 1, Integer::sum);
            }
        }
        return counts;
    }

    /**
     * How many of the leases counted by {@link #countByNetwork} each DHCP server granted (by its
     * server identifier, option 54), sorted by address. Never waits for an exchange.
     */
    public Map<String, Integer> countByServer() {
        Map<String, Integer> counts = new TreeMap<>();
        for (LeaseMachine machine : leases.values()) {
            LeaseView view = machine.view();
            if (held(view)) {
                counts.merge(view.binding().lease().serverId().getHostAddress(), 1, Integer::sum);
            }
        }
        return counts;
    }

    private static boolean held(LeaseView view) {
        return view.binding() != null && !view.lost();
    }

    private static AttachmentLog log(LeaseKey key) {
        return new AttachmentLog(LOG, key.containerId(), key.ifname(), key.networkName());
    }
}
