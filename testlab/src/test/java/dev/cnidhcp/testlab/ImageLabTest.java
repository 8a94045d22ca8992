package dev.cnidhcp.testlab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The image `make image` builds, run by podman as the DaemonSet runs it on a node, with the podman
 * arguments derived from the manifest ({@link PodmanRun}): the lab's node namespace is the node (host
 * network; the host's PID namespace), the manifest's host mounts are the real /proc, /run/netns and
 * /var/run/netns and temporary stand-ins for /run/cni, the state directory and /opt/cni/bin. The init
 * container installs the plugin into the stand-in CNI bin directory; pods attached through the
 * reference bridge plugin, which finds our plugin there, get leases from the containerised daemon
 * (the lab runs no daemon of its own); a restart of the container loses none of them.
 */
@Tag("lab")
class ImageLabTest {
    private static final Path DIST = Path.of(System.getProperty("dist.dir", "../dist")).toAbsolutePath().normalize();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> PODS = List.of("p1", "p2", "p3");

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void daemonSetPodOnANodeLeasesToBridgePodsAndKeepsThemAcrossARestart() throws Exception {
        LabHost.assumeContainerRuntimesWork();
        PodSpec spec = DaemonSetManifest.read().getSpec().getTemplate().getSpec();
        Container daemon = DaemonSetManifestTest.container(spec, "daemon");
        String image = daemon.getImage();
        Path archive = DIST.resolve("cni-dhcp-" + image.substring(image.indexOf(':') + 1) + ".oci.tar");
        assertTrue(Files.isRegularFile(archive), archive + " (make image)");

        Path node = Files.createTempDirectory("cni-dhcp-node.");
        try (Lab lab = Lab.upNamed("im", "--no-daemon");
             Podman podman = new Podman(Path.of("/run/netns", lab.name + "-node"))) {
            try {
                run(lab, podman, spec, daemon, archive, node);
            } catch (Throwable t) {
                Command logs = podman.run("logs", lab.name + "-daemon");
                t.addSuppressed(new AssertionError("container log:\n" + logs.stdout() + logs.stderr() + lab.diagnostics()));
                throw t;
            }
        } finally {
            deleteTree(node);
        }
    }

    private void run(Lab lab, Podman podman, PodSpec spec, Container daemon, Path archive, Path node) throws Exception {
        podman.run("load", "--input", archive.toString()).expectSuccess();
        String image = "docker.io/library/" + daemon.getImage();
        assertTrue(podman.run("image", "exists", image).exit() == 0, image + " after podman load");

        Map<String, Path> hostPaths = new HashMap<>();
        for (Volume v : spec.getVolumes()) {
            if (v.getHostPath() != null) {
                String path = v.getHostPath().getPath();
                boolean real = path.equals("/proc") || path.equals("/run/netns") || path.equals("/var/run/netns");
                hostPaths.put(path, real ? Path.of(path) : node.resolve(path.substring(1)));
            }
        }
        Path cniBin = hostPaths.get("/opt/cni/bin");
        Path runCni = hostPaths.get("/run/cni");
        Path state = hostPaths.get("/var/lib/cni/dhcp");

        // the init container: installs the plugin tree and the link into the node's CNI bin dir
        for (Container init : spec.getInitContainers()) {
            List<String> args = new ArrayList<>(List.of("run", "--rm", "--name", lab.name + "-" + init.getName()));
            args.addAll(PodmanRun.args(spec, init, image, hostPaths));
            podman.run(args).expectSuccess();
        }
        Path plugin = cniBin.resolve("dhcp");
        assertTrue(Files.isSymbolicLink(plugin), plugin + " is a link");
        assertEquals(cniBin.resolve("cni-dhcp/bin/dhcp").toRealPath(), plugin.toRealPath());
        assertTrue(Files.isExecutable(plugin));

        // the daemon
        String name = lab.name + "-daemon";
        List<String> args = new ArrayList<>(List.of("run", "--detach", "--name", name));
        args.addAll(PodmanRun.args(spec, daemon, image, hostPaths));
        podman.run(args).expectSuccess();
        awaitReady(podman, name, 1);
        Path socket = runCni.resolve("dhcp.sock");
        assertTrue(Files.exists(socket), socket + " is where the manifest's -hostprefix puts it");
        assertRunsWithExactlyTheManifestsCapabilities(podman, name, daemon);
        List<String> probe = daemon.getLivenessProbe().getExec().getCommand();
        assertEquals(0, exec(podman, name, probe).exit(), "the liveness probe passes");

        // pods through the reference bridge plugin, which runs our plugin from the CNI bin dir
        ObjectNode config = lab.netconf("bridge", "1.0.0");
        ((ObjectNode) config.get("ipam")).put("daemonSocketPath", socket.toString());
        Map<String, String> cniEnv = Map.of("LAB_IFNAME", "eth0", "LAB_CNI_PATH", cniBin + ":/usr/lib/cni");
        Map<String, String> macOf = new LinkedHashMap<>();
        for (String pod : PODS) {
            lab.podNetns(pod);
            JsonNode result = lab.script(List.of("cni-stdin", lab.name, pod, "bridge", "ADD"), config.toString(), cniEnv)
                    .expectSuccess().json();
            String address = result.get("ips").get(0).get("address").asText().replaceFirst("/.*", "");
            macOf.put(address, sandboxMac(result));
            assertEquals(List.of(address + "/24"), lab.podAddresses(pod), pod);
        }
        assertLeasedAtServer(lab, macOf);
        assertTrue(Files.list(state).findAny().isPresent(), "lease records in the node's state dir");

        // a restart of the container: the daemon resumes every recorded lease
        podman.run("restart", name).expectSuccess();
        awaitReady(podman, name, 2);
        assertLeasedAtServer(lab, macOf);
        String held = exec(podman, name, List.of("/opt/cni-dhcp/bin/dhcp", "leases", "--json", "-socketpath",
                "/host/run/cni/dhcp.sock")).expectSuccess().stdout();
        for (String address : macOf.keySet()) {
            assertTrue(held.contains("\"" + address), address + " held after the restart: " + held);
        }

        // and it releases them: DEL through the bridge plugin ends each lease at the server
        for (String pod : PODS) {
            lab.script(List.of("cni-stdin", lab.name, pod, "bridge", "DEL"), config.toString(), cniEnv).expectSuccess();
            lab.removePodNetns(pod);
        }
        assertTrue(Lab.await(Duration.ofSeconds(10), () -> macOf.keySet().stream().noneMatch(a -> leased(lab, a))),
                "every lease released at the server");
    }

    /** Capability numbers of linux/capability.h, for the names the manifest may add. */
    private static final Map<String, Integer> CAPABILITY = Map.of("NET_BIND_SERVICE", 10, "NET_ADMIN", 12,
            "NET_RAW", 13, "SYS_PTRACE", 19, "SYS_ADMIN", 21);

    /** The daemon's JVM (the container's first process, exec'd twice): uid 0, no_new_privs, exactly the added set. */
    private static void assertRunsWithExactlyTheManifestsCapabilities(Podman podman, String name, Container daemon)
            throws IOException {
        long expected = 0;
        for (String cap : daemon.getSecurityContext().getCapabilities().getAdd()) {
            expected |= 1L << CAPABILITY.get(cap);
        }
        String pid = podman.run("inspect", "--format", "{{.State.Pid}}", name).expectSuccess().stdout().trim();
        Map<String, String> status = new HashMap<>();
        for (String line : Files.readAllLines(Path.of("/proc", pid, "status"))) {
            int colon = line.indexOf(':');
            status.put(line.substring(0, colon), line.substring(colon + 1).trim());
        }
        assertTrue(status.get("Name").startsWith("java"), status.get("Name"));
        assertEquals("0", status.get("Uid").split("\\s+")[0]);
        assertEquals("1", status.get("NoNewPrivs"));
        for (String set : List.of("CapEff", "CapPrm", "CapBnd")) {
            assertEquals(Long.toHexString(expected), Long.toHexString(Long.parseLong(status.get(set), 16)), set);
        }
    }

    private static Command exec(Podman podman, String name, List<String> command) throws IOException {
        List<String> args = new ArrayList<>(List.of("exec", name));
        args.addAll(command);
        return podman.run(args);
    }

    private static void awaitReady(Podman podman, String name, int starts) throws Exception {
        boolean ready = Lab.await(Duration.ofSeconds(40), () -> {
            String running = podman.run("inspect", "--format", "{{.State.Running}}", name).stdout().trim();
            if (!running.equals("true")) {
                throw new AssertionError("container " + name + " is not running (" + running + ")");
            }
            Command logs = podman.run("logs", name);
            return count(logs.stdout() + logs.stderr(), "DHCP lease daemon ready") >= starts;
        });
        assertTrue(ready, "daemon start " + starts + " ready");
    }

    private static int count(String text, String what) {
        int n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }

    private static void assertLeasedAtServer(Lab lab, Map<String, String> macOf) throws IOException {
        List<String[]> leases = lab.serverLeases();
        for (Map.Entry<String, String> e : macOf.entrySet()) {
            assertTrue(leases.stream().anyMatch(l -> l.length > 2 && l[2].equals(e.getKey()) && l[1].equalsIgnoreCase(e.getValue())),
                    e.getKey() + " leased to " + e.getValue() + " at dnsmasq");
        }
    }

    private static boolean leased(Lab lab, String address) {
        try {
            return lab.serverHasLease(address);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static String sandboxMac(JsonNode result) {
        for (JsonNode i : result.get("interfaces")) {
            if (i.hasNonNull("sandbox")) {
                return i.get("mac").asText();
            }
        }
        throw new AssertionError("no pod interface in " + result);
    }

    private static void deleteTree(Path root) throws IOException {
        if (Files.exists(root)) {
            try (var files = Files.walk(root)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
