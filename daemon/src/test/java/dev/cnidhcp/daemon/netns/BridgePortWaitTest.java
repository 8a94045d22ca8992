package dev.cnidhcp.daemon.netns;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BridgePortWaitTest {
    private static final int POD_INDEX = 7;
    private static final int PEER_INDEX = 42;
    private static final int DISABLED = 0;
    private static final int BLOCKING = 4;

    /**
     * A pod veth {@code eth0} whose peer {@code vethab12} (index 42) is a port of bridge {@code cni0}
     * in the daemon's namespace.
     */
    static final class FakePorts implements BridgePortWait.Ports {
        int peerIndex = PEER_INDEX;
        String homeName = "vethab12";
        int peerOf = POD_INDEX;
        final Deque<Integer> states = new ArrayDeque<>();
        int reads;
        int vanishAfter = Integer.MAX_VALUE;
        String master = "cni0";

        FakePorts states(Integer... sequence) {
            states.addAll(List.of(sequence));
            return this;
        }

        @Override
        public int vethPeerIndex(String ifname) {
            return peerIndex;
        }

        @Override
        public String homeName(int index) {
            return index == PEER_INDEX ? homeName : null;
        }

        @Override
        public int peerOf(String name) {
            return peerOf;
        }

        @Override
        public String masterOf(String name) {
            return name.equals(homeName) ? master : null;
        }

        @Override
        public int portState(String name) throws IOException {
            if (++reads > vanishAfter) {
                throw new IOException(name + " is gone");
            }
            return states.size() == 1 ? states.peek() : states.poll();
        }
    }

    /** A clock that the wait's pauses advance. */
    private static final class FakeTime {
        long nanos;

        BridgePortWait waitFor(FakePorts ports) {
            return new BridgePortWait(ports, () -> nanos, millis -> nanos += millis * 1_000_000);
        }
    }

    @Test
    void aPortThatForwardsAlreadyIsNotWaitedFor() throws InterruptedException {
        FakeTime time = new FakeTime();
        FakePorts ports = new FakePorts().states(BridgePortWait.FORWARDING);

        BridgePortWait.Outcome outcome = time.waitFor(ports).await("eth0", POD_INDEX, 3_000_000_000L);

        assertEquals(new BridgePortWait.Outcome("vethab12", BridgePortWait.FORWARDING, 0), outcome);
        assertEquals(1, ports.reads);
    }

    @Test
    void aPortThatIsNotForwardingYetIsPolledUntilItIs() throws InterruptedException {
        FakeTime time = new FakeTime();
        FakePorts ports = new FakePorts().states(DISABLED, DISABLED, DISABLED, BLOCKING, BridgePortWait.FORWARDING);

        BridgePortWait.Outcome outcome = time.waitFor(ports).await("eth0", POD_INDEX, 3_000_000_000L);

        assertTrue(outcome.forwarding());
        assertEquals(5, ports.reads);
        assertEquals(1 + 2 + 4 + 8, outcome.waitedMillis(), "pauses double from 1 ms");
    }

    @Test
    void pausesBetweenLooksStayShort() throws InterruptedException {
        FakeTime time = new FakeTime();
        FakePorts ports = new FakePorts().states(DISABLED, DISABLED, DISABLED, DISABLED, DISABLED, DISABLED,
                BridgePortWait.FORWARDING);

        BridgePortWait.Outcome outcome = time.waitFor(ports).await("eth0", POD_INDEX, 3_000_000_000L);

        assertEquals(1 + 2 + 4 + 8 + 10 + 10, outcome.waitedMillis(), "at most 10 ms between looks");
    }

    @Test
    void theWaitEndsAtTheDeadlineWithThePortStillNotForwarding() throws InterruptedException {
        FakeTime time = new FakeTime();
        FakePorts ports = new FakePorts().states(BLOCKING);

        BridgePortWait.Outcome outcome = time.waitFor(ports).await("eth0", POD_INDEX, 500_000_000L);

        assertFalse(outcome.forwarding());
        assertEquals(BLOCKING, outcome.state());
        assertTrue(outcome.waitedMillis() >= 500 && outcome.waitedMillis() < 520, "waited " + outcome.waitedMillis());
    }

    @Test
    void anInterfaceThatIsNoVethIsNotWaitedFor() throws InterruptedException {
        FakePorts ports = new FakePorts().states(DISABLED);
        ports.peerIndex = 0;

        assertNull(new FakeTime().waitFor(ports).await("eth0", POD_INDEX, 3_000_000_000L));
        assertEquals(0, ports.reads);
    }

    @Test
    void aPeerInAnotherNamespaceIsNotWaitedFor() throws InterruptedException {
        FakePorts ports = new FakePorts().states(DISABLED);
        ports.homeName = null;

        assertNull(new FakeTime().waitFor(ports).await("eth0", POD_INDEX, 3_000_000_000L));
    }

    @Test
    void anotherInterfaceThatOnlySharesThePeersIndexIsNotWaitedFor() throws InterruptedException {
        FakePorts ports = new FakePorts().states(DISABLED);
        ports.peerOf = 99; // its own peer is some other interface: the pod's peer lives elsewhere

        assertNull(new FakeTime().waitFor(ports).await("eth0", POD_INDEX, 3_000_000_000L));
        assertEquals(0, ports.reads);
    }

    @Test
    void aPeerThatIsNoBridgePortIsNotWaitedFor() throws InterruptedException {
        FakePorts ports = new FakePorts().states(-1);

        assertNull(new FakeTime().waitFor(ports).await("eth0", POD_INDEX, 3_000_000_000L));
    }

    @Test
    void aPortThatVanishesWhileWaitedForEndsTheWait() throws InterruptedException {
        FakePorts ports = new FakePorts().states(DISABLED, DISABLED);
        ports.vanishAfter = 2;

        assertNull(new FakeTime().waitFor(ports).await("eth0", POD_INDEX, 3_000_000_000L));
        assertEquals(3, ports.reads);
    }
}
