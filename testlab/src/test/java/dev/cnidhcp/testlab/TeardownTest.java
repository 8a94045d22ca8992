package dev.cnidhcp.testlab;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;

class TeardownTest {
    @Test
    void theCleanupRunsOnceHoweverOftenItIsClosed() {
        AtomicInteger runs = new AtomicInteger();
        Teardown teardown = Teardown.atExit("teardown-test", runs::incrementAndGet);

        teardown.run();
        teardown.run();

        assertEquals(1, runs.get());
    }
}
