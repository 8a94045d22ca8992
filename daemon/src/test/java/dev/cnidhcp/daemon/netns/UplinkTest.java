package dev.cnidhcp.daemon.netns;

import org.junit.jupiter.api.Test;

import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class UplinkTest {
    private static final int POD_INDEX = 7;

    @Test
    void aVethWhosePeerIsABridgePortHasThatBridgeAsUplink() throws IOException {
        assertEquals("cni0", Uplink.of(new BridgePortWaitTest.FakePorts(), "eth0", POD_INDEX));
    }

    @Test
    void aVethWhosePeerIsOnNoBridgeHasNoUplink() throws IOException {
        BridgePortWaitTest.FakePorts ports = new BridgePortWaitTest.FakePorts();
        ports.master = null;

        assertNull(Uplink.of(ports, "eth0", POD_INDEX));
    }

    @Test
    void anInterfaceThatIsNoVethHasNoUplink() throws IOException {
        BridgePortWaitTest.FakePorts ports = new BridgePortWaitTest.FakePorts();
        ports.peerIndex = 0;

        assertNull(Uplink.of(ports, "eth0", POD_INDEX));
    }

    @Test
    void aVethWhosePeerIsInAnotherNamespaceHasNoUplinkEvenWhenAnInterfaceHereSharesTheIndex() throws IOException {
        BridgePortWaitTest.FakePorts ports = new BridgePortWaitTest.FakePorts();
        ports.peerOf = 99;

        assertNull(Uplink.of(ports, "eth0", POD_INDEX));
    }
}
