package dev.cnidhcp.testlab;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static dev.cnidhcp.testlab.BridgeLabTest.addressOf;
import static dev.cnidhcp.testlab.BridgeLabTest.assertInLabRange;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Pods attached through the reference {@code macvlan} plugin (master: a veth of the node bridged to
 * the server). macvlan calls IPAM DEL while the pod's interface still exists, so releases leave from
 * the pod's own namespace.
 */
@Tag("lab")
@Timeout(300)
class MacvlanLabTest {
    @RegisterExtension
    static final SharedLab LAB = new SharedLab();

    private static Lab lab() {
        return LAB.get();
    }

    @Test
    void macvlanPodGetsALeaseOnItsOwnMacAndDelReleasesItFromThePodNamespace() throws Exception {
        String cidr = addressOf(lab().add("m1", "macvlan").expectSuccess().json());
        assertInLabRange(cidr);
        assertEquals(List.of(cidr), lab().podAddresses("m1"));
        String mac = lab().inPod("m1", "cat", "/sys/class/net/eth0/address").expectSuccess().stdout().trim();
        String ip = cidr.substring(0, cidr.indexOf('/'));
        assertTrue(lab().serverLeases().stream().anyMatch(l -> l[2].equals(ip) && l[1].equals(mac)),
                "dnsmasq leased " + ip + " to the pod's MAC " + mac);
        lab().del("m1", "macvlan").expectSuccess();
        assertFalse(lab().serverHasLease(ip), "released: " + lab().daemonLog());
        assertTrue(lab().daemonLog().contains("released " + ip + " (sent from the pod's namespace"), lab().daemonLog());
    }

    @Test
    void parallelMacvlanAddsGetUniqueAddresses() throws Exception {
        int pods = 8;
        ExecutorService pool = Executors.newFixedThreadPool(pods);
        try {
            List<Future<Lab.Run>> runs = new ArrayList<>();
            for (int i = 0; i < pods; i++) {
                String pod = "q" + i;
                runs.add(pool.submit(() -> lab().add(pod, "macvlan")));
            }
            Set<String> addresses = new HashSet<>();
            for (Future<Lab.Run> run : runs) {
                addresses.add(addressOf(run.get().expectSuccess().json()));
            }
            assertEquals(pods, addresses.size(), addresses.toString());
        } finally {
            for (int i = 0; i < pods; i++) {
                lab().del("q" + i, "macvlan");
            }
            pool.shutdown();
        }
    }
}
