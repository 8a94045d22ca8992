package dev.cnidhcp.daemon.time;

import java.time.Instant;

/**
 * Runs lease timers. Tasks run on a worker thread, never on the thread that keeps time, so a slow
 * exchange delays no other lease's timer. An implementation never drops a task: one that cannot run
 * on time runs late (and its lateness is measured), never not at all. Instants are on the lease
 * timeline (the daemon's {@link MonotonicClock}). Tests use a manual scheduler driven by a fake clock.
 */
public interface Scheduler {

    /** Runs {@code task} at (or soon after) {@code when}. */
    default Cancellable at(Instant when, Runnable task) {
        return at(when, null, task);
    }

    /**
     * Runs {@code task} at (or soon after) {@code when}; when it only gets to run after
     * {@code deadline} (null: none), that is logged loudly and counted: for a lease timer the
     * deadline is the lease's expiry, past which the server may give the address to someone else.
     */
    Cancellable at(Instant when, Instant deadline, Runnable task);

    /** A scheduled task that can be withdrawn. */
    interface Cancellable {
        void cancel();
    }
}
