package dev.cnidhcp.daemon.server;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which environments mean "systemd passed this process its listening socket" (sd_listen_fds(3)). */
class SystemdActivationTest {
    private static final long PID = 4242;

    private static int passed(Map<String, String> env) throws IOException {
        return SystemdActivation.passedDescriptors(env, PID);
    }

    @Test
    void noVariablesMeansNoSocketPassed() throws IOException {
        assertEquals(0, passed(Map.of()));
    }

    @Test
    void oneSocketForThisProcess() throws IOException {
        assertEquals(1, passed(Map.of("LISTEN_PID", "4242", "LISTEN_FDS", "1")));
    }

    @Test
    void severalSocketsAreCounted() throws IOException {
        assertEquals(2, passed(Map.of("LISTEN_PID", "4242", "LISTEN_FDS", "2", "LISTEN_FDNAMES", "a:b")));
    }

    @Test
    void variablesForAnotherProcessAreIgnored() throws IOException {
        assertEquals(0, passed(Map.of("LISTEN_PID", "4241", "LISTEN_FDS", "1")));
    }

    @Test
    void listenFdsZeroMeansNoSocketPassed() throws IOException {
        assertEquals(0, passed(Map.of("LISTEN_PID", "4242", "LISTEN_FDS", "0")));
    }

    @Test
    void listenFdsMissingMeansNoSocketPassed() throws IOException {
        assertEquals(0, passed(Map.of("LISTEN_PID", "4242")));
    }

    @Test
    void listenFdsWithoutListenPidIsNotForThisProcess() throws IOException {
        assertEquals(0, passed(Map.of("LISTEN_FDS", "1")));
    }

    @Test
    void malformedListenPidIsAnErrorNamingIt() {
        IOException e = assertThrows(IOException.class, () -> passed(Map.of("LISTEN_PID", "self", "LISTEN_FDS", "1")));
        assertTrue(e.getMessage().contains("LISTEN_PID=\"self\""), e.getMessage());
    }

    @Test
    void malformedListenFdsForThisProcessIsAnErrorNamingIt() {
        IOException e = assertThrows(IOException.class, () -> passed(Map.of("LISTEN_PID", "4242", "LISTEN_FDS", "-1")));
        assertTrue(e.getMessage().contains("LISTEN_FDS=\"-1\""), e.getMessage());
    }

    @Test
    void malformedListenFdsForAnotherProcessIsNotLookedAt() throws IOException {
        assertEquals(0, passed(Map.of("LISTEN_PID", "1", "LISTEN_FDS", "x")));
    }
}
