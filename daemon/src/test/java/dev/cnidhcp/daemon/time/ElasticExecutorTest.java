package dev.cnidhcp.daemon.time;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ElasticExecutorTest {
    private final AtomicInteger made = new AtomicInteger();
    private ElasticExecutor executor = new ElasticExecutor(3, 200, TimeUnit.MILLISECONDS, r -> {
        made.incrementAndGet();
        return new Thread(r, "test-elastic");
    });

    @AfterEach
    void stop() {
        executor.shutdownNow();
    }

    @Test
    void neverRejectsAndRunsEverythingEvenFarBeyondItsThreads() throws Exception {
        CountDownLatch ran = new CountDownLatch(10_000);
        for (int i = 0; i < 10_000; i++) {
            executor.execute(ran::countDown);
        }
        assertTrue(ran.await(30, TimeUnit.SECONDS), ran.getCount() + " never ran");
        assertTrue(made.get() <= 3, "threads made: " + made.get());
    }

    @Test
    void neverRunsMoreThanItsLimitAtOnceAndQueuesTheRest() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch ran = new CountDownLatch(10);
        for (int i = 0; i < 10; i++) {
            executor.execute(() -> {
                awaitQuietly(release);
                ran.countDown();
            });
        }
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (executor.queued() > 7 && System.nanoTime() < end) {
            Thread.sleep(5); // the three threads are taking their first tasks
        }
        Thread.sleep(50);
        assertEquals(3, executor.threads());
        assertEquals(7, executor.queued(), "the rest wait; none is refused");
        release.countDown();
        assertTrue(ran.await(10, TimeUnit.SECONDS));
    }

    @Test
    void reusesAnIdleThreadInsteadOfStartingAnother() throws Exception {
        for (int i = 0; i < 50; i++) {
            CountDownLatch ran = new CountDownLatch(1);
            executor.execute(ran::countDown);
            assertTrue(ran.await(5, TimeUnit.SECONDS));
            Thread.sleep(2); // the thread is idle again before the next task
        }
        assertEquals(1, made.get(), "one idle thread takes every task in turn");
    }

    @Test
    void aTrickleOfWorkAfterABurstKeepsOnlyTheThreadsItNeeds() throws Exception {
        executor = new ElasticExecutor(20, 300, TimeUnit.MILLISECONDS, r -> new Thread(r, "test-elastic"));
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch burst = new CountDownLatch(20);
        for (int i = 0; i < 20; i++) {
            executor.execute(() -> {
                awaitQuietly(release);
                burst.countDown();
            });
        }
        assertEquals(20, executor.threads(), "a burst of 20 tasks that wait: 20 threads");
        release.countDown();
        assertTrue(burst.await(5, TimeUnit.SECONDS));

        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1_500);
        while (System.nanoTime() < end) { // one short task every 20 ms, for longer than the keep-alive
            CountDownLatch ran = new CountDownLatch(1);
            executor.execute(ran::countDown);
            assertTrue(ran.await(5, TimeUnit.SECONDS));
            Thread.sleep(20);
        }

        assertTrue(executor.threads() <= 2, "the idle ones ended although work kept coming: " + executor.threads());
    }

    @Test
    void idleThreadsEndAfterTheKeepAlive() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        for (int i = 0; i < 3; i++) {
            executor.execute(() -> awaitQuietly(release));
        }
        assertEquals(3, executor.threads());
        release.countDown();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (executor.threads() > 0 && System.nanoTime() < end) {
            Thread.sleep(20);
        }
        assertEquals(0, executor.threads());
    }

    @Test
    void aFailingTaskDoesNotCostAThread() throws Exception {
        executor = new ElasticExecutor(1, 1, TimeUnit.SECONDS, r -> new Thread(r, "test-elastic"));
        java.util.logging.Logger.getLogger(ElasticExecutor.class.getName()).setLevel(java.util.logging.Level.OFF);
        executor.execute(() -> {
            throw new IllegalStateException("a bug");
        });
        CountDownLatch ran = new CountDownLatch(1);
        executor.execute(ran::countDown);
        assertTrue(ran.await(5, TimeUnit.SECONDS));
    }

    @Test
    void rejectsOnlyAfterShutdown() {
        executor.shutdownNow();
        assertThrows(RejectedExecutionException.class, () -> executor.execute(() -> { }));
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
