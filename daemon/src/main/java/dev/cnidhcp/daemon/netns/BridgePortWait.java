package dev.cnidhcp.daemon.netns;

import dev.cnidhcp.daemon.log.AttachmentLog;

import java.io.IOException;
import java.util.function.LongSupplier;

/**
 * Waits until the far end of a pod's veth, when it is a port of a bridge in the daemon's own
 * namespace, forwards frames.
 *
 * <p>Why: the kernel marks the pod's end running a moment before the bridge enables the port on the
 * other end, and a bridge drops what arrives on a port that is not forwarding (drop reason
 * {@code BRIDGE_INGRESS_STP_STATE}). On a bridge with a few hundred ports that moment is long enough
 * for the first DHCPDISCOVER of one pod in fifty, which then waits for the retransmission, 4 s
 * later. Any other interface (macvlan, ipvlan, a veth whose peer is in another namespace or on no
 * bridge) is not waited for.
 *
 * <p>Runs on the namespace thread of one exchange; holds no state of its own.
 */
final class BridgePortWait {
    /** {@code BR_STATE_FORWARDING} (linux/if_bridge.h). */
    static final int FORWARDING = 3;
    private static final long MAX_POLL_MILLIS = 10;
    /** A wait for the port this long is logged at INFO (it explains a slow ADD). */
    private static final long SLOW_PORT_MILLIS = 100;

    /** What the wait needs to see of the system. */
    interface Ports {
        /** The peer's interface index of veth {@code ifname} in the calling thread's namespace; 0 when it is no veth. */
        int vethPeerIndex(String ifname) throws IOException;

        /** The name of interface {@code index} in the daemon's own namespace, or null when it has none. */
        String homeName(int index) throws IOException;

        /** The index of the interface at the other end of {@code name} (the daemon's namespace). */
        int peerOf(String name) throws IOException;

        /** The bridge port state of {@code name} (the daemon's namespace), or -1 when it is no bridge port. */
        int portState(String name) throws IOException;

        /** The master (a bridge) of {@code name} in the daemon's namespace, or null when it has none. */
        String masterOf(String name) throws IOException;
    }

    /** How the wait pauses between looks (tests pass a fake clock's). */
    interface Sleeper {
        void sleep(long millis) throws InterruptedException;
    }

    /**
     * What the wait saw: the port, the last state read, how long it waited, and whether the port
     * forwards.
     */
    record Outcome(String port, int state, long waitedMillis) {
        boolean forwarding() {
            return state == FORWARDING;
        }
    }

    private final Ports ports;
    private final LongSupplier nanoTime;
    private final Sleeper sleeper;

    BridgePortWait(Ports ports, LongSupplier nanoTime, Sleeper sleeper) {
        this.ports = ports;
        this.nanoTime = nanoTime;
        this.sleeper = sleeper;
    }

    /**
     * {@link #await}, before the first {@code message} of an exchange, with what it saw logged: at
     * INFO when the port took {@value #SLOW_PORT_MILLIS} ms or more, a warning when it never forwarded.
     */
    void awaitLogged(String ifname, int podIndex, long deadlineNanos, AttachmentLog log, String message)
            throws InterruptedException {
        Outcome port = await(ifname, podIndex, deadlineNanos);
        if (port == null || port.waitedMillis() == 0 && port.forwarding()) {
            return;
        }
        if (port.forwarding() && port.waitedMillis() >= SLOW_PORT_MILLIS) {
            log.info("bridge port " + port.port() + " forwards after " + port.waitedMillis()
                    + " ms; the first " + message + " waited for it");
        } else if (port.forwarding()) {
            log.fine(() -> "bridge port " + port.port() + " forwards after " + port.waitedMillis() + " ms");
        } else {
            log.warning("bridge port " + port.port() + " is still in state " + port.state()
                    + " (not forwarding) after " + port.waitedMillis() + " ms; trying anyway");
        }
    }

    /**
     * The name in the daemon's namespace of the far end of the pod's veth {@code ifname} (index
     * {@code podIndex} in the pod's namespace, the calling thread's), or null when {@code ifname} is no
     * veth or its far end is in another namespace.
     */
    static String homePeer(Ports ports, String ifname, int podIndex) throws IOException {
        int peer = ports.vethPeerIndex(ifname);
        if (peer <= 0) {
            return null;
        }
        String name = ports.homeName(peer);
        // An interface of the daemon's namespace with the peer's index is the peer only when its own
        // peer is the pod's interface; otherwise the veth's other end is in another namespace.
        return name == null || ports.peerOf(name) != podIndex ? null : name;
    }

    /**
     * Waits, polling every few milliseconds, until the bridge port behind the pod's {@code ifname}
     * (index {@code podIndex} in the pod's namespace) forwards or {@code deadlineNanos} passes.
     * Returns null when there is no such port (nothing to wait for) or it cannot be read.
     */
    Outcome await(String ifname, int podIndex, long deadlineNanos) throws InterruptedException {
        try {
            String port = homePeer(ports, ifname, podIndex);
            if (port == null) {
                return null;
            }
            long start = nanoTime.getAsLong();
            long pause = 1;
            int state = ports.portState(port);
            if (state < 0) {
                return null;
            }
            while (state != FORWARDING && nanoTime.getAsLong() < deadlineNanos) {
                sleeper.sleep(pause);
                pause = Math.min(pause * 2, MAX_POLL_MILLIS);
                state = ports.portState(port);
            }
            return new Outcome(port, state, (nanoTime.getAsLong() - start) / 1_000_000);
        } catch (IOException e) {
            return null; // gone meanwhile, or not readable: nothing this wait can improve
        }
    }
}
