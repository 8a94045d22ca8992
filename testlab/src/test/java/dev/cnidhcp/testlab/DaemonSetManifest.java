package dev.cnidhcp.testlab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The DaemonSet manifest {@code packaging/kubernetes/cni-dhcp-daemonset.yaml} read as the Kubernetes API
 * types (fabric8's apps/v1 and core/v1 model), strictly: a field the API does not have, at any depth,
 * is an error, not an entry in the model's catch-all {@code additionalProperties}. Stateless; used by
 * the manifest's offline checks and by {@link ImageLabTest}, which derives its podman commands from it.
 */
final class DaemonSetManifest {
    static final Path FILE = Path.of(System.getProperty("project.dir", ".."))
            .resolve("packaging/kubernetes/cni-dhcp-daemonset.yaml").toAbsolutePath().normalize();

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final JsonMapper KUBE = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private DaemonSetManifest() {
    }

    /** The manifest as a DaemonSet; IOException when it is not one document of known API fields. */
    static DaemonSet read(Path file) throws IOException {
        JsonNode tree = YAML.readTree(Files.readString(file));
        if (tree == null || !tree.isObject()) {
            throw new IOException(file + ": not one YAML document with a mapping");
        }
        DaemonSet daemonSet;
        try {
            daemonSet = KUBE.readValue(tree.toString(), DaemonSet.class);
        } catch (RuntimeException e) {
            throw new IOException(file + ": not a DaemonSet: " + e.getMessage(), e);
        }
        List<String> unknown = unknownFields(daemonSet);
        if (!unknown.isEmpty()) {
            throw new IOException(file + ": fields the Kubernetes API does not have: " + unknown);
        }
        return daemonSet;
    }

    static DaemonSet read() throws IOException {
        return read(FILE);
    }

    /**
     * Every field of the model's catch-all maps, as {@code path.field}: fabric8's classes keep what
     * they do not know in {@code getAdditionalProperties()} instead of failing.
     */
    static List<String> unknownFields(Object model) {
        List<String> out = new ArrayList<>();
        walk(model, "", out, new IdentityHashMap<>());
        return out;
    }

    private static void walk(Object value, String path, List<String> out, Map<Object, Boolean> seen) {
        if (value == null || seen.put(value, Boolean.TRUE) != null) {
            return;
        }
        if (value instanceof Collection<?> items) {
            int i = 0;
            for (Object item : items) {
                walk(item, path + "[" + i++ + "]", out, seen);
            }
            return;
        }
        if (value instanceof Map<?, ?> map) {
            map.forEach((k, v) -> walk(v, path + "[" + k + "]", out, seen));
            return;
        }
        if (!value.getClass().getName().startsWith("io.fabric8.")) {
            return;
        }
        for (Method getter : value.getClass().getMethods()) {
            if (getter.getParameterCount() != 0 || Modifier.isStatic(getter.getModifiers())
                    || !getter.getName().startsWith("get") || getter.getDeclaringClass() == Object.class) {
                continue;
            }
            Object child;
            try {
                child = getter.invoke(value);
            } catch (IllegalAccessException | InvocationTargetException e) {
                throw new IllegalStateException("cannot read " + path + "." + getter.getName(), e);
            }
            if (getter.getName().equals("getAdditionalProperties") && child instanceof Map<?, ?> extra) {
                extra.keySet().forEach(k -> out.add(path.isEmpty() ? String.valueOf(k) : path + "." + k));
            } else {
                walk(child, path + "." + field(getter.getName()), out, seen);
            }
        }
    }

    private static String field(String getter) {
        String name = getter.substring(3);
        return name.isEmpty() ? name : Character.toLowerCase(name.charAt(0)) + name.substring(1);
    }
}
