package dev.cnidhcp.daemon.netns;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The hand-over and cancellation of namespace tasks, with real threads and the real eventfd wake-up,
 * entering no namespace (so no privileges are needed).
 */
class NamespacesTest {
    private static final Namespaces.Entry STAY = () -> { };

    @Test
    void aTaskBlockedInAPollEndsPromptlyWhenItsCallerTimesOut() throws Exception {
        CountDownLatch ended = new CountDownLatch(1);
        AtomicReference<Throwable> seen = new AtomicReference<>();
        long started = System.nanoTime();
        assertThrows(TimeoutException.class, () -> Namespaces.run("test-blocked", STAY, 100, handle -> {
            try {
                handle.sleep(60_000);
                return "slept a minute";
            } catch (IOException e) {
                seen.set(e);
                throw e;
            } finally {
                ended.countDown();
            }
        }, null));
        assertTrue(ended.await(2, TimeUnit.SECONDS), "the task thread is still blocked");
        assertInstanceOf(CancelledException.class, seen.get());
        assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(2));
    }

    @Test
    void aResultThatArrivesAfterTheCallerGaveUpGoesToTheOrphanHandlerNotToTheVoid() throws Exception {
        CompletableFuture<String> orphaned = new CompletableFuture<>();
        assertThrows(TimeoutException.class, () -> Namespaces.run("test-late", STAY, 50, handle -> {
            // an exchange that got its lease just as its caller gave up, ignoring the cancellation
            while (!handle.cancelled()) {
                Thread.onSpinWait();
            }
            return "late lease";
        }, orphaned::complete));
        assertEquals("late lease", orphaned.get(2, TimeUnit.SECONDS));
    }

    @Test
    void aResultInTimeIsReturnedAndItsFollowUpRunsAfterTheHandover() throws Exception {
        CountDownLatch callerHasResult = new CountDownLatch(1);
        CompletableFuture<Boolean> followUpSawHandover = new CompletableFuture<>();
        AtomicBoolean orphaned = new AtomicBoolean();
        String result = Namespaces.run("test-in-time", STAY, 5_000, handle -> {
            handle.afterHandover(h -> followUpSawHandover.complete(callerHasResult.await(2, TimeUnit.SECONDS)));
            return "lease";
        }, r -> orphaned.set(true));
        assertEquals("lease", result);
        callerHasResult.countDown();
        assertTrue(followUpSawHandover.get(3, TimeUnit.SECONDS), "the follow-up ran before the caller had the result");
        assertFalse(orphaned.get());
    }

    @Test
    void anInterruptedCallerCancelsTheTaskToo() throws Exception {
        CompletableFuture<Throwable> taskSaw = new CompletableFuture<>();
        CompletableFuture<Throwable> callerSaw = new CompletableFuture<>();
        Thread caller = new Thread(() -> {
            try {
                Namespaces.run("test-interrupted", STAY, 60_000, handle -> {
                    try {
                        handle.sleep(60_000);
                        return null;
                    } catch (IOException e) {
                        taskSaw.complete(e);
                        throw e;
                    }
                }, null);
                callerSaw.complete(null);
            } catch (Throwable t) {
                callerSaw.complete(t);
            }
        });
        caller.start();
        Thread.sleep(100);
        caller.interrupt();
        assertInstanceOf(InterruptedException.class, callerSaw.get(2, TimeUnit.SECONDS));
        assertInstanceOf(CancelledException.class, taskSaw.get(2, TimeUnit.SECONDS));
    }

    @Test
    void whatTheTaskThrowsReachesTheCallerAndATaskThatCannotEnterDoesNotRun() throws Exception {
        IOException failure = new IOException("no such interface");
        assertSame(failure, assertThrows(IOException.class,
                () -> Namespaces.run("test-fails", STAY, 2_000, handle -> {
                    throw failure;
                }, null)));
        AtomicBoolean ran = new AtomicBoolean();
        IOException entry = assertThrows(IOException.class, () -> Namespaces.run("test-no-entry", () -> {
            throw new IOException("setns failed");
        }, 2_000, handle -> ran.getAndSet(true), null));
        assertEquals("setns failed", entry.getMessage());
        assertFalse(ran.get());
    }

    @Test
    void anUncancellableHandleSleepsItsFullTime() throws Exception {
        TaskHandle handle = TaskHandle.uncancellable();
        long started = System.nanoTime();
        handle.sleep(30);
        assertTrue(System.nanoTime() - started >= TimeUnit.MILLISECONDS.toNanos(29));
        assertFalse(handle.cancelled());
    }
}
