package dev.cnidhcp.daemon.lease;

import dev.cnidhcp.daemon.dhcp.NoLeaseException;
import dev.cnidhcp.daemon.log.AttachmentLog;
import dev.cnidhcp.daemon.metrics.DaemonMetrics;
import dev.cnidhcp.daemon.time.Scheduler;

import java.io.IOException;
import java.net.Inet4Address;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
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
 */
public final class LeaseManager {
    private static final Logger LOG = Logger.getLogger(LeaseManager.class.getName());

    private final LeaseContext context;
    private final ConcurrentHashMap<LeaseKey, LeaseMachine> leases = new ConcurrentHashMap<>();
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
        return new LeaseMachine(attachment, context, gone -> leases.remove(gone.attachment().key(), gone));
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

    /** Whether an ADD can be served now: its lease could be recorded. */
    public void checkCanServeAdd() throws IOException {
        context.journal().checkWritable();
    }

    /**
     * One ADD's answer: the lease, and which hand-out of its machine it was (1 for the ADD that
     * obtained it, 2 and up for ADDs that found it held).
     */
    public record Grant(Binding binding, LeaseMachine machine, int handout) {
    }

    /**
     * Returns the lease of the attachment, obtaining one when there is none yet. The same key added
     * twice returns the lease it already has.
     */
    public Binding add(Attachment attachment, Instant deadline) throws IOException, NoLeaseException {
        return grant(attachment, deadline).binding();
    }

    /** As {@link #add}, saying which hand-out of the lease this is, so that it can be {@link #revoke}d. */
    public Grant grant(Attachment attachment, Instant deadline) throws IOException, NoLeaseException {
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
        LeaseMachine machine = grant.machine();
        LeaseKey key = machine.attachment().key();
        synchronized (machine) {
            if (grant.handout() != 1 || machine.handouts() != 1 || machine.stopped()) {
                log(key).info("the caller of an ADD had gone, but the lease was handed out again (or already"
                        + " ended): kept");
                return false;
            }
            if (!leases.remove(key, machine)) {
                return false;
            }
        }
        log(key).warning("the caller of ADD had gone when its lease was ready; releasing the lease");
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
        LeaseMachine machine = leases.remove(key);
        if (machine == null) {
            log(key).info("DEL for no known lease: nothing to release");
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
     * GC: releases every lease of {@code networkName} whose (container, interface) is not in
     * {@code valid}; goes on past failures.
     *
     * @return one line per release that failed (empty when all went well)
     */
    public List<String> collectGarbage(String networkName, Set<List<String>> valid, Path runtimeNetns) {
        List<String> failures = new ArrayList<>();
        for (LeaseKey key : List.copyOf(leases.keySet())) {
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
