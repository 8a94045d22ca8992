package dev.cnidhcp.daemon.netns;

import dev.cnidhcp.daemon.lease.Attachment;
import dev.cnidhcp.daemon.log.AttachmentLog;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;

/**
 * What an acquisition of either family ({@link NetnsDhcp}, {@link NetnsDhcp6}) does on the pod's
 * link before its first message: the link set up and its carrier awaited (at most 3 s, never past
 * the caller's deadline), then the bridge port behind a veth awaited until it forwards
 * ({@link BridgePortWait}: a bridge drops what a port that does not forward yet receives).
 *
 * <p>Threads: {@link #bringUp} runs on the namespace thread of the acquisition; immutable.
 */
final class LinkBringUp {
    private static final Duration LINK_WAIT = Duration.ofSeconds(3);

    private final PodCalls calls;
    private final BridgePortWait portWait;

    LinkBringUp(PodCalls calls, BridgePortWait.Ports ports) {
        this.calls = calls;
        this.portWait = new BridgePortWait(ports, System::nanoTime, Thread::sleep);
    }

    /**
     * Brings up the interface of {@code a} in the calling thread's namespace; a link without carrier
     * or a port that does not forward in time is logged and tried anyway.
     *
     * @param firstMessage what the port's wait was for, for the log ("DHCPDISCOVER")
     * @return the interface's index
     * @throws dev.cnidhcp.daemon.lease.AttachmentGoneException when the namespace has no such interface
     */
    int bringUp(Attachment a, Instant deadline, AttachmentLog log, String firstMessage)
            throws IOException, InterruptedException {
        String ifname = a.key().ifname();
        int index = PodCalls.requireInterface(a);
        long linkDeadline = System.nanoTime() + Math.min(LINK_WAIT.toNanos(), calls.millisUntil(deadline) * 1_000_000L);
        if (!Links.bringUp(ifname, linkDeadline)) {
            log.warning("link has no carrier after " + LINK_WAIT.toMillis() + " ms; trying anyway");
        }
        portWait.awaitLogged(ifname, index, linkDeadline, log, firstMessage);
        return index;
    }
}
