package dev.cnidhcp.daemon.netns;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * What a namespace task ({@link Namespaces#call}) gets besides its namespace: word that its caller
 * gave up, as a flag and as an eventfd that every poll of the task's sockets also waits on, so a
 * blocked exchange wakes at once and unwinds (closing its sockets on its own thread); and follow-ups
 * that run on the same thread once the result has been handed over.
 *
 * <p>Threads: the namespace thread owns the task, its sockets and its follow-ups; the caller's thread
 * only calls {@link #cancel}. The eventfd is closed by the namespace thread ({@link #finish}) under
 * the same lock that {@link #cancel} writes to it under, so a late cancel never writes to a closed or
 * reused descriptor. Sockets are never closed from the caller's thread: a descriptor closed while
 * another thread polls it may be reused by an unrelated socket before that thread looks again.
 */
public final class TaskHandle {
    /** A handle nobody cancels (tests, and work that must finish, such as a release). */
    private static final int NO_FD = -1;

    private final int wakeFd;
    private final List<FollowUp> followUps = new ArrayList<>();
    private Thread thread;
    private boolean cancelled;
    private boolean finished;

    /** Work for the namespace thread after the result went back to the caller. */
    @FunctionalInterface
    public interface FollowUp {
        void run(TaskHandle handle) throws Exception;
    }

    private TaskHandle(int wakeFd) {
        this.wakeFd = wakeFd;
    }

    /** A handle with its eventfd. */
    static TaskHandle open() throws IOException {
        int fd = Native.LIBC.eventfd(0, LibC.EFD_CLOEXEC | LibC.EFD_NONBLOCK);
        if (fd < 0) {
            throw Native.failure("eventfd", "task cancellation");
        }
        return new TaskHandle(fd);
    }

    /** A handle that is never cancelled: its polls wait on the socket alone. */
    public static TaskHandle uncancellable() {
        return new TaskHandle(NO_FD);
    }

    synchronized void bind(Thread owner) {
        this.thread = owner;
    }

    /** The eventfd that becomes readable on cancel, or -1 (poll ignores negative descriptors). */
    int wakeFd() {
        return wakeFd;
    }

    public synchronized boolean cancelled() {
        return cancelled;
    }

    /** Throws {@link CancelledException} once the caller gave up. */
    public void checkCancelled() throws CancelledException {
        if (cancelled()) {
            throw new CancelledException("the caller stopped waiting");
        }
    }

    /**
     * Waits {@code millis}, or less when cancelled.
     *
     * @throws CancelledException when the caller gave up before or during the wait
     */
    public void sleep(long millis) throws IOException {
        checkCancelled();
        if (millis <= 0) {
            return;
        }
        PacketSockets.awaitAny(new int[0], System.nanoTime() + millis * 1_000_000L, this);
    }

    /**
     * Runs {@code followUp} on the namespace thread after the task's result has been handed to the
     * caller (not when the caller gave up or the task failed). A follow-up must be short and bounded:
     * nobody waits for it, and it holds the namespace open while it runs.
     */
    public synchronized void afterHandover(FollowUp followUp) {
        followUps.add(followUp);
    }

    synchronized List<FollowUp> followUps() {
        return List.copyOf(followUps);
    }

    /** The caller's side: wakes the task's polls and interrupts its sleeps. Idempotent. */
    synchronized void cancel() {
        if (cancelled) {
            return;
        }
        cancelled = true;
        if (!finished) {
            if (wakeFd >= 0) {
                byte[] one = new byte[8];
                one[java.nio.ByteOrder.nativeOrder() == java.nio.ByteOrder.LITTLE_ENDIAN ? 0 : 7] = 1;
                Native.LIBC.write(wakeFd, one, 8);
            }
            if (thread != null) {
                thread.interrupt();
            }
        }
    }

    /** The namespace thread's side, once everything it ran has ended: closes the eventfd. */
    synchronized void finish() {
        if (!finished) {
            finished = true;
            if (wakeFd >= 0) {
                Native.LIBC.close(wakeFd);
            }
        }
    }
}
