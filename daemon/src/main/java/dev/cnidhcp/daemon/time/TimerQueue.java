package dev.cnidhcp.daemon.time;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The daemon's {@link Scheduler}: one thread ({@code lease-timer}) keeps every timer in a priority
 * queue by due time on the lease timeline and hands each due task to the {@code workers} executor,
 * which must never reject (an {@link ElasticExecutor}). A thousand leases are a thousand queue
 * entries, not a thousand threads; any number of them may fall due at once and all run.
 *
 * <p>Time is read from the given clock, never from how long a wait lasted: the thread re-reads it at
 * least every {@link #MAX_SLEEP}, so a clock that moves on in a jump (boot time after a suspend) is
 * noticed within a second, while a step of the wall clock does nothing (the clock given is
 * monotonic). How late each task starts is reported to the {@link Observer}; a task that starts
 * after its deadline is logged as SEVERE, and lateness over {@link #LATE} is logged as a WARNING at
 * most once a minute.
 *
 * <p>Threads: {@link #at} and cancel from any thread; the timer thread only moves tasks to the
 * workers, so a slow task delays no other timer.
 */
public final class TimerQueue implements Scheduler, AutoCloseable {
    private static final Logger LOG = Logger.getLogger(TimerQueue.class.getName());
    /** The longest the timer thread sleeps without reading the clock again. */
    static final Duration MAX_SLEEP = Duration.ofSeconds(1);
    /** Lateness worth a warning. */
    static final Duration LATE = Duration.ofSeconds(5);
    private static final Duration LATE_REPORT_INTERVAL = Duration.ofMinutes(1);

    /** Told how late every task started, and about every missed deadline. */
    public interface Observer {
        Observer NONE = new Observer() {
            @Override
            public void ran(Duration lateness) {
            }

            @Override
            public void missedDeadline(Duration by) {
            }
        };

        /** A task started {@code lateness} after it was due (zero when on time). */
        void ran(Duration lateness);

        /** A task started {@code by} after its deadline. */
        void missedDeadline(Duration by);
    }

    private final Clock clock;
    private final Executor workers;
    private final Observer observer;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final PriorityQueue<Entry> queue = new PriorityQueue<>(
            Comparator.comparing((Entry e) -> e.when).thenComparingLong(e -> e.sequence));
    private final Thread thread;
    private long sequence;
    private boolean closed;

    private final AtomicLong lateSinceReport = new AtomicLong();
    private final AtomicLong worstLateMillis = new AtomicLong();
    private volatile Instant lastLateReport = Instant.MIN;

    /**
     * @param clock   the lease timeline (monotonic)
     * @param workers where due tasks run; must not reject while the daemon runs
     */
    public TimerQueue(Clock clock, Executor workers, Observer observer) {
        this.clock = clock;
        this.workers = workers;
        this.observer = observer;
        this.thread = new Thread(this::loop, "lease-timer");
        thread.setDaemon(true);
        thread.start();
    }

    private final class Entry implements Cancellable {
        final Instant when;
        final Instant deadline;
        final Runnable task;
        final long sequence;
        volatile boolean cancelled;

        Entry(Instant when, Instant deadline, Runnable task, long sequence) {
            this.when = when;
            this.deadline = deadline;
            this.task = task;
            this.sequence = sequence;
        }

        @Override
        public void cancel() {
            cancelled = true;
            lock.lock();
            try {
                queue.remove(this);
            } finally {
                lock.unlock();
            }
        }

        void run() {
            if (cancelled) {
                return;
            }
            Instant started = clock.instant();
            Duration lateness = Duration.between(when, started);
            if (lateness.isNegative()) {
                lateness = Duration.ZERO;
            }
            observer.ran(lateness);
            if (lateness.compareTo(LATE) > 0) {
                noteLate(lateness, started);
            }
            if (deadline != null && started.isAfter(deadline)) {
                Duration by = Duration.between(deadline, started);
                observer.missedDeadline(by);
                LOG.severe("MISSED DEADLINE: a lease timer due at " + when + " started " + lateness.toMillis()
                        + " ms late, " + by.toMillis() + " ms after the lease's expiry: the server may have given"
                        + " the address to another client (the daemon is overloaded or was suspended)");
            }
            task.run();
        }
    }

    @Override
    public Cancellable at(Instant when, Instant deadline, Runnable task) {
        lock.lock();
        try {
            Entry entry = new Entry(when, deadline, task, sequence++);
            queue.add(entry);
            if (queue.peek() == entry) {
                changed.signal();
            }
            return entry;
        } finally {
            lock.unlock();
        }
    }

    /** Timers waiting to fall due. */
    public int pending() {
        lock.lock();
        try {
            return queue.size();
        } finally {
            lock.unlock();
        }
    }

    private void loop() {
        List<Entry> due = new ArrayList<>();
        while (true) {
            lock.lock();
            try {
                while (!closed && !takeDue(due)) {
                    Entry head = queue.peek();
                    long sleep = MAX_SLEEP.toNanos();
                    if (head != null) {
                        sleep = Math.min(sleep, Math.max(1, Duration.between(clock.instant(), head.when).toNanos()));
                    }
                    changed.awaitNanos(sleep);
                }
                if (closed) {
                    return;
                }
            } catch (InterruptedException e) {
                return;
            } finally {
                lock.unlock();
            }
            for (int i = 0; i < due.size(); i++) {
                Entry entry = due.get(i);
                try {
                    workers.execute(entry::run);
                } catch (RejectedExecutionException e) {
                    LOG.fine("timer not run: the daemon is stopping");
                } catch (RuntimeException | Error e) { // e.g. no native thread: keep the timer, try again
                    LOG.log(Level.SEVERE, "cannot hand a due lease timer to a worker; retrying in 1 s", e);
                    requeue(due.subList(i, due.size()));
                    sleepQuietly(MAX_SLEEP);
                    break;
                }
            }
            due.clear();
        }
    }

    /** Puts entries that could not be handed to a worker back, still due. */
    private void requeue(List<Entry> entries) {
        lock.lock();
        try {
            for (Entry e : entries) {
                if (!e.cancelled) {
                    queue.add(e);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    private static void sleepQuietly(Duration pause) {
        try {
            Thread.sleep(pause.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Moves every entry due by now into {@code due}; false when none is. Called with the lock held. */
    private boolean takeDue(List<Entry> due) {
        Instant now = clock.instant();
        while (!queue.isEmpty() && !queue.peek().when.isAfter(now)) {
            due.add(queue.poll());
        }
        return !due.isEmpty();
    }

    private void noteLate(Duration lateness, Instant now) {
        lateSinceReport.incrementAndGet();
        worstLateMillis.accumulateAndGet(lateness.toMillis(), Math::max);
        Instant last = lastLateReport;
        if (last == Instant.MIN || Duration.between(last, now).compareTo(LATE_REPORT_INTERVAL) >= 0) {
            lastLateReport = now;
            LOG.warning(lateSinceReport.getAndSet(0) + " lease timer(s) started more than " + LATE.toSeconds()
                    + " s late (the latest by up to " + worstLateMillis.getAndSet(0) + " ms): renewals are queued"
                    + " behind slow exchanges; see cni_dhcp_timer_lateness_seconds");
        }
    }

    /** Stops the timer thread; pending timers are dropped (the daemon stops; leases stay recorded). */
    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            queue.clear();
            changed.signal();
        } finally {
            lock.unlock();
        }
        try {
            thread.join(TimeUnit.SECONDS.toMillis(2));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
