package dev.cnidhcp.daemon.netns;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs work inside another network namespace.
 *
 * <p>Threads: each call starts a fresh, named platform thread, which enters the namespace with
 * {@code setns(CLONE_NEWNET)}, runs the task and ends. Such a thread is never returned to a pool, so
 * no other code ever runs in a namespace it did not ask for. Sockets opened by the task stay in that
 * namespace. When the namespace cannot be entered the task does not run at all. The namespace file is
 * checked at every entry ({@link NamespaceFiles#openNetworkNamespace}): a path that names anything
 * but a network namespace by then is not opened for reading, and the task does not run.
 *
 * <p>A caller that stops waiting (its timeout passes, or it is interrupted) cancels the task through
 * its {@link TaskHandle}: the task's polls wake and throw {@link CancelledException}, its sleeps are
 * interrupted, and it unwinds, closing its sockets, on its own thread. Exactly one of two things
 * happens to a result: it is handed to the caller, or, when the caller had already given up, it goes
 * to the call's {@link Orphan} handler on the namespace thread (for a lease: released, never left
 * unrecorded).
 */
public final class Namespaces {
    private static final Logger LOG = Logger.getLogger(Namespaces.class.getName());
    private static final AtomicLong SEQUENCE = new AtomicLong();

    private Namespaces() {
    }

    /** Work for a namespace thread. */
    @FunctionalInterface
    public interface Task<T> {
        /** @param handle says when the caller gave up; pass it to every socket that waits */
        T run(TaskHandle handle) throws Exception;
    }

    /** What becomes of a result that arrived after its caller gave up; runs on the namespace thread. */
    @FunctionalInterface
    public interface Orphan<T> {
        void adopt(T result) throws Exception;
    }

    /** How the new thread gets into its namespace (setns in production; nothing in tests). */
    @FunctionalInterface
    interface Entry {
        void enter() throws IOException;
    }

    /** Loads the native layer now (at daemon start) instead of on the first request. */
    public static void preload() {
        Native.load();
    }

    /**
     * Runs {@code task} on a new thread inside the network namespace at {@code nsPath} and waits for
     * it at most {@code timeoutMillis}; past that, or when interrupted, cancels it.
     *
     * @param label  names the thread, e.g. the container id and interface
     * @param orphan gets a result the task produced after the caller gave up (null: dropped)
     * @throws IOException when the namespace cannot be entered, or what the task threw
     */
    public static <T> T call(Path nsPath, String label, long timeoutMillis, Task<T> task, Orphan<? super T> orphan)
            throws IOException, TimeoutException, InterruptedException {
        return run("netns-" + label + "-" + SEQUENCE.incrementAndGet(), () -> enter(nsPath), timeoutMillis, task, orphan);
    }

    /** As {@link #call}, entering the namespace through {@code entry}. */
    static <T> T run(String threadName, Entry entry, long timeoutMillis, Task<T> task, Orphan<? super T> orphan)
            throws IOException, TimeoutException, InterruptedException {
        TaskHandle handle = TaskHandle.open();
        Handoff<T> handoff = new Handoff<>();
        Thread thread = new Thread(() -> {
            try {
                T value;
                try {
                    entry.enter();
                    value = task.run(handle);
                } catch (Throwable t) {
                    handoff.fail(t);
                    return;
                }
                if (handoff.deliver(value)) {
                    for (TaskHandle.FollowUp followUp : handle.followUps()) {
                        runQuietly(() -> followUp.run(handle), "a follow-up");
                    }
                } else if (orphan != null) {
                    runQuietly(() -> orphan.adopt(value), "the result of a task whose caller gave up");
                }
            } finally {
                handle.finish();
            }
        }, threadName);
        thread.setDaemon(true);
        handle.bind(thread);
        try {
            thread.start();
        } catch (Throwable t) {
            handle.finish();
            throw t;
        }
        try {
            return handoff.await(timeoutMillis);
        } catch (TimeoutException | InterruptedException e) {
            handle.cancel();
            throw e;
        }
    }

    private interface Action {
        void run() throws Exception;
    }

    private static void runQuietly(Action action, String what) {
        try {
            action.run();
        } catch (Exception | LinkageError e) {
            LOG.log(Level.WARNING, "handling " + what + " failed: " + e.getMessage(), e);
        }
    }

    /** One result, handed to the caller or, once the caller gave up, refused (exactly one of both). */
    private static final class Handoff<T> {
        private boolean done;
        private boolean abandoned;
        private T value;
        private Throwable failure;

        /** The task's side: false when the caller gave up first (the value is then the thread's to handle). */
        synchronized boolean deliver(T result) {
            if (abandoned) {
                return false;
            }
            value = result;
            done = true;
            notifyAll();
            return true;
        }

        synchronized void fail(Throwable t) {
            failure = t;
            done = true;
            notifyAll();
        }

        /** The caller's side; gives up (and says so, atomically) at the timeout or when interrupted. */
        synchronized T await(long timeoutMillis) throws IOException, TimeoutException, InterruptedException {
            long end = System.nanoTime() + Math.max(0, timeoutMillis) * 1_000_000L;
            try {
                while (!done) {
                    long left = end - System.nanoTime();
                    if (left <= 0) {
                        abandoned = true;
                        throw new TimeoutException("no result within " + timeoutMillis + " ms");
                    }
                    wait(left / 1_000_000L, (int) (left % 1_000_000L));
                }
            } catch (InterruptedException e) {
                if (!done) {
                    abandoned = true;
                    throw e;
                }
                Thread.currentThread().interrupt(); // the result is here: hand it over, keep the flag
            }
            if (failure == null) {
                return value;
            }
            if (failure instanceof IOException io) {
                throw io;
            }
            if (failure instanceof RuntimeException re) {
                throw re;
            }
            if (failure instanceof Error err) {
                throw err;
            }
            throw new IOException(failure.getMessage(), failure);
        }
    }

    /**
     * Opens the namespace as {@link NamespaceFiles#openNetworkNamespace} does (nothing that is not a
     * network namespace is opened for reading, whatever the path names by now) and enters it.
     */
    private static void enter(Path nsPath) throws IOException {
        LibC libc = Native.LIBC;
        int fd = NamespaceFiles.openNetworkNamespace(nsPath);
        try {
            if (libc.setns(fd, LibC.CLONE_NEWNET) != 0) {
                throw Native.failure("setns", nsPath + " (is it a network namespace?)");
            }
        } finally {
            libc.close(fd);
        }
    }
}
