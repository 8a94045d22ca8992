package dev.cnidhcp.testlab;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The DaemonSet manifest, offline: valid for the Kubernetes API types (no field they lack), clean for
 * yamllint, naming the image `make image` builds, and granting the daemon exactly the systemd unit's
 * capabilities and the init container none.
 */
class DaemonSetManifestTest {
    private static final Path PROJECT = DaemonSetManifest.FILE.getParent().getParent().getParent();

    @TempDir
    Path tmp;

    @Test
    void manifestIsADaemonSetOfKnownApiFieldsOnly() throws Exception {
        DaemonSet ds = DaemonSetManifest.read();
        assertEquals("apps/v1", ds.getApiVersion());
        assertEquals("DaemonSet", ds.getKind());
        assertEquals(ds.getSpec().getSelector().getMatchLabels(), ds.getSpec().getTemplate().getMetadata().getLabels(),
                "the selector matches the pod template's labels");
    }

    @Test
    void aFieldTheApiDoesNotHaveIsRefusedAtAnyDepth() throws Exception {
        String manifest = Files.readString(DaemonSetManifest.FILE);
        Path typo = tmp.resolve("typo.yaml");
        Files.writeString(typo, manifest.replace("          mountPath: /host/proc\n", "          mountPaht: /host/proc\n"));
        assertNotEquals(manifest, Files.readString(typo), "the test edits the manifest");
        IOException e = assertThrows(IOException.class, () -> DaemonSetManifest.read(typo));
        assertTrue(e.getMessage().contains("volumeMounts[1].mountPaht"), e.getMessage());

        Path wrongType = tmp.resolve("type.yaml");
        Files.writeString(wrongType, manifest.replace("hostPID: true", "hostPID: [true]"));
        assertThrows(IOException.class, () -> DaemonSetManifest.read(wrongType));
    }

    @Test
    void manifestPassesYamllint() throws Exception {
        assumeTrue(Command.onPath("yamllint"),
                "yamllint is not installed (Debian: apt-get install yamllint; testlab/scripts/install-deps.sh does)");
        Command lint = Command.run("yamllint", "-s", "-c", PROJECT.resolve("packaging/kubernetes/yamllint.yaml").toString(),
                PROJECT.resolve("packaging/kubernetes").toString());
        assertEquals(0, lint.exit(), lint.stdout() + lint.stderr());
    }

    @Test
    void bothContainersRunTheImageOfTheProjectsVersion() throws Exception {
        String pom = Files.readString(PROJECT.resolve("pom.xml"));
        Matcher version = Pattern.compile("<version>([^<]+)</version>").matcher(pom);
        assertTrue(version.find(), "pom.xml has a version");
        String image = "cni-dhcp:" + version.group(1).replaceFirst("-SNAPSHOT$", "");
        PodSpec spec = DaemonSetManifest.read().getSpec().getTemplate().getSpec();
        for (Container c : containers(spec)) {
            assertEquals(image, c.getImage(), c.getName());
            assertEquals("IfNotPresent", c.getImagePullPolicy(), c.getName() + ": the image is loaded on the node");
        }
    }

    @Test
    void daemonHasExactlyTheSystemdUnitsCapabilitiesAndNothingElse() throws Exception {
        String unit = Files.readString(PROJECT.resolve("packaging/systemd/cni-dhcp.service"));
        Matcher bounding = Pattern.compile("(?m)^CapabilityBoundingSet=(.*)$").matcher(unit);
        assertTrue(bounding.find(), "the unit has a CapabilityBoundingSet=");
        TreeSet<String> expected = new TreeSet<>();
        Arrays.stream(bounding.group(1).trim().split("\\s+")).forEach(c -> expected.add(c.replaceFirst("^CAP_", "")));

        SecurityContext sc = container(DaemonSetManifest.read().getSpec().getTemplate().getSpec(), "daemon")
                .getSecurityContext();
        assertEquals(List.of("ALL"), sc.getCapabilities().getDrop());
        assertEquals(expected, new TreeSet<>(sc.getCapabilities().getAdd()));
        assertTrue(sc.getPrivileged() == null || !sc.getPrivileged(), "not privileged");
        assertEquals(Boolean.FALSE, sc.getAllowPrivilegeEscalation());
        assertEquals(Boolean.TRUE, sc.getReadOnlyRootFilesystem());
    }

    @Test
    void initContainerInstallsThePluginAsRootWithoutCapabilities() throws Exception {
        Container init = container(DaemonSetManifest.read().getSpec().getTemplate().getSpec(), "install-plugin");
        assertEquals(List.of("/opt/cni-dhcp/lib/install-dist", "/opt/cni/bin/cni-dhcp", "/opt/cni/bin/dhcp"),
                init.getCommand());
        SecurityContext sc = init.getSecurityContext();
        assertEquals(0L, sc.getRunAsUser());
        assertEquals(List.of("ALL"), sc.getCapabilities().getDrop());
        assertTrue(sc.getCapabilities().getAdd().isEmpty(), "no capability added");
        assertEquals(Boolean.FALSE, sc.getAllowPrivilegeEscalation());
    }

    @Test
    void podmanTranslationCoversEveryFieldOfTheManifest() throws Exception {
        PodSpec spec = DaemonSetManifest.read().getSpec().getTemplate().getSpec();
        Map<String, Path> hostPaths = new java.util.HashMap<>();
        spec.getVolumes().stream().filter(v -> v.getHostPath() != null)
                .forEach(v -> hostPaths.put(v.getHostPath().getPath(), tmp.resolve(v.getName())));
        Files.createDirectories(tmp.resolve("proc"));
        List<String> daemon = PodmanRun.args(spec, container(spec, "daemon"), "img", hostPaths);
        assertTrue(daemon.containsAll(List.of("--network=host", "--pid=host", "--cap-drop=ALL", "--cap-add=SYS_PTRACE",
                "--read-only", "--security-opt=no-new-privileges", "--security-opt=apparmor=unconfined")), daemon.toString());
        assertTrue(daemon.contains("--mount=type=bind,source=" + tmp.resolve("run-netns")
                + ",destination=/host/run/netns,ro=true,bind-propagation=rslave"), daemon.toString());
        assertTrue(daemon.contains("--mount=type=tmpfs,destination=/tmp,tmpfs-size=16777216"), daemon.toString());
        assertEquals(List.of("--entrypoint=[\"/opt/cni-dhcp/bin/dhcp\",\"daemon\",\"-hostprefix\",\"/host\"]", "img"),
                daemon.subList(daemon.size() - 2, daemon.size()));

        hostPaths.remove("/run/netns");
        IllegalArgumentException unmapped = assertThrows(IllegalArgumentException.class,
                () -> PodmanRun.args(spec, container(spec, "daemon"), "img", hostPaths));
        assertTrue(unmapped.getMessage().contains("/run/netns"), unmapped.getMessage());
    }

    @Test
    void podmanTranslationRefusesAFieldItDoesNotKnow() throws Exception {
        PodSpec spec = DaemonSetManifest.read().getSpec().getTemplate().getSpec();
        Container init = container(spec, "install-plugin");
        init.setWorkingDir("/opt");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PodmanRun.args(spec, init, "img", Map.of()));
        assertTrue(e.getMessage().contains("workingDir"), e.getMessage());
    }

    static Container container(PodSpec spec, String name) {
        return containers(spec).stream().filter(c -> c.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no container " + name));
    }

    private static List<Container> containers(PodSpec spec) {
        List<Container> all = new ArrayList<>(spec.getInitContainers());
        all.addAll(spec.getContainers());
        return all;
    }
}
