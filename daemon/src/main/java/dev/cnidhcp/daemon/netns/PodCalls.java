package dev.cnidhcp.daemon.netns;

import dev.cnidhcp.daemon.dhcp.NoLeaseException;
import dev.cnidhcp.daemon.lease.Attachment;
import dev.cnidhcp.daemon.lease.AttachmentGoneException;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeoutException;

/**
 * Calls into a pod's network namespace for the DHCP transports ({@link NetnsDhcp}, {@link NetnsDhcp6}):
 * one {@link Namespaces#call} with the caller's deadline (plus a grace for the namespace thread to
 * unwind), a namespace that is gone reported as {@link AttachmentGoneException}, and what the task
 * threw unwrapped. Immutable; any thread.
 */
final class PodCalls {
    /** The deadline of a call that exchanges nothing with a server (a check, a release, a link change). */
    private static final Duration SHORT_CALL = Duration.ofSeconds(3);
    /** How long past the deadline the caller waits for the namespace thread to hand over or give up. */
    private static final long GRACE_MILLIS = 2_000;

    private final Clock clock;
    private final String labelSuffix;

    /** @param labelSuffix appended to the interface name in the namespace thread's name ("" or "-v6") */
    PodCalls(Clock clock, String labelSuffix) {
        this.clock = clock;
        this.labelSuffix = labelSuffix;
    }

    /** Runs {@code task} in {@code netns} until {@code deadline}; a late result goes to {@code orphan}. */
    <T> T call(Path netns, String ifname, Instant deadline, Namespaces.Task<T> task,
               Namespaces.Orphan<? super T> orphan) throws IOException, NoLeaseException {
        if (netns == null) {
            throw new IOException("no network namespace given");
        }
        if (!Files.exists(netns)) {
            throw new AttachmentGoneException("network namespace " + netns + " no longer exists");
        }
        long waitMillis = millisUntil(deadline) + GRACE_MILLIS;
        try {
            return Namespaces.call(netns, ifname + labelSuffix, waitMillis, task, orphan);
        } catch (IOException e) {
            if (e.getCause() instanceof NoLeaseException nle) {
                throw nle;
            }
            throw e;
        } catch (TimeoutException e) {
            throw new IOException("no result from namespace " + netns + " within " + waitMillis
                    + " ms; the exchange was cancelled");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while working in " + netns);
        }
    }

    /** A call that exchanges nothing with a server, with {@link #shortDeadline()}. */
    <T> T shortCall(Path netns, String ifname, Namespaces.Task<T> task) throws IOException {
        return shortCall(netns, ifname, task, null);
    }

    /** As {@link #shortCall}; a result that comes after the caller gave up goes to {@code orphan}. */
    <T> T shortCall(Path netns, String ifname, Namespaces.Task<T> task, Namespaces.Orphan<? super T> orphan)
            throws IOException {
        try {
            return call(netns, ifname, shortDeadline(), task, orphan);
        } catch (NoLeaseException e) {
            throw new AssertionError("a short namespace task does not acquire leases", e);
        }
    }

    Instant shortDeadline() {
        return in(SHORT_CALL);
    }

    /** The instant {@code wait} from now. */
    Instant in(Duration wait) {
        return clock.instant().plus(wait);
    }

    long millisUntil(Instant deadline) {
        return Math.max(0, deadline.toEpochMilli() - clock.millis());
    }

    /** The index of the attachment's interface in the calling thread's namespace; gone when it has none. */
    static int requireInterface(Attachment a) throws IOException {
        int index = Links.index(a.key().ifname());
        if (index == 0) {
            throw new AttachmentGoneException("no interface " + a.key().ifname() + " in network namespace " + a.netns());
        }
        return index;
    }
}
