package dev.cnidhcp.daemon.server;

import java.util.concurrent.atomic.AtomicLong;

/**
 * How many request bytes the server keeps in memory at once, from the first byte read until the
 * request has been answered: a bound on the heap that requests take, whatever their number.
 * Thread-safe: reserved on the {@code cni-io} thread, released on the request threads.
 */
final class ByteBudget {
    private final long limit;
    private final AtomicLong used = new AtomicLong();

    ByteBudget(long limit) {
        if (limit <= 0) {
            throw new IllegalArgumentException("limit: " + limit + " (expected: > 0)");
        }
        this.limit = limit;
    }

    /** Takes {@code bytes} from the budget; false (nothing taken) when they do not fit. */
    boolean tryReserve(long bytes) {
        while (true) {
            long now = used.get();
            if (now + bytes > limit) {
                return false;
            }
            if (used.compareAndSet(now, now + bytes)) {
                return true;
            }
        }
    }

    void release(long bytes) {
        used.addAndGet(-bytes);
    }

    long limit() {
        return limit;
    }

    long used() {
        return used.get();
    }
}
