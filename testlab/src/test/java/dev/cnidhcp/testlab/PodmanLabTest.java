package dev.cnidhcp.testlab;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import static dev.cnidhcp.testlab.BridgeLabTest.assertInLabRange;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Containers of a real runtime on DHCP: Debian's podman with its CNI backend, in the lab's node
 * namespace, attaches a busybox container ({@code --rootfs}, no image) to a network of macvlan on
 * {@code mv0} with IPAM {@code dhcp}, found in podman's CNI plugin dir. Podman calls our plugin as any
 * CNI runtime does (its container id, eth0, its own netns under /run/netns); the lease, the routes
 * and the release are checked inside the container and at dnsmasq's lease file. See {@link PodmanCni}
 * for the configuration.
 */
@Tag("lab")
@Timeout(180)
class PodmanLabTest {
    /** Waits for the shell's TERM, so that stop and rm -f end it at once rather than after 10 s. */
    private static final String[] IDLE = {"sh", "-c", "trap 'exit 0' TERM; sleep 600 & wait"};

    @BeforeAll
    static void podmanIsInstalled() {
        LabHost.assumeContainerRuntimesWork();
        assumeTrue(PodmanCni.installed(), "podman, runc or /bin/busybox missing (testlab/scripts/install-deps.sh)");
    }

    @Test
    void containerGetsItsLeaseRoutesAndReachesTheServerAndRmReleasesTheLease() throws Exception {
        try (Lab lab = Lab.upNamed("pm"); PodmanCni podman = PodmanCni.in(lab)) {
            String id = runIdle(podman, "pmc1");

            List<String> addresses = addresses(podman, "pmc1");
            assertEquals(1, addresses.size(), "one address on eth0: " + addresses + lab.diagnostics());
            String cidr = addresses.get(0);
            assertInLabRange(cidr);
            String ip = cidr.substring(0, cidr.indexOf('/'));
            String mac = podman.exec("pmc1", "cat", "/sys/class/net/eth0/address").trim();
            assertTrue(lab.serverLeases().stream().anyMatch(l -> l[2].equals(ip) && l[1].equals(mac)),
                    "dnsmasq leased " + ip + " to the container's MAC " + mac + lab.diagnostics());
            assertTrue(lab.daemonLog().contains("container=" + id + " ifname=eth0 network=" + PodmanCni.NETWORK
                    + ": acquired " + cidr), "the daemon acquired it for podman's container id" + lab.diagnostics());

            List<String> routes = lines(podman.exec("pmc1", "ip", "-4", "route", "show"));
            assertTrue(routes.contains("default via 10.99.0.1 dev eth0"), "default route via the router: " + routes);
            assertTrue(routes.contains("10.98.0.0/16 via 10.99.0.1 dev eth0"), "dnsmasq's classless route: " + routes);

            Command ping = podman.podman("exec", "pmc1", "ping", "-c", "1", "-W", "2", "10.99.0.2");
            assertEquals(0, ping.exit(), "ping the server: " + ping.stdout() + ping.stderr());
            assertTrue(ping.stdout().contains("1 packets received"), ping.stdout());

            Path sandbox = Path.of(podman.podman("inspect", "--format", "{{.NetworkSettings.SandboxKey}}", "pmc1")
                    .expectSuccess().stdout().trim());
            assertTrue(Files.exists(sandbox), "podman's netns " + sandbox);

            podman.podman("rm", "--force", "pmc1").expectSuccess();
            assertTrue(Lab.await(Duration.ofSeconds(5), () -> !lab.serverHasLease(ip)),
                    "podman rm released " + ip + " at the server" + lab.diagnostics());
            assertTrue(lab.daemonLog().contains("container=" + id + " ifname=eth0 network=" + PodmanCni.NETWORK
                    + ": released " + ip + " (sent from the pod's namespace " + sandbox), lab.diagnostics());
            assertEquals("", podman.podman("ps", "--all", "--quiet").expectSuccess().stdout().trim(), "no container left");
            assertFalse(Files.exists(sandbox), "podman removed its netns " + sandbox);
        }
    }

    @Test
    void stopReleasesTheLeaseAndStartLeasesAgain() throws Exception {
        try (Lab lab = Lab.upNamed("pm"); PodmanCni podman = PodmanCni.in(lab)) {
            runIdle(podman, "pmc2");
            String first = addresses(podman, "pmc2").get(0);
            String firstMac = podman.exec("pmc2", "cat", "/sys/class/net/eth0/address").trim();
            String firstIp = first.substring(0, first.indexOf('/'));
            assertTrue(lab.serverHasLease(firstIp), lab.diagnostics());

            podman.podman("stop", "pmc2").expectSuccess();
            assertTrue(Lab.await(Duration.ofSeconds(5), () -> !lab.serverHasLease(firstIp)),
                    "podman stop released " + firstIp + lab.diagnostics());

            podman.podman("start", "pmc2").expectSuccess();
            List<String> again = addresses(podman, "pmc2");
            assertEquals(1, again.size(), again + lab.diagnostics());
            assertInLabRange(again.get(0));
            String ip = again.get(0).substring(0, again.get(0).indexOf('/'));
            String mac = podman.exec("pmc2", "cat", "/sys/class/net/eth0/address").trim();
            assertFalse(mac.equals(firstMac), "macvlan made a new interface: " + mac);
            assertTrue(lab.serverLeases().stream().anyMatch(l -> l[2].equals(ip) && l[1].equals(mac)),
                    "leased again to the new interface's MAC " + mac + lab.diagnostics());
        }
    }

    /** {@code podman run -d} of an idle busybox on the DHCP network; returns the container id. */
    private static String runIdle(PodmanCni podman, String name) throws Exception {
        String[] run = {"run", "--detach", "--name", name, "--network", PodmanCni.NETWORK,
                "--rootfs", podman.rootfs().toString()};
        String[] args = Arrays.copyOf(run, run.length + IDLE.length);
        System.arraycopy(IDLE, 0, args, run.length, IDLE.length);
        return podman.podman(args).expectSuccess().stdout().trim();
    }

    /** The IPv4 addresses (CIDR) on the container's eth0. */
    private static List<String> addresses(PodmanCni podman, String container) throws Exception {
        return lines(podman.exec(container, "ip", "-4", "-o", "addr", "show", "dev", "eth0")).stream()
                .filter(line -> line.contains(" inet ")).map(line -> line.split("\\s+"))
                .map(f -> f[Arrays.asList(f).indexOf("inet") + 1])
                .toList();
    }

    private static List<String> lines(String text) {
        return text.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
    }
}
