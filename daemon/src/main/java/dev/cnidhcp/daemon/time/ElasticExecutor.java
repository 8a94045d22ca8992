package dev.cnidhcp.daemon.time;

import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * An executor that never rejects work while it runs: a task is handed to an idle thread, else to a
 * new thread while fewer than {@code maxThreads} exist, else queued without bound (and run, late,
 * when a thread is free). Threads idle for {@code keepAlive} end, so the count falls back to what
 * the load needs. (A {@code ThreadPoolExecutor} cannot do both: with a bounded queue it rejects, and
 * with an unbounded one it starts a thread per task up to its core size even while others idle.)
 *
 * <p>Idle threads are handed work last-in first-out: the thread that became idle most recently
 * takes the next task, so under a steady trickle of work the same few threads stay busy and the
 * others reach their keep-alive and end (a first-in first-out hand-off would keep every thread of
 * the last burst alive forever by giving each one a task now and then).
 *
 * <p>Threads: the ones it makes, named by its factory; a task that throws is logged and the thread
 * goes on. {@link #shutdownNow()} drops what is queued and interrupts the threads (the daemon stops).
 */
public final class ElasticExecutor implements Executor {
    private static final Logger LOG = Logger.getLogger(ElasticExecutor.class.getName());

    private final int maxThreads;
    private final long keepAliveNanos;
    private final ThreadFactory threads;
    // Guarded by this:
    private final ArrayDeque<Runnable> queue = new ArrayDeque<>();
    private final ArrayDeque<Worker> idle = new ArrayDeque<>(); // most recently idle first
    private final Set<Thread> workers = new HashSet<>();
    private boolean shutdown;

    public ElasticExecutor(int maxThreads, long keepAlive, TimeUnit unit, ThreadFactory threads) {
        if (maxThreads < 1) {
            throw new IllegalArgumentException("maxThreads: " + maxThreads + " (expected: >= 1)");
        }
        this.maxThreads = maxThreads;
        this.keepAliveNanos = unit.toNanos(keepAlive);
        this.threads = threads;
    }

    /** One thread's hand-off slot: set under the executor's lock, then the thread is unparked. */
    private final class Worker implements Runnable {
        private Runnable next;
        private Thread thread;

        Worker(Runnable first) {
            this.next = first;
        }

        @Override
        public void run() {
            Runnable task = take();
            while (task != null) {
                try {
                    task.run();
                } catch (RuntimeException | Error e) {
                    LOG.log(Level.SEVERE, "a task failed on " + Thread.currentThread().getName(), e);
                }
                task = take();
            }
        }

        /** This thread's next task: handed over, queued, or waited for up to keep-alive; null: end. */
        private Runnable take() {
            long deadline = System.nanoTime() + keepAliveNanos;
            synchronized (ElasticExecutor.this) {
                Runnable task = handedOrQueued();
                if (task != null || shutdown) {
                    return leaveIfNull(task);
                }
                idle.push(this);
            }
            while (true) {
                long left = deadline - System.nanoTime();
                if (left > 0) {
                    LockSupport.parkNanos(this, left);
                    Thread.interrupted(); // only shutdown ends an idle thread early, and it says so below
                }
                synchronized (ElasticExecutor.this) {
                    if (next != null || shutdown || deadline - System.nanoTime() <= 0) {
                        idle.remove(this);
                        return leaveIfNull(shutdown ? null : handedOrQueued());
                    }
                }
            }
        }

        private Runnable handedOrQueued() {
            Runnable task = next;
            next = null;
            return task != null ? task : queue.pollFirst();
        }

        private Runnable leaveIfNull(Runnable task) {
            if (task == null) {
                workers.remove(thread);
            }
            return task;
        }
    }

    /** @throws RejectedExecutionException only after {@link #shutdownNow()} */
    @Override
    public void execute(Runnable task) {
        synchronized (this) {
            if (shutdown) {
                throw new RejectedExecutionException("executor shut down");
            }
            Worker waiting = idle.pollFirst();
            if (waiting != null) {
                waiting.next = task;
                LockSupport.unpark(waiting.thread);
                return;
            }
            if (workers.size() >= maxThreads) {
                queue.addLast(task); // the next thread to finish takes it
                return;
            }
            Worker worker = new Worker(task);
            Thread thread = threads.newThread(worker);
            worker.thread = thread;
            workers.add(thread); // before start: the thread may be done with its task and leave at once
            try {
                thread.start();
            } catch (RuntimeException | Error e) { // no native thread left
                workers.remove(thread);
                if (workers.isEmpty()) {
                    throw e; // nobody would run it: the caller keeps it and tries again
                }
                LOG.warning("cannot start another worker (" + e + "); the task waits for one of the "
                        + workers.size() + " running");
                queue.addLast(task);
            }
        }
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
            for (Worker w : idle) {
                LockSupport.unpark(w.thread);
            }
            for (Thread t : workers) {
                t.interrupt();
            }
        }
    }
}
