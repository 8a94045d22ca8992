package dev.cnidhcp.daemon.netns;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs work inside another network namespace.
 *
 * <p>Threads: each call starts a fresh, named platform thread, which enters the namespace with
 * {@code setns(CLONE_NEWNET)}, runs the task and ends. Such a thread is never returned to a pool, so
 * no other code ever runs in a namespace it did not ask for. Sockets opened by the task stay in that
 * namespace. When the namespace cannot be entered the task does not run at all.
 */
public final class Namespaces {
    private static final AtomicLong SEQUENCE = new AtomicLong();

    private Namespaces() {
    }

    /** Loads the native layer now (at daemon start) instead of on the first request. */
    public static void preload() {
        Native.load();
    }

    /**
     * Runs {@code task} on a new thread inside the network namespace at {@code nsPath} and waits for
     * it at most {@code timeoutMillis}.
     *
     * @param label names the thread, e.g. the container id and interface
     * @throws IOException when the namespace cannot be entered, or what the task threw
     */
    public static <T> T call(Path nsPath, String label, long timeoutMillis, Callable<T> task)
            throws IOException, TimeoutException, InterruptedException {
        CompletableFuture<T> result = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                enter(nsPath);
                result.complete(task.call());
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        }, "netns-" + label + "-" + SEQUENCE.incrementAndGet());
        thread.setDaemon(true);
        thread.start();
        try {
            return result.get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IOException(cause.getMessage(), cause);
        }
    }

    private static void enter(Path nsPath) throws IOException {
        LibC libc = Native.LIBC;
        int fd = libc.open(nsPath.toString(), LibC.O_RDONLY | LibC.O_CLOEXEC);
        if (fd < 0) {
            throw Native.failure("open", nsPath.toString());
        }
        try {
            if (libc.setns(fd, LibC.CLONE_NEWNET) != 0) {
                throw Native.failure("setns", nsPath + " (is it a network namespace?)");
            }
        } finally {
            libc.close(fd);
        }
    }
}
