package dev.cnidhcp.testlab;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A pod whose veth is plugged into the node's bridge while the bridge port does not forward yet, as
 * happens for a moment on a bridge with a few hundred ports: the daemon sends its first DHCPDISCOVER
 * once the port forwards, so the ADD ends about when the port opens, not at the retransmission 4 s
 * (±1 s) later. The test plugs the veth itself (as a main plugin would), holds the port disabled for
 * {@link #PORT_CLOSED_MILLIS}, and calls our IPAM plugin directly.
 */
@Tag("lab")
@Timeout(120)
class BridgePortLabTest {
    @RegisterExtension
    static final SharedLab LAB = new SharedLab();
    private static final long PORT_CLOSED_MILLIS = 1500;
    private static final String POD = "late";
    private static final String PORT = "vlate0";

    @Test
    void theFirstDiscoverWaitsForTheBridgePortToForward() throws Exception {
        Lab lab = LAB.get();
        lab.podNetns(POD);
        lab.inNode("ip", "link", "add", PORT, "type", "veth", "peer", "name", "eth0", "netns", lab.name + "-" + POD)
                .expectSuccess();
        try {
            lab.inNode("ip", "link", "set", PORT, "master", "br0").expectSuccess();
            lab.inNode("ip", "link", "set", PORT, "up").expectSuccess();
            lab.inPod(POD, "ip", "link", "set", "eth0", "up").expectSuccess();
            // a carrier coming up enables the port: disable it once the link runs, as it is for a moment
            assertTrue(Lab.await(Duration.ofSeconds(5), () -> lab.linkUp(POD, "eth0") && "3".equals(portState(lab))),
                    "the link runs and the port forwards");
            lab.inNode("bridge", "link", "set", "dev", PORT, "state", "0").expectSuccess(); // disabled
            assertEquals("0", portState(lab), "the port is disabled");

            CompletableFuture<Lab.Run> opened = CompletableFuture.supplyAsync(() -> {
                try {
                    Thread.sleep(PORT_CLOSED_MILLIS);
                    return lab.inNode("bridge", "link", "set", "dev", PORT, "state", "3");
                } catch (IOException | InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            long start = System.nanoTime();
            Lab.Run add = lab.cni(POD, "dhcp", "ADD", "1.0.0");
            long tookMillis = (System.nanoTime() - start) / 1_000_000;
            opened.get(10, TimeUnit.SECONDS).expectSuccess();

            assertEquals(0, add.exit(), add.stdout() + add.stderr() + lab.diagnostics());
            JsonNode ip = add.json().path("ips").path(0);
            String address = ip.path("address").asText();
            assertTrue(lab.serverHasLease(address.substring(0, address.indexOf('/'))), address + "\n" + lab.diagnostics());
            // Sent while the port was disabled, the DISCOVER would have been dropped and the ADD would
            // have ended with the retransmission, 3 s or more after it.
            assertTrue(tookMillis >= PORT_CLOSED_MILLIS - 100 && tookMillis < PORT_CLOSED_MILLIS + 1400,
                    "ADD took " + tookMillis + " ms with the port opened after " + PORT_CLOSED_MILLIS + " ms\n"
                            + lab.diagnostics());
            assertEquals(0, lab.cni(POD, "dhcp", "DEL", "1.0.0").exit());
        } finally {
            lab.inNode("ip", "link", "del", PORT);
            lab.removePodNetns(POD);
        }
    }

    private static String portState(Lab lab) throws IOException {
        return lab.inNode("cat", "/sys/class/net/" + PORT + "/brport/state").expectSuccess().stdout().trim();
    }
}
