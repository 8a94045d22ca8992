package dev.cnidhcp.testlab;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.cnidhcp.testlab.BridgeLabTest.addressOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A held lease is renewed at T1 (dnsmasq's shortest lease is 2 minutes, so T1 comes after 60 s): the
 * server's expiry moves forward and the pod keeps its address. A second pod's address is removed by
 * hand and the server's neighbour table flushed: its renewal still leaves (packet socket, the
 * server's MAC learnt from its ACK) and its ACK still arrives (the daemon answers the server's ARP
 * request for the address), so its lease is renewed too. This test waits about a minute, in a lab of
 * its own, concurrently with the other lab classes.
 */
@Tag("lab")
@Timeout(180)
@Execution(ExecutionMode.CONCURRENT)
class RenewalLabTest {
    @RegisterExtension
    static final SharedLab LAB = new SharedLab();

    private static Lab lab() {
        return LAB.get();
    }

    private static long serverExpiry(String ip) throws Exception {
        return lab().serverLeases().stream().filter(l -> l[2].equals(ip)).mapToLong(l -> Long.parseLong(l[0]))
                .findFirst().orElse(-1);
    }

    private static String ipOf(String cidr) {
        return cidr.substring(0, cidr.indexOf('/'));
    }

    private static Command inServer(String... command) throws Exception {
        List<String> args = new ArrayList<>(List.of("ip", "netns", "exec", lab().name + "-srv"));
        args.addAll(List.of(command));
        return Command.run(args, Map.of(), "", 30).expectSuccess();
    }

    @Test
    void leaseIsRenewedAtT1AndTheServerExtendsItAlsoWhenThePodLostTheAddress() throws Exception {
        String cidr = addressOf(lab().add("n1", "bridge").expectSuccess().json());
        String bare = addressOf(lab().add("n2", "bridge").expectSuccess().json());
        long firstExpiry = serverExpiry(ipOf(cidr));
        long bareFirstExpiry = serverExpiry(ipOf(bare));
        assertTrue(firstExpiry > 0 && bareFirstExpiry > 0, "dnsmasq holds both leases");
        lab().inPod("n2", "ip", "addr", "flush", "dev", "eth0").expectSuccess();
        assertEquals(List.of(), lab().podAddresses("n2"));
        inServer("ip", "neigh", "flush", "dev", "eth0");
        long deadline = System.nanoTime() + 90_000_000_000L;
        while (!(lab().daemonLog().contains("renewed " + cidr) && lab().daemonLog().contains("renewed " + bare))
                && System.nanoTime() < deadline) {
            Thread.sleep(1000);
        }
        assertTrue(lab().daemonLog().contains("renewed " + cidr), lab().daemonLog());
        assertTrue(lab().daemonLog().contains("renewed " + bare), "the pod without its address: " + lab().daemonLog());
        long renewedExpiry = serverExpiry(ipOf(cidr));
        assertTrue(renewedExpiry >= firstExpiry + 55, "expiry moved from " + firstExpiry + " to " + renewedExpiry);
        long bareRenewedExpiry = serverExpiry(ipOf(bare));
        assertTrue(bareRenewedExpiry >= bareFirstExpiry + 55,
                "expiry moved from " + bareFirstExpiry + " to " + bareRenewedExpiry);
        assertEquals(List.of(cidr), lab().podAddresses("n1"));
        // the server learnt the address's MAC from the daemon's ARP answer (the pod's kernel had no address to answer for)
        String podMac = lab().inPod("n2", "cat", "/sys/class/net/eth0/address").expectSuccess().stdout().trim();
        String neighbour = inServer("ip", "neigh", "show", ipOf(bare)).stdout();
        assertTrue(neighbour.contains("lladdr " + podMac), neighbour);
        lab().del("n1", "bridge").expectSuccess();
        lab().del("n2", "bridge").expectSuccess();
    }
}
