package dev.cnidhcp.daemon.server;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Closes a connection whose request has not arrived in time, so that a client that connects and
 * never sends (or never half-closes) cannot hold a request thread: a blocking read has no timeout,
 * but closing the channel ends it with an {@code AsynchronousCloseException}.
 *
 * <p>Threads: one timer thread ({@code cni-deadline}) closes late channels; it does nothing else.
 */
final class ReadDeadlines implements AutoCloseable {
    private final ScheduledThreadPoolExecutor timer;
    private final Duration timeout;

    ReadDeadlines(Duration timeout) {
        this.timeout = timeout;
        timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "cni-deadline");
            t.setDaemon(true);
            return t;
        });
        timer.setRemoveOnCancelPolicy(true);
    }

    /**
     * One armed deadline: either {@link #close()} disarms it first, or the timer expires it first and
     * closes the channel; never both.
     */
    final class Deadline implements AutoCloseable {
        private static final int ARMED = 0;
        private static final int DISARMED = 1;
        private static final int EXPIRED = 2;
        private final AtomicInteger state = new AtomicInteger(ARMED);
        private final ScheduledFuture<?> task;

        private Deadline(SocketChannel channel) {
            task = timer.schedule(() -> {
                if (state.compareAndSet(ARMED, EXPIRED)) {
                    try {
                        channel.close();
                    } catch (IOException ignored) {
                        // closed already
                    }
                }
            }, timeout.toMillis(), TimeUnit.MILLISECONDS);
        }

        /** Whether the time ran out (and the channel was closed). */
        boolean expired() {
            return state.get() == EXPIRED;
        }

        @Override
        public void close() {
            if (state.compareAndSet(ARMED, DISARMED)) {
                task.cancel(false);
            }
        }
    }

    /** Starts the clock for reading {@code channel}'s request. */
    Deadline start(SocketChannel channel) {
        return new Deadline(channel);
    }

    Duration timeout() {
        return timeout;
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
