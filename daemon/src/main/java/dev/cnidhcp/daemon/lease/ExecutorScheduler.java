package dev.cnidhcp.daemon.lease;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The daemon's {@link Scheduler}: one timer thread ({@code timers}) that only hands due tasks to the
 * {@code workers} executor. A thousand leases are a thousand timer entries, not a thousand threads.
 */
public final class ExecutorScheduler implements Scheduler {
    private final ScheduledExecutorService timers;
    private final Executor workers;
    private final Clock clock;

    public ExecutorScheduler(ScheduledExecutorService timers, Executor workers, Clock clock) {
        this.timers = timers;
        this.workers = workers;
        this.clock = clock;
    }

    @Override
    public Cancellable at(Instant when, Runnable task) {
        long delay = Math.max(0, Duration.between(clock.instant(), when).toMillis());
        ScheduledFuture<?> future = timers.schedule(() -> workers.execute(task), delay, TimeUnit.MILLISECONDS);
        return () -> future.cancel(false);
    }
}
