package dev.cnidhcp.daemon.time;

import dev.cnidhcp.daemon.testing.FakeClock;
import dev.cnidhcp.daemon.testing.SteppableTicker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link TimerQueue} with its real thread, a real {@link ElasticExecutor} and real clocks. */
class TimerQueueTest {
    private static final Logger QUIET = Logger.getLogger(TimerQueue.class.getName());

    static {
        QUIET.setLevel(Level.OFF); // late and missed timers are logged loudly on purpose
    }

    private final SteppableTicker ticker = new SteppableTicker();
    private final FakeClock wall = new FakeClock();
    private final MonotonicClock clock = MonotonicClock.start(wall, ticker);
    private final List<Duration> lateness = new CopyOnWriteArrayList<>();
    private final AtomicInteger missed = new AtomicInteger();
    private final TimerQueue.Observer observer = new TimerQueue.Observer() {
        @Override
        public void ran(Duration late) {
            lateness.add(late);
        }

        @Override
        public void missedDeadline(Duration by) {
            missed.incrementAndGet();
        }
    };
    private ElasticExecutor workers = new ElasticExecutor(8, 1, TimeUnit.SECONDS, r -> new Thread(r, "test-worker"));
    private TimerQueue timers = new TimerQueue(clock, workers, observer);

    @AfterEach
    void stop() {
        timers.close();
        workers.shutdownNow();
    }

    @Test
    void fiveThousandTimersDueAtOneInstantAllRun() throws Exception {
        Instant due = clock.instant().plusMillis(200);
        CountDownLatch ran = new CountDownLatch(5000);
        AtomicInteger runs = new AtomicInteger();
        for (int i = 0; i < 5000; i++) {
            timers.at(due, () -> {
                runs.incrementAndGet();
                sleep(1); // an exchange takes time: the workers fall behind and the rest queue
                ran.countDown();
            });
        }

        assertTrue(ran.await(60, TimeUnit.SECONDS), ran.getCount() + " of 5000 never ran");
        assertEquals(5000, runs.get());
        assertEquals(0, timers.pending());
        assertTrue(workers.threads() <= 8, "at most the workers' limit: " + workers.threads());
        awaitObserved(5000);
        Duration worst = lateness.stream().max(Duration::compareTo).orElseThrow();
        assertTrue(worst.toMillis() >= 300, "the last ones ran late (5000 x 1 ms on 8 threads): " + worst);
    }

    @Test
    void timersDueWhileEveryWorkerIsBusyRunLateRatherThanNever() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        for (int i = 0; i < 8; i++) {
            workers.execute(() -> await(release)); // every worker stuck in a slow exchange
        }
        CountDownLatch ran = new CountDownLatch(100);
        Instant due = clock.instant();
        for (int i = 0; i < 100; i++) {
            timers.at(due, ran::countDown);
        }

        assertFalse(ran.await(300, TimeUnit.MILLISECONDS), "nothing can run while every worker is busy");
        release.countDown();

        assertTrue(ran.await(10, TimeUnit.SECONDS), ran.getCount() + " of 100 were dropped");
        awaitObserved(100);
        assertTrue(lateness.stream().allMatch(d -> d.toMillis() >= 250), "each one measured as late: " + lateness);
    }

    @Test
    void aTaskThatStartsAfterItsDeadlineIsCountedAsMissed() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        for (int i = 0; i < 8; i++) {
            workers.execute(() -> await(release));
        }
        Instant now = clock.instant();
        CountDownLatch ran = new CountDownLatch(2);
        timers.at(now, now.plusMillis(100), ran::countDown);   // will start too late
        timers.at(now, now.plusSeconds(60), ran::countDown);   // late, but before its deadline

        sleep(400);
        release.countDown();

        assertTrue(ran.await(10, TimeUnit.SECONDS));
        assertEquals(1, missed.get());
    }

    @Test
    void aCancelledTimerNeverRuns() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        Scheduler.Cancellable first = timers.at(clock.instant().plusMillis(100), runs::incrementAndGet);
        CountDownLatch second = new CountDownLatch(1);
        timers.at(clock.instant().plusMillis(150), second::countDown);

        first.cancel();

        assertTrue(second.await(5, TimeUnit.SECONDS));
        sleep(100);
        assertEquals(0, runs.get());
    }

    @Test
    void aStepOfTheWallClockRunsNothing() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        timers.at(clock.instant().plusSeconds(60), runs::incrementAndGet);

        wall.advance(Duration.ofHours(5));
        sleep(1_300); // more than MAX_SLEEP: the timer thread has read the clock again
        wall.set(FakeClock.START.minus(Duration.ofHours(5)));
        sleep(1_300);

        assertEquals(0, runs.get());
        assertEquals(1, timers.pending());
    }

    @Test
    void aForwardJumpOfBootTimeRunsWhatFellDueWithinASecond() throws Exception {
        CountDownLatch ran = new CountDownLatch(1);
        AtomicLong ranAt = new AtomicLong();
        timers.at(clock.instant().plus(Duration.ofHours(2)), () -> {
            ranAt.set(System.nanoTime());
            ran.countDown();
        });
        sleep(50); // the timer thread is asleep, waiting for a timer two hours away

        long jumped = System.nanoTime();
        ticker.jump(Duration.ofHours(2)); // the machine was suspended for two hours

        assertTrue(ran.await(3, TimeUnit.SECONDS));
        long tookMillis = (ranAt.get() - jumped) / 1_000_000;
        assertTrue(tookMillis <= TimerQueue.MAX_SLEEP.toMillis() + 300, "ran " + tookMillis + " ms after the jump");
    }

    @Test
    void timersRunInTheOrderTheyFallDue() throws Exception {
        List<Integer> order = new CopyOnWriteArrayList<>();
        workers.shutdownNow();
        workers = new ElasticExecutor(1, 1, TimeUnit.SECONDS, r -> new Thread(r, "test-worker"));
        timers.close();
        timers = new TimerQueue(clock, workers, observer);
        Instant base = clock.instant().plusMillis(100);
        CountDownLatch ran = new CountDownLatch(3);
        timers.at(base.plusMillis(60), () -> { order.add(3); ran.countDown(); });
        timers.at(base, () -> { order.add(1); ran.countDown(); });
        timers.at(base.plusMillis(30), () -> { order.add(2); ran.countDown(); });

        assertTrue(ran.await(5, TimeUnit.SECONDS));
        assertEquals(List.of(1, 2, 3), order);
    }

    @Test
    void realClocksToo() throws Exception {
        TimerQueue system = new TimerQueue(MonotonicClock.start(Clock.systemUTC(), Ticker.SYSTEM), workers, observer);
        try {
            CountDownLatch ran = new CountDownLatch(1);
            system.at(Instant.now().plusMillis(50), ran::countDown);
            assertTrue(ran.await(5, TimeUnit.SECONDS));
        } finally {
            system.close();
        }
    }

    private void awaitObserved(int count) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (lateness.size() < count && System.nanoTime() < end) {
            Thread.sleep(10);
        }
        assertEquals(count, lateness.size());
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
