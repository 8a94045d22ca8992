package dev.cnidhcp.testlab;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.cnidhcp.testlab.BridgeLabTest.addressOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A pool smaller than the pods that want it: dnsmasq with 5 addresses, 8 pods through the reference
 * bridge plugin. The 5 first get addresses; the 3 others fail, each within the daemon's
 * {@code -resendtimeout}, with error 100 saying that no server made an offer and that the pool may be
 * exhausted, naming the interface and the wait. Nothing is half-held: dnsmasq and the daemon hold 5
 * leases each. {@code dhcp status} and the metrics show the network's no-offer count and its leases.
 */
@Tag("lab")
@Timeout(240)
class ExhaustionLabTest {
    private static final int POOL = 5;
    private static final int PODS = 8;
    private static final int RESEND_TIMEOUT_SECONDS = 4;
    /** Inside the lab's node namespace: nothing else listens there. */
    private static final int METRICS_PORT = 9563;

    @Test
    void podsBeyondThePoolFailSayingItMayBeExhaustedAndNothingIsHalfHeld() throws Exception {
        Lab lab = Lab.upNamed("xh");
        List<String> pods = new ArrayList<>();
        try {
            lab.script(List.of("stop-dnsmasq", lab.name)).expectSuccess();
            lab.script(List.of("start-dnsmasq", lab.name, "--range", "10.99.0.100,10.99.0.104")).expectSuccess();
            lab.stopDaemon();
            lab.script(List.of("start-daemon", lab.name), "", Map.of("LAB_DAEMON_FLAGS",
                    "-metrics 127.0.0.1:" + METRICS_PORT + " -resendtimeout " + RESEND_TIMEOUT_SECONDS + "s"))
                    .expectSuccess();

            List<String> addresses = new ArrayList<>();
            List<JsonNode> errors = new ArrayList<>();
            List<Long> failedMillis = new ArrayList<>();
            for (int i = 1; i <= PODS; i++) {
                String pod = "xp" + i;
                pods.add(pod);
                long started = System.nanoTime();
                Lab.Run run = lab.add(pod, "bridge");
                long millis = (System.nanoTime() - started) / 1_000_000;
                if (run.exit() == 0) {
                    addresses.add(addressOf(run.json()));
                } else {
                    errors.add(run.json());
                    failedMillis.add(millis);
                }
            }

            assertEquals(POOL, addresses.size(), addresses + " " + errors + lab.diagnostics());
            assertEquals(POOL, addresses.stream().distinct().count(), addresses.toString());
            assertEquals(PODS - POOL, errors.size(), errors.toString());
            for (int i = 0; i < errors.size(); i++) {
                JsonNode error = errors.get(i);
                String msg = error.get("msg").asText();
                assertEquals(100, error.get("code").asInt(), error.toString());
                assertTrue(msg.contains("no DHCPOFFER received from any server in " + RESEND_TIMEOUT_SECONDS
                        + " s on interface eth0: the server(s) made no offer within the timeout; the pool may be"
                        + " exhausted"), msg);
                assertTrue(failedMillis.get(i) < (RESEND_TIMEOUT_SECONDS + 6) * 1000L,
                        "failed within the resend timeout and a little: " + failedMillis);
            }

            assertEquals(POOL, lab.serverLeases().size(), "dnsmasq holds only the pods' leases"
                    + lab.diagnostics());
            JsonNode held = lab.dhcp("leases", "--json", "-socketpath", lab.socket().toString()).expectSuccess().json();
            assertEquals(POOL, held.size(), held.toString());
            for (JsonNode lease : held) {
                assertEquals("bound", lease.get("state").asText(), lease.toString());
            }

            Lab.Run status = lab.dhcp("status", "-socketpath", lab.socket().toString());
            assertEquals(0, status.exit(), "an exhausted pool is not the daemon's ill health: " + status.stdout());
            assertTrue(status.stdout().contains("  network labnet: leases " + POOL + ", no offer " + (PODS - POOL)
                    + ", naks 0"), status.stdout());
            assertTrue(status.stdout().contains("  servers          10.99.0.2: " + POOL + " lease(s)"), status.stdout());
            assertTrue(status.stdout().contains("warning: network labnet: " + (PODS - POOL)
                    + " acquisition(s) got no DHCPOFFER from any server"), status.stdout());

            String metrics = scrape(lab);
            assertEquals(PODS - POOL, sample(metrics, "cni_dhcp_network_no_offer_total{network=\"labnet\"}"), metrics);
            assertEquals(PODS - POOL, sample(metrics, "cni_dhcp_no_offer_total"), metrics);
            assertEquals(POOL, sample(metrics, "cni_dhcp_network_leases{network=\"labnet\"}"), metrics);
            assertEquals(POOL, sample(metrics, "cni_dhcp_server_leases{server=\"10.99.0.2\"}"), metrics);
        } finally {
            for (String pod : pods) {
                lab.del(pod, "bridge");
            }
            lab.close();
        }
    }

    /** GET /metrics from inside the node's namespace, with bash's /dev/tcp (no curl needed). */
    private static String scrape(Lab lab) throws IOException {
        Lab.Run run = lab.inNode("bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/" + METRICS_PORT
                + " && printf 'GET /metrics HTTP/1.0\\r\\nHost: 127.0.0.1\\r\\n\\r\\n' >&3 && cat <&3");
        assertEquals(0, run.exit(), run.stderr());
        assertTrue(run.stdout().startsWith("HTTP/1.1 200"), run.stdout());
        return run.stdout();
    }

    /** The value of one sample line of the text format, e.g. {@code name{label="x"} 2.0}. */
    private static double sample(String metrics, String series) {
        for (String line : metrics.split("\r?\n")) {
            if (line.startsWith(series + " ")) {
                return Double.parseDouble(line.substring(series.length() + 1).trim().split(" ")[0]);
            }
        }
        throw new AssertionError("no sample " + series + " in:\n" + metrics);
    }
}
