package dev.cnidhcp.daemon.netns;

import dev.cnidhcp.daemon.dhcp.NoLeaseException;

import java.io.IOException;
import java.net.Inet4Address;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * RFC 2131 3.1.5: a client that sent DHCPDECLINE waits at least 10 s before it starts configuring
 * again, so a server that keeps offering the same address is not asked again at once. An ADD whose
 * deadline comes before the wait would end fails at once instead.
 */
final class DeclinePause {
    /** The RFC's minimum. */
    static final Duration RFC_2131 = Duration.ofSeconds(10);

    /** How the wait is spent (the namespace thread's cancellable sleep in production). */
    @FunctionalInterface
    interface Sleeper {
        void sleep(long millis) throws IOException;
    }

    private final Duration pause;
    private final Clock clock;

    DeclinePause(Duration pause, Clock clock) {
        if (pause.isNegative()) {
            throw new IllegalArgumentException("pause: " + pause + " (expected: not negative)");
        }
        this.pause = pause;
        this.clock = clock;
    }

    /**
     * Waits the pause after {@code declined} was declined.
     *
     * @throws NoLeaseException when {@code deadline} comes before the pause would end
     */
    void await(Instant deadline, Inet4Address declined, Sleeper sleeper) throws IOException, NoLeaseException {
        Instant resume = clock.instant().plus(pause);
        if (resume.isAfter(deadline)) {
            throw new NoLeaseException(declined.getHostAddress() + " was in use by another host (ARP) and declined; "
                    + "a new attempt must wait " + pause.toSeconds() + " s after a DHCPDECLINE (RFC 2131 3.1.5), "
                    + "longer than the " + Math.max(0, Duration.between(clock.instant(), deadline).toSeconds())
                    + " s left to this ADD");
        }
        sleeper.sleep(pause.toMillis());
    }
}
