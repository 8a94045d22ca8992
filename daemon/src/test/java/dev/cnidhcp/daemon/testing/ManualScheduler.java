package dev.cnidhcp.daemon.testing;

import dev.cnidhcp.daemon.time.Scheduler;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * A {@link Scheduler} that runs nothing by itself: tests move time with {@link #runNext()},
 * {@link #advanceTo(Instant)} or {@link #runDue()}, and due tasks run on the calling thread in time
 * order (same time: in the order scheduled). Tasks may schedule more tasks; cancelled ones never run.
 *
 * <p>Running a task moves the {@link FakeClock} to the task's time first (never backwards: a task
 * scheduled in the past runs at the current time). Tasks may themselves advance the clock (a DHCP
 * exchange "waits" on it), so after a run the clock may be past the task's time.
 */
public final class ManualScheduler implements Scheduler {
    /** Guards against a machine that reschedules itself forever at the same instant. */
    private static final int MAX_RUNS_PER_CALL = 10_000;

    private final FakeClock clock;
    private final PriorityQueue<Task> queue = new PriorityQueue<>(
            Comparator.comparing((Task t) -> t.when).thenComparingLong(t -> t.seq));
    private final List<Instant> ranAt = new ArrayList<>();
    private final List<Instant> deadlines = new ArrayList<>();
    private long seq;

    public ManualScheduler(FakeClock clock) {
        this.clock = clock;
    }

    private final class Task implements Cancellable {
        final Instant when;
        final long seq;
        final Runnable body;
        boolean cancelled;

        Task(Instant when, long seq, Runnable body) {
            this.when = when;
            this.seq = seq;
            this.body = body;
        }

        @Override
        public void cancel() {
            synchronized (ManualScheduler.this) {
                cancelled = true;
                queue.remove(this);
            }
        }
    }

    @Override
    public synchronized Cancellable at(Instant when, Instant deadline, Runnable task) {
        Task t = new Task(when, seq++, task);
        queue.add(t);
        deadlines.add(deadline);
        return t;
    }

    /** The deadline given with every task scheduled so far (null: none), in the order scheduled. */
    public synchronized List<Instant> deadlines() {
        return new ArrayList<>(deadlines);
    }

    /** The times of the tasks still to run, earliest first. */
    public synchronized List<Instant> pending() {
        List<Task> tasks = new ArrayList<>(queue);
        tasks.sort(queue.comparator());
        List<Instant> times = new ArrayList<>();
        for (Task t : tasks) {
            times.add(t.when);
        }
        return times;
    }

    /** The time of the next task, or null when none is pending. */
    public synchronized Instant nextDue() {
        Task head = queue.peek();
        return head == null ? null : head.when;
    }

    /** How long from now until the next task (negative when it is overdue); null when none is pending. */
    public synchronized Duration untilNext() {
        Task head = queue.peek();
        return head == null ? null : Duration.between(clock.instant(), head.when);
    }

    /** The scheduled times of every task run so far, in the order they ran. */
    public synchronized List<Instant> ranAt() {
        return List.copyOf(ranAt);
    }

    /**
     * Moves the clock to the next task's time (unless it is already later) and runs that one task.
     *
     * @return the time the task was scheduled for
     * @throws IllegalStateException when nothing is pending
     */
    public Instant runNext() {
        Task next;
        synchronized (this) {
            next = queue.poll();
            if (next == null) {
                throw new IllegalStateException("no task is scheduled (clock at " + clock.instant() + ")");
            }
            ranAt.add(next.when);
        }
        clock.advanceTo(next.when);
        next.body.run();
        return next.when;
    }

    /** Runs every task due at the clock's current time, including those that become due meanwhile. */
    public int runDue() {
        int runs = 0;
        while (true) {
            Instant head = nextDue();
            if (head == null || head.isAfter(clock.instant())) {
                return runs;
            }
            guard(++runs);
            runNext();
        }
    }

    /**
     * Runs, in time order, every task scheduled at or before {@code target}, then moves the clock to
     * {@code target} (unless a task already moved it further).
     *
     * @return how many tasks ran
     */
    public int advanceTo(Instant target) {
        int runs = 0;
        while (true) {
            Instant head = nextDue();
            if (head == null || head.isAfter(target)) {
                break;
            }
            guard(++runs);
            runNext();
        }
        clock.advanceTo(target);
        return runs;
    }

    public int advanceBy(Duration by) {
        return advanceTo(clock.instant().plus(by));
    }

    private static void guard(int runs) {
        if (runs > MAX_RUNS_PER_CALL) {
            throw new AssertionError("more than " + MAX_RUNS_PER_CALL + " tasks ran in one call: a task keeps"
                    + " rescheduling itself without time passing");
        }
    }
}
