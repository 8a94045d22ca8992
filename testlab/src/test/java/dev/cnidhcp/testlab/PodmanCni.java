package dev.cnidhcp.testlab;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@link Podman} with its CNI network backend, in a lab's node namespace: its directory also holds the
 * CNI plugin dir (our dist/bin/dhcp, the reference macvlan), the network config dir with network
 * {@value #NETWORK} (macvlan on the lab's mv0, IPAM dhcp on the lab's socket) and a busybox root
 * filesystem for {@code --rootfs}. {@link #close()} removes every container and the directory.
 *
 * <p>Used by one test thread; not thread-safe.
 */
final class PodmanCni implements AutoCloseable {
    static final String NETWORK = "pmnet";
    private static final Path BUSYBOX = Path.of("/bin/busybox");
    private static final Path REFERENCE_PLUGINS = Path.of(System.getProperty("ref.cni", "/usr/lib/cni"));
    private static final List<String> APPLETS = List.of("sh", "ip", "ping", "cat", "sleep");

    /** The {@code [network]} section as tested (README, "With podman"): the CNI backend, in podman's directory. */
    static final String NETWORK_SECTION = """

            [network]
            network_backend = "cni"
            cni_plugin_dirs = ["%s"]
            network_config_dir = "%s"
            """;

    /** The network config as tested (README, "With podman"): macvlan on the node's uplink, IPAM dhcp. */
    static final String NETWORK_CONFIG = """
            {
              "cniVersion": "1.0.0",
              "name": "%s",
              "plugins": [
                {
                  "type": "macvlan",
                  "master": "mv0",
                  "mode": "bridge",
                  "ipam": {"type": "dhcp", "daemonSocketPath": "%s"}
                }
              ]
            }
            """;

    private final Podman podman;

    private PodmanCni(Podman podman) {
        this.podman = podman;
    }

    /** Whether podman, runc and a static busybox are installed (testlab/scripts/install-deps.sh). */
    static boolean installed() {
        return Command.onPath("podman") && Command.onPath("runc") && Files.isExecutable(BUSYBOX);
    }

    /** Sets up podman's directory for {@code lab}: plugins, network, configuration, root filesystem. */
    static PodmanCni in(Lab lab) throws IOException {
        Podman podman = new Podman(Path.of("/run/netns", lab.name + "-node"), dir -> {
            Path bin = Files.createDirectories(dir.resolve("cni-bin"));
            Files.copy(Path.of(System.getProperty("dist.dir", "../dist"), "bin", "dhcp"), bin.resolve("dhcp"));
            Files.copy(REFERENCE_PLUGINS.resolve("macvlan"), bin.resolve("macvlan"));
            Path netd = Files.createDirectories(dir.resolve("net.d"));
            Files.writeString(netd.resolve(NETWORK + ".conflist"),
                    NETWORK_CONFIG.formatted(NETWORK, lab.socket().toAbsolutePath()), StandardCharsets.UTF_8);
            return NETWORK_SECTION.formatted(bin, netd);
        });
        try {
            Path rootfsBin = Files.createDirectories(podman.dir.resolve("rootfs/bin"));
            Files.copy(BUSYBOX, rootfsBin.resolve("busybox"));
            for (String applet : APPLETS) {
                Files.createSymbolicLink(rootfsBin.resolve(applet), Path.of("busybox"));
            }
            return new PodmanCni(podman);
        } catch (IOException | RuntimeException e) {
            podman.close();
            throw e;
        }
    }

    /** The busybox root filesystem for {@code --rootfs}. */
    Path rootfs() {
        return podman.dir.resolve("rootfs");
    }

    /** {@code podman ARGS...} with this storage and configuration, in the lab's node namespace. */
    Command podman(String... args) throws IOException {
        return podman.run(args);
    }

    /** {@code podman exec CONTAINER COMMAND...}, succeeding. */
    String exec(String container, String... command) throws IOException {
        List<String> args = new ArrayList<>(List.of("exec", container));
        args.addAll(Arrays.asList(command));
        return podman(args.toArray(new String[0])).expectSuccess().stdout();
    }

    @Override
    public void close() {
        podman.close();
    }
}
