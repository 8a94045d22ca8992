package dev.cnidhcp.daemon.lease;

import dev.cnidhcp.daemon.dhcp.Lease;
import dev.cnidhcp.daemon.dhcp.NoLeaseException;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * Holds every lease of the node and keeps each renewed until DEL.
 *
 * <p>Threads: ADD and DEL run on the caller's (request) thread. Each lease's timer fires on the
 * shared {@code timers} scheduler, which only hands the renewal to the {@code workers} executor; no
 * lease owns a thread. Operations on one lease are serialised by that lease's monitor, so an ADD, a
 * DEL and a renewal of the same lease never overlap, while different leases proceed in parallel.
 */
public final class LeaseManager {
    private static final Logger LOG = Logger.getLogger(LeaseManager.class.getName());
    /** The shortest wait before another renewal attempt. */
    private static final Duration MIN_RETRY = Duration.ofSeconds(5);

    private final LeaseTransport transport;
    private final ScheduledExecutorService timers;
    private final ExecutorService workers;
    private final Clock clock;
    private final Duration exchangeTimeout;
    private final ConcurrentHashMap<LeaseKey, Entry> leases = new ConcurrentHashMap<>();

    /**
     * @param exchangeTimeout how long one renewal exchange may take
     */
    public LeaseManager(LeaseTransport transport, ScheduledExecutorService timers, ExecutorService workers,
                        Clock clock, Duration exchangeTimeout) {
        this.transport = transport;
        this.timers = timers;
        this.workers = workers;
        this.clock = clock;
        this.exchangeTimeout = exchangeTimeout;
    }

    /** One lease and its bookkeeping; guarded by its own monitor. */
    private static final class Entry {
        final Attachment attachment;
        Binding binding;
        ScheduledFuture<?> timer;
        boolean removed;

        Entry(Attachment attachment) {
            this.attachment = attachment;
        }
    }

    /** A read-only view of one lease, for answers and listings. */
    public record Snapshot(Attachment attachment, Binding binding) {
    }

    /**
     * Returns the lease of the attachment, obtaining one when there is none yet. The same key added
     * twice returns the lease it already has.
     */
    public Binding add(Attachment attachment, long deadlineNanos) throws IOException, NoLeaseException {
        LeaseKey key = attachment.key();
        while (true) {
            Entry entry = leases.computeIfAbsent(key, k -> new Entry(attachment));
            synchronized (entry) {
                if (entry.removed) {
                    continue; // lost a race with DEL or a failed ADD: start again with a fresh entry
                }
                if (entry.binding != null) {
                    LOG.info(key + ": ADD for a lease already held: " + entry.binding.lease().cidr());
                    return entry.binding;
                }
                long started = System.nanoTime();
                try {
                    entry.binding = transport.acquire(attachment, deadlineNanos);
                } catch (IOException | NoLeaseException | RuntimeException e) {
                    entry.removed = true;
                    leases.remove(key, entry);
                    throw e;
                }
                Lease lease = entry.binding.lease();
                LOG.info(key + ": acquired " + lease.cidr() + " from server " + lease.serverId().getHostAddress()
                        + " for " + lease.leaseTime().toSeconds() + " s (mac " + entry.binding.identity().macText()
                        + ", " + (System.nanoTime() - started) / 1_000_000 + " ms)");
                schedule(entry, lease.renewAt());
                return entry.binding;
            }
        }
    }

    /**
     * Forgets the lease and releases it at its server. Succeeds when the lease is unknown; a release
     * that cannot be sent is logged, not raised (DEL is best effort).
     *
     * @param runtimeNetns the namespace of the process that called DEL, or null when unknown
     */
    public void delete(LeaseKey key, Path runtimeNetns) {
        Entry entry = leases.get(key);
        if (entry == null) {
            LOG.info(key + ": DEL for no known lease: nothing to release");
            return;
        }
        synchronized (entry) {
            if (entry.removed) {
                return;
            }
            entry.removed = true;
            leases.remove(key, entry);
            if (entry.timer != null) {
                entry.timer.cancel(false);
            }
            if (entry.binding == null) {
                return;
            }
            String address = entry.binding.lease().address().getHostAddress();
            try {
                String from = transport.release(entry.attachment, entry.binding, runtimeNetns);
                LOG.info(key + ": released " + address + " (sent from " + from + ")");
            } catch (IOException | RuntimeException e) {
                LOG.warning(key + ": forgot " + address + " but could not send DHCPRELEASE: " + e.getMessage()
                        + "; the server reclaims it when the lease expires");
            }
        }
    }

    /** The lease of a key, if held. */
    public Snapshot get(LeaseKey key) {
        Entry entry = leases.get(key);
        if (entry == null) {
            return null;
        }
        synchronized (entry) {
            return entry.binding == null || entry.removed ? null : new Snapshot(entry.attachment, entry.binding);
        }
    }

    /** Every lease held, for listings. */
    public List<Snapshot> all() {
        List<Snapshot> out = new ArrayList<>();
        for (LeaseKey key : leases.keySet()) {
            Snapshot s = get(key);
            if (s != null) {
                out.add(s);
            }
        }
        return out;
    }

    private void schedule(Entry entry, Instant when) {
        long delayMillis = Math.max(0, Duration.between(clock.instant(), when).toMillis());
        entry.timer = timers.schedule(() -> workers.execute(() -> renew(entry)), delayMillis, TimeUnit.MILLISECONDS);
    }

    /** Runs on a worker thread when the renewal time comes. */
    void renew(Entry entry) {
        synchronized (entry) {
            if (entry.removed || entry.binding == null) {
                return;
            }
            LeaseKey key = entry.attachment.key();
            Lease old = entry.binding.lease();
            long deadline = System.nanoTime() + exchangeTimeout.toNanos();
            try {
                Lease renewed = transport.renew(entry.attachment, entry.binding, deadline);
                entry.binding = new Binding(entry.binding.identity(), renewed);
                if (!renewed.address().equals(old.address())) {
                    LOG.severe(key + ": server renewed with a different address " + renewed.cidr()
                            + " instead of " + old.cidr());
                }
                LOG.info(key + ": renewed " + renewed.cidr() + " for " + renewed.leaseTime().toSeconds() + " s");
                schedule(entry, renewed.renewAt());
            } catch (IOException | NoLeaseException | RuntimeException e) {
                Instant now = clock.instant();
                Duration left = Duration.between(now, old.expiresAt());
                if (left.isNegative() || left.isZero()) {
                    LOG.severe(key + ": lease of " + old.cidr() + " expired without renewal (" + e.getMessage()
                            + "); the pod may be using an address the server can give away");
                    return;
                }
                Duration retry = left.dividedBy(2);
                if (retry.compareTo(MIN_RETRY) < 0) {
                    retry = left.compareTo(MIN_RETRY) < 0 ? left : MIN_RETRY;
                }
                LOG.warning(key + ": renewal of " + old.cidr() + " failed: " + e.getMessage() + "; retrying in "
                        + retry.toSeconds() + " s (expires in " + left.toSeconds() + " s)");
                schedule(entry, now.plus(retry));
            }
        }
    }
}
