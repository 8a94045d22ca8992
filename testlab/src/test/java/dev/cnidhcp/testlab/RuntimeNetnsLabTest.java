package dev.cnidhcp.testlab;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * CNI_NETNS wherever the runtime keeps the namespace: a pod namespace bind-mounted at
 * {@code /var/run/docker/netns/ID}, as Docker does, attached through the reference bridge plugin and
 * released at DEL; and files that are no network namespace refused with error 4, costing no lease.
 */
@Tag("lab")
@Timeout(300)
class RuntimeNetnsLabTest {
    private static DockerNetns docker;
    private static Lab lab;

    @BeforeAll
    static void up() throws Exception {
        docker = DockerNetns.create(); // before the daemon starts, which copies the mounts it sees
        lab = Lab.up();
    }

    @AfterAll
    static void down() {
        try {
            if (lab != null) {
                lab.close();
            }
        } finally {
            if (docker != null) {
                docker.close();
            }
        }
    }

    private static String ipOf(String cidr) {
        return cidr.substring(0, cidr.indexOf('/'));
    }

    @Test
    void aPodInADockerNamespaceAttachesThroughBridgeGetsALiveLeaseAndReleasesItAtDel() throws Exception {
        String netns = docker.file.toString();
        JsonNode result = lab.cni("dk1", "bridge", "ADD", "1.0.0", netns).expectSuccess().json();
        String cidr = BridgeLabTest.addressOf(result);
        BridgeLabTest.assertInLabRange(cidr);
        assertEquals(List.of(cidr), docker.addresses("eth0"), "the pod's eth0 carries the leased address");
        String[] lease = lab.serverLeases().stream().filter(l -> l[2].equals(ipOf(cidr))).findFirst()
                .orElseThrow(() -> new AssertionError("dnsmasq lists no lease of " + cidr + lab.diagnostics()));
        assertEquals(docker.mac("eth0"), lease[1], "leased to the pod's MAC");
        assertTrue(Long.parseLong(lease[0]) > System.currentTimeMillis() / 1000, "live: " + String.join(" ", lease));
        String leases = daemonLeases();
        // recorded with its links resolved (/var/run is a link to /run on most hosts)
        assertTrue(leases.contains(lab.name + "-dk1") && leases.contains(docker.file.toRealPath().toString()), leases);

        Lab.Run del = lab.cni("dk1", "bridge", "DEL", "1.0.0", netns);
        assertEquals(0, del.exit(), del.stdout() + del.stderr());
        assertFalse(lab.serverHasLease(ipOf(cidr)), "dnsmasq dropped the lease" + lab.diagnostics());
        assertFalse(daemonLeases().contains(lab.name + "-dk1"));
    }

    @Test
    void filesThatAreNoNetworkNamespaceAreError4AndCostNoLease() throws Exception {
        String kept = BridgeLabTest.addressOf(lab.add("keep", "bridge").expectSuccess().json());
        try {
            Path regular = Files.writeString(lab.dir.resolve("not-a-netns"), "x");
            Path fifo = lab.dir.resolve("fifo-netns");
            assertEquals(0, Command.run("mkfifo", fifo.toString()).exit());
            String mountNs = "/proc/" + ProcessHandle.current().pid() + "/ns/mnt";
            Set<String> before = serverLeaseAddresses();
            refused(mountNs, "is a mount namespace, not a network namespace");
            refused(regular.toString(), "is a regular file, not a namespace");
            refused(fifo.toString(), "is a FIFO, not a namespace"); // opening it would hang the ADD
            assertEquals(before, serverLeaseAddresses(), "no lease taken or lost at the server");
            assertTrue(lab.serverHasLease(ipOf(kept)), "the other pod keeps its lease");
            String leases = daemonLeases();
            assertTrue(leases.contains(lab.name + "-keep") && !leases.contains(lab.name + "-bad"), leases);
            assertEquals(List.of(kept), lab.podAddresses("keep"));
        } finally {
            lab.del("keep", "bridge").expectSuccess();
        }
    }

    private static void refused(String netns, String why) throws Exception {
        Lab.Run add = lab.cni("bad", "dhcp", "ADD", "1.0.0", netns);
        assertEquals(1, add.exit(), add.stdout() + add.stderr());
        JsonNode error = add.json();
        assertEquals(4, error.get("code").asInt(), add.stdout());
        String msg = error.get("msg").asText();
        assertTrue(msg.contains("CNI_NETNS " + netns + " " + why), msg);
    }

    /** {@code dhcp leases}: the daemon's table. */
    private static String daemonLeases() throws Exception {
        return lab.dhcp("leases", "-socketpath", lab.socket().toString()).expectSuccess().stdout();
    }

    private static Set<String> serverLeaseAddresses() throws Exception {
        return lab.serverLeases().stream().map(l -> l[2]).collect(Collectors.toSet());
    }
}
