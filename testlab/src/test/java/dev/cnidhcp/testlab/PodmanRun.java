package dev.cnidhcp.testlab;

import io.fabric8.kubernetes.api.model.Capabilities;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The {@code podman run} arguments that run one container of a pod spec as the kubelet would on a
 * node: host namespaces, the user, capabilities and security options of its securityContext, its
 * volume mounts (hostPath as bind mounts, emptyDir as tmpfs), its command. Host paths are mapped
 * through {@code hostPaths}, so that a test can stand a temporary directory in for one of the node's;
 * every hostPath of the manifest must be mapped (to itself where the real one is meant).
 *
 * <p>Fields this class does not translate are refused (IllegalArgumentException) unless they are in
 * the short lists of fields that have no podman meaning here (scheduling, resources, probes, which the
 * test runs itself): a field added to the manifest makes the lab test fail until it is translated or
 * listed, so the manifest and the tested podman command cannot drift apart. Stateless.
 */
final class PodmanRun {
    private static final JsonMapper KUBE = JsonMapper.builder().build();

    /** Pod spec fields with no effect on one podman container (scheduling, the service account, lists handled by the caller). */
    private static final Set<String> POD_IGNORED = Set.of("priorityClassName", "automountServiceAccountToken",
            "nodeSelector", "tolerations", "containers", "initContainers", "volumes");
    private static final Set<String> POD_HANDLED = Set.of("hostNetwork", "hostPID", "terminationGracePeriodSeconds");
    /** Container fields the test deals with itself (the probe), or that the lab leaves out (cgroup limits, pulls). */
    private static final Set<String> CONTAINER_IGNORED = Set.of("name", "image", "imagePullPolicy", "resources",
            "livenessProbe");
    private static final Set<String> CONTAINER_HANDLED = Set.of("command", "args", "env", "securityContext",
            "volumeMounts");
    private static final Set<String> SECURITY_HANDLED = Set.of("runAsUser", "runAsGroup", "allowPrivilegeEscalation",
            "readOnlyRootFilesystem", "capabilities", "privileged", "seccompProfile", "appArmorProfile");

    private PodmanRun() {
    }

    /**
     * The arguments after {@code podman run}, ending with the image and the container's arguments.
     *
     * @param spec      the pod spec the container belongs to (host namespaces, volumes)
     * @param container one of its containers or init containers
     * @param image     the image reference to run (the manifest's, as podman load named it)
     * @param hostPaths every hostPath of the spec's volumes, mapped to the directory that stands in for it
     */
    static List<String> args(PodSpec spec, Container container, String image, Map<String, Path> hostPaths)
            throws IOException {
        refuseUnknown("pod spec", spec, POD_HANDLED, POD_IGNORED);
        refuseUnknown("container " + container.getName(), container, CONTAINER_HANDLED, CONTAINER_IGNORED);
        List<String> out = new ArrayList<>();
        if (Boolean.TRUE.equals(spec.getHostNetwork())) {
            out.add("--network=host");
        }
        if (Boolean.TRUE.equals(spec.getHostPID())) {
            out.add("--pid=host");
        }
        if (spec.getTerminationGracePeriodSeconds() != null) {
            out.add("--stop-timeout=" + spec.getTerminationGracePeriodSeconds());
        }
        if (container.getSecurityContext() != null) {
            out.addAll(security(container.getSecurityContext()));
        }
        for (EnvVar env : container.getEnv()) {
            if (env.getValueFrom() != null) {
                throw new IllegalArgumentException("env " + env.getName() + ": valueFrom is not translated");
            }
            out.add("--env=" + env.getName() + "=" + (env.getValue() == null ? "" : env.getValue()));
        }
        for (VolumeMount mount : container.getVolumeMounts()) {
            out.add(mount(spec, mount, hostPaths));
        }
        List<String> command = container.getCommand();
        if (!command.isEmpty()) {
            out.add("--entrypoint=" + KUBE.writeValueAsString(command));
        }
        out.add(image);
        out.addAll(container.getArgs());
        return out;
    }

    private static List<String> security(SecurityContext sc) {
        refuseUnknown("securityContext", sc, SECURITY_HANDLED, Set.of());
        List<String> out = new ArrayList<>();
        if (sc.getRunAsUser() != null) {
            out.add("--user=" + sc.getRunAsUser() + (sc.getRunAsGroup() != null ? ":" + sc.getRunAsGroup() : ""));
        } else if (sc.getRunAsGroup() != null) {
            throw new IllegalArgumentException("runAsGroup without runAsUser is not translated");
        }
        if (Boolean.TRUE.equals(sc.getPrivileged())) {
            out.add("--privileged");
        }
        if (Boolean.FALSE.equals(sc.getAllowPrivilegeEscalation())) {
            out.add("--security-opt=no-new-privileges");
        }
        if (Boolean.TRUE.equals(sc.getReadOnlyRootFilesystem())) {
            // the kubelet adds no tmpfs of its own: only the volumes are writable
            out.add("--read-only");
            out.add("--read-only-tmpfs=false");
        }
        Capabilities caps = sc.getCapabilities();
        if (caps != null) {
            caps.getDrop().forEach(c -> out.add("--cap-drop=" + c));
            caps.getAdd().forEach(c -> out.add("--cap-add=" + c));
        }
        if (sc.getSeccompProfile() != null) {
            out.addAll(profile("seccomp", sc.getSeccompProfile().getType()));
        }
        if (sc.getAppArmorProfile() != null) {
            out.addAll(profile("apparmor", sc.getAppArmorProfile().getType()));
        }
        return out;
    }

    /** RuntimeDefault: podman's own default profile; Unconfined: none. */
    private static List<String> profile(String kind, String type) {
        return switch (type) {
            case "RuntimeDefault" -> List.of();
            case "Unconfined" -> List.of("--security-opt=" + kind + "=unconfined");
            default -> throw new IllegalArgumentException(kind + " profile type " + type + " is not translated");
        };
    }

    private static String mount(PodSpec spec, VolumeMount mount, Map<String, Path> hostPaths) throws IOException {
        Volume volume = spec.getVolumes().stream().filter(v -> v.getName().equals(mount.getName())).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("volumeMount " + mount.getName() + ": no such volume"));
        if (mount.getSubPath() != null || mount.getSubPathExpr() != null) {
            throw new IllegalArgumentException("volumeMount " + mount.getName() + ": subPath is not translated");
        }
        if (volume.getHostPath() != null) {
            String path = volume.getHostPath().getPath();
            Path source = hostPaths.get(path);
            if (source == null) {
                throw new IllegalArgumentException("hostPath " + path + " (volume " + volume.getName()
                        + ") has no stand-in; the test must map it");
            }
            String type = volume.getHostPath().getType() == null ? "" : volume.getHostPath().getType();
            switch (type) {
                case "DirectoryOrCreate" -> Files.createDirectories(source);
                case "Directory" -> {
                    if (!Files.isDirectory(source)) {
                        throw new IOException("hostPath " + path + " of type Directory: " + source + " is none");
                    }
                }
                default -> throw new IllegalArgumentException("hostPath type '" + type + "' is not translated");
            }
            StringBuilder m = new StringBuilder("--mount=type=bind,source=").append(source)
                    .append(",destination=").append(mount.getMountPath());
            if (Boolean.TRUE.equals(mount.getReadOnly())) {
                m.append(",ro=true");
            }
            m.append(",bind-propagation=").append(propagation(mount.getMountPropagation()));
            return m.toString();
        }
        if (volume.getEmptyDir() != null) {
            // medium Memory is a tmpfs under the kubelet too; a disk-backed emptyDir would be a directory
            if (!"Memory".equals(volume.getEmptyDir().getMedium())) {
                throw new IllegalArgumentException("emptyDir " + volume.getName() + ": only medium Memory is translated");
            }
            StringBuilder m = new StringBuilder("--mount=type=tmpfs,destination=").append(mount.getMountPath());
            if (volume.getEmptyDir().getSizeLimit() != null) {
                m.append(",tmpfs-size=").append(volume.getEmptyDir().getSizeLimit().getNumericalAmount().longValue());
            }
            return m.toString();
        }
        throw new IllegalArgumentException("volume " + volume.getName() + ": only hostPath and emptyDir are translated");
    }

    /** Kubernetes' mount propagation as the bind mount's: None (the default) is private. */
    private static String propagation(String mode) {
        if (mode == null || mode.equals("None")) {
            return "rprivate";
        }
        return switch (mode) {
            case "HostToContainer" -> "rslave";
            case "Bidirectional" -> "rshared";
            default -> throw new IllegalArgumentException("mountPropagation " + mode);
        };
    }

    /** Refuses a set field of {@code model} that is neither handled nor known to have no meaning here. */
    private static void refuseUnknown(String what, Object model, Set<String> handled, Set<String> ignored) {
        Set<String> unknown = new TreeSet<>();
        KUBE.valueToTree(model).properties().forEach(e -> {
            if (!handled.contains(e.getKey()) && !ignored.contains(e.getKey())) {
                unknown.add(e.getKey());
            }
        });
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException(what + ": fields the podman translation does not know: " + unknown);
        }
    }
}
