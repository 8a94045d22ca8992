package dev.cnidhcp.daemon.lease;

import java.time.Instant;

/**
 * Runs lease timers. Tasks run on a worker thread, never on the thread that keeps time, so a slow
 * exchange delays no other lease's timer. Tests use a manual scheduler driven by a fake clock.
 */
public interface Scheduler {

    /** Runs {@code task} at (or soon after) {@code when}. */
    Cancellable at(Instant when, Runnable task);

    /** A scheduled task that can be withdrawn. */
    interface Cancellable {
        void cancel();
    }
}
