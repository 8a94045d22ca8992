package dev.cnidhcp.daemon.time;

import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * An executor that never rejects work while it runs: a task is handed to an idle thread, else to a
 * new thread while fewer than {@code maxThreads} exist, else queued without bound (and run, late,
 * when a thread is free). Threads idle for {@code keepAlive} end, so the count falls back to zero
 * between bursts. (A {@code ThreadPoolExecutor} cannot do both: with a bounded queue it rejects, and
 * with an unbounded one it starts a thread per task up to its core size even while others idle.)
 *
 * <p>Threads: the ones it makes, named by its factory; a task that throws is logged and the thread
 * goes on. {@link #shutdownNow()} interrupts the threads and drops what is queued (the daemon stops).
 */
public final class ElasticExecutor implements Executor {
    private static final Logger LOG = Logger.getLogger(ElasticExecutor.class.getName());

    private final int maxThreads;
    private final long keepAliveNanos;
    private final ThreadFactory threads;
    private final ArrayDeque<Runnable> queue = new ArrayDeque<>();
    private final Set<Thread> workers = new HashSet<>();
    private int idle;
    private boolean shutdown;

    public ElasticExecutor(int maxThreads, long keepAlive, TimeUnit unit, ThreadFactory threads) {
        if (maxThreads < 1) {
            throw new IllegalArgumentException("maxThreads: " + maxThreads + " (expected: >= 1)");
        }
        this.maxThreads = maxThreads;
        this.keepAliveNanos = unit.toNanos(keepAlive);
        this.threads = threads;
    }

    /** @throws RejectedExecutionException only after {@link #shutdownNow()} */
    @Override
    public void execute(Runnable task) {
        synchronized (this) {
            if (shutdown) {
                throw new RejectedExecutionException("executor shut down");
            }
            queue.addLast(task);
            if (queue.size() <= idle) { // an idle thread is waiting for each queued task
                notify();
                return;
            }
            if (workers.size() >= maxThreads) {
                return; // queued: the next thread to finish takes it
            }
            Thread worker = threads.newThread(this::work);
            try {
                worker.start();
            } catch (RuntimeException | Error e) { // no native thread left
                if (workers.isEmpty()) {
                    queue.removeLastOccurrence(task);
                    throw e; // nobody would run it: the caller keeps it and tries again
                }
                LOG.warning("cannot start another worker (" + e + "); the task waits for one of the "
                        + workers.size() + " running");
                return;
            }
            workers.add(worker);
        }
    }

    private void work() {
        Runnable task;
        while ((task = next()) != null) {
            try {
                task.run();
            } catch (RuntimeException | Error e) {
                LOG.log(Level.SEVERE, "a task failed on " + Thread.currentThread().getName(), e);
            }
        }
    }

    /**
     * The next task, waiting up to keep-alive for one; null when the thread should end, in which case
     * it has already left {@code workers} (under the same lock, so {@link #execute} never counts a
     * thread that is ending).
     */
    private synchronized Runnable next() {
        long deadline = System.nanoTime() + keepAliveNanos;
        while (queue.isEmpty()) {
            long left = deadline - System.nanoTime();
            if (shutdown || left <= 0) {
                workers.remove(Thread.currentThread());
                return null;
            }
            idle++;
            try {
                TimeUnit.NANOSECONDS.timedWait(this, left);
            } catch (InterruptedException e) {
                if (shutdown) {
                    workers.remove(Thread.currentThread());
                    return null;
                }
            } finally {
                idle--;
            }
        }
        if (shutdown) {
            workers.remove(Thread.currentThread());
            return null;
        }
        return queue.pollFirst();
    }

    /** Threads alive now (busy or idle). */
    public synchronized int threads() {
        return workers.size();
    }

    /** Tasks waiting for a thread. */
    public synchronized int queued() {
        return queue.size();
    }

    /** Stops taking work, drops what is queued and interrupts the threads. */
    public void shutdownNow() {
        synchronized (this) {
            shutdown = true;
            queue.clear();
            notifyAll();
            for (Thread t : workers) {
                t.interrupt();
            }
        }
    }
}
