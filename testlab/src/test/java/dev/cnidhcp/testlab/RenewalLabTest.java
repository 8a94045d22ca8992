package dev.cnidhcp.testlab;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

import static dev.cnidhcp.testlab.BridgeLabTest.addressOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A held lease is renewed at T1 (dnsmasq's shortest lease is 2 minutes, so T1 comes after 60 s): the
 * server's expiry moves forward and the pod keeps its address. This test waits about a minute, in
 * a lab of its own, concurrently with the other lab classes.
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

    @Test
    void leaseIsRenewedAtT1AndTheServerExtendsIt() throws Exception {
        String cidr = addressOf(lab().add("n1", "bridge").expectSuccess().json());
        String ip = cidr.substring(0, cidr.indexOf('/'));
        long firstExpiry = serverExpiry(ip);
        assertTrue(firstExpiry > 0, "dnsmasq holds the lease");
        long deadline = System.nanoTime() + 90_000_000_000L;
        while (!lab().daemonLog().contains("renewed " + cidr) && System.nanoTime() < deadline) {
            Thread.sleep(1000);
        }
        assertTrue(lab().daemonLog().contains("renewed " + cidr), lab().daemonLog());
        long renewedExpiry = serverExpiry(ip);
        assertTrue(renewedExpiry >= firstExpiry + 55, "expiry moved from " + firstExpiry + " to " + renewedExpiry);
        assertEquals(java.util.List.of(cidr), lab().podAddresses("n1"));
        lab().del("n1", "bridge").expectSuccess();
    }
}
