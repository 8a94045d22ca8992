package dev.cnidhcp.daemon.doctor;

import dev.cnidhcp.cni.CniException;
import dev.cnidhcp.daemon.config.IpamConfig;
import dev.cnidhcp.json.JsonException;
import dev.cnidhcp.json.MiniJson;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The CNI config directory: config files are there ({@link Checks#CONFIG_FILES}); each parses
 * ({@link Checks#CONFIG_PARSE}); each plugin that uses {@code ipam.type "dhcp"} (a {@code .conf}, or an
 * entry of a {@code .conflist}'s {@code plugins}) has an {@code ipam} the daemon accepts
 * ({@link IpamConfig#parse}, the validation of every CNI call: {@link Checks#CONFIG_IPAM}), and its
 * main plugin's binary and {@code dhcp} are executables in the bin directory
 * ({@link Checks#CONFIG_BINARIES}). Files are read as the runtime reads them: {@code .conf},
 * {@code .conflist} and {@code .json}, in lexical order.
 */
final class ConfigCheck {
    /** What the directory says: the findings, and each dhcp network's {@code ipam.exclude} by name. */
    record Result(List<Finding> findings, Map<String, List<String>> excludes) {
        Result {
            findings = List.copyOf(findings);
            excludes = Map.copyOf(excludes);
        }
    }

    private final Path confDir;
    private final Path binDir;

    ConfigCheck(Path confDir, Path binDir) {
        this.confDir = confDir;
        this.binDir = binDir;
    }

    Result run() {
        List<Finding> out = new ArrayList<>();
        Map<String, List<String>> excludes = new LinkedHashMap<>();
        List<Path> files;
        try (Stream<Path> list = Files.list(confDir)) {
            files = list.filter(ConfigCheck::isConfig).sorted().toList();
        } catch (IOException e) {
            out.add(Finding.fail(Checks.CONFIG_FILES, confDir.toString(), "cannot list the directory: " + e.getMessage(),
                    "create it and write the network config there (docs/configuration.md); the runtime's conf_dir"
                            + " ('containerd config dump | grep conf_dir') must be this directory"));
            return new Result(out, excludes);
        }
        if (files.isEmpty()) {
            out.add(Finding.fail(Checks.CONFIG_FILES, confDir.toString(), "no .conf, .conflist or .json file",
                    "write the network config there (docs/configuration.md)"));
            return new Result(out, excludes);
        }
        int dhcp = 0;
        boolean unreadable = false;
        for (Path file : files) {
            Map<String, Object> root;
            try {
                root = parse(file);
            } catch (IOException | JsonException e) {
                out.add(Finding.fail(Checks.CONFIG_PARSE, file.toString(), "does not parse: " + e.getMessage(),
                        "fix the JSON ('jq . " + file + "'); the runtime cannot use this file"));
                unreadable = true;
                continue;
            }
            List<Map<String, Object>> plugins = pluginsOf(root);
            if (plugins == null) {
                out.add(Finding.fail(Checks.CONFIG_PARSE, file.toString(), "\"plugins\" is not a list of objects",
                        "a .conflist has \"plugins\": [{\"type\": ...}, ...]"));
                unreadable = true;
                continue;
            }
            String name = root.get("name") instanceof String n ? n : null;
            List<Map<String, Object>> users = new ArrayList<>();
            for (Map<String, Object> plugin : plugins) {
                if (plugin.get("ipam") instanceof Map<?, ?> ipam && "dhcp".equals(ipam.get("type"))) {
                    users.add(plugin);
                }
            }
            if (users.isEmpty()) {
                out.add(Finding.pass(Checks.CONFIG_PARSE, file.toString(), "parses; uses no ipam \"dhcp\""));
                continue;
            }
            dhcp++;
            if (name == null || name.isEmpty()) {
                out.add(Finding.fail(Checks.CONFIG_PARSE, file.toString(), "network config has no \"name\"",
                        "add \"name\": the network's name (the runtime and the daemon key leases by it)"));
                continue;
            }
            out.add(Finding.pass(Checks.CONFIG_PARSE, file.toString(), "network " + name + ": "
                    + users.size() + " plugin(s) with ipam \"dhcp\""));
            for (Map<String, Object> plugin : users) {
                out.add(ipam(file, plugin, name, excludes));
                out.add(binaries(file, plugin));
            }
        }
        if (dhcp == 0 && !unreadable) {
            out.add(0, Finding.warn(Checks.CONFIG_FILES, confDir.toString(), files.size() + " config file(s), none uses"
                    + " ipam \"dhcp\"", "set \"ipam\": {\"type\": \"dhcp\"} in the network config (docs/configuration.md)"));
        } else {
            out.add(0, Finding.pass(Checks.CONFIG_FILES, confDir.toString(), files.size() + " config file(s): "
                    + String.join(", ", files.stream().map(p -> p.getFileName().toString()).toList())));
        }
        return new Result(out, excludes);
    }

    @SuppressWarnings("unchecked")
    private Finding ipam(Path file, Map<String, Object> plugin, String network, Map<String, List<String>> excludes) {
        Map<String, Object> ipam = (Map<String, Object>) plugin.get("ipam");
        String subject = file + " (" + plugin.get("type") + ")";
        try {
            IpamConfig.parse(ipam);
        } catch (CniException e) {
            return Finding.fail(Checks.CONFIG_IPAM, subject, e.getMessage(),
                    "fix the ipam key it names (docs/configuration.md); every ADD is refused with this error (code "
                            + e.code() + ")");
        }
        if (ipam.get("exclude") instanceof List<?> list) {
            List<String> ranges = new ArrayList<>();
            list.forEach(r -> ranges.add(String.valueOf(r)));
            excludes.put(network, ranges);
        }
        return Finding.pass(Checks.CONFIG_IPAM, subject, "the daemon accepts its ipam");
    }

    private Finding binaries(Path file, Map<String, Object> plugin) {
        String subject = file + " (" + plugin.get("type") + ")";
        List<String> names = new ArrayList<>();
        if (plugin.get("type") instanceof String type && !type.isEmpty()) {
            names.add(type);
        } else {
            return Finding.fail(Checks.CONFIG_BINARIES, subject, "the plugin has no \"type\"",
                    "set \"type\" to the main plugin (bridge, macvlan, ...)");
        }
        if (!names.contains("dhcp")) {
            names.add("dhcp");
        }
        List<String> missing = new ArrayList<>();
        for (String name : names) {
            Path bin = binDir.resolve(name);
            if (name.contains("/") || !Files.isRegularFile(bin) || !Files.isExecutable(bin)) {
                missing.add(name);
            }
        }
        if (missing.isEmpty()) {
            return Finding.pass(Checks.CONFIG_BINARIES, subject, String.join(" and ", names) + " are executables in " + binDir);
        }
        StringBuilder fix = new StringBuilder();
        for (String name : missing) {
            fix.append(fix.length() == 0 ? "" : "; ").append(name.equals("dhcp")
                    ? "install it: 'make install' (links " + binDir.resolve("dhcp") + " to /opt/cni-dhcp/bin/dhcp)"
                    : "install the CNI plugins that provide " + name + " into " + binDir
                            + " (e.g. Debian's containernetworking-plugins, then link /usr/lib/cni/" + name + ")");
        }
        return Finding.fail(Checks.CONFIG_BINARIES, subject, "not an executable in " + binDir + ": "
                + String.join(", ", missing), fix.toString());
    }

    private static boolean isConfig(Path p) {
        String n = p.getFileName().toString();
        return (n.endsWith(".conf") || n.endsWith(".conflist") || n.endsWith(".json")) && !Files.isDirectory(p);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> parse(Path file) throws IOException, JsonException {
        Object parsed = MiniJson.parse(Files.readString(file, StandardCharsets.UTF_8));
        if (!(parsed instanceof Map<?, ?>)) {
            throw new JsonException("not a JSON object");
        }
        return (Map<String, Object>) parsed;
    }

    /** The plugins of a config: a conflist's {@code plugins}, or the config itself; null when malformed. */
    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> pluginsOf(Map<String, Object> root) {
        if (!root.containsKey("plugins")) {
            return List.of(root);
        }
        if (!(root.get("plugins") instanceof List<?> list)) {
            return null;
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (Object p : list) {
            if (!(p instanceof Map<?, ?>)) {
                return null;
            }
            out.add((Map<String, Object>) p);
        }
        return out;
    }
}
