package dev.cnidhcp.testlab;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Debian's podman with its CNI network backend, run in a lab's node namespace ({@code nsenter --net},
 * so that podman's netns bind mounts under /run/netns are in the mount namespace the daemon sees).
 * Everything podman keeps lives in one temp dir of its own: a private containers.conf (through
 * {@code CONTAINERS_CONF}), the CNI plugin dir (our dist/bin/dhcp, the reference macvlan), the network
 * config dir with network {@value #NETWORK} (macvlan on the lab's mv0, IPAM dhcp on the lab's socket),
 * the storage ({@code --root}, {@code --runroot}, vfs), podman's tmp_dir and a busybox root filesystem
 * for {@code --rootfs}. {@link #close()} removes every container of that storage and the dir.
 *
 * <p>Used by one test thread; not thread-safe.
 */
final class PodmanCni implements AutoCloseable {
    static final String NETWORK = "pmnet";
    private static final Path BUSYBOX = Path.of("/bin/busybox");
    private static final Path REFERENCE_PLUGINS = Path.of(System.getProperty("ref.cni", "/usr/lib/cni"));
    private static final List<String> APPLETS = List.of("sh", "ip", "ping", "cat", "sleep");
    private static final long COMMAND_SECONDS = 60;

    /**
     * The containers.conf as tested (README, "With podman"). default_ulimits: this machine refuses
     * the rlimits podman sets by default ("error setting rlimit type 7"); runc: crun 1.8 refuses a
     * hybrid cgroup hierarchy, which this machine has.
     */
    static final String CONTAINERS_CONF = """
            [containers]
            default_ulimits = []

            [network]
            network_backend = "cni"
            cni_plugin_dirs = ["%s"]
            network_config_dir = "%s"

            [engine]
            runtime = "runc"
            tmp_dir = "%s"
            events_logger = "file"
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

    private final Lab lab;
    private final Path dir;
    private final Thread cleanup;
    private boolean closed;

    private PodmanCni(Lab lab, Path dir) {
        this.lab = lab;
        this.dir = dir;
        this.cleanup = new Thread(this::removeAll, "podman-cleanup-" + lab.name);
        Runtime.getRuntime().addShutdownHook(cleanup);
    }

    /** Whether podman, runc and a static busybox are installed (testlab/scripts/install-deps.sh). */
    static boolean installed() {
        return Command.onPath("podman") && Command.onPath("runc") && Files.isExecutable(BUSYBOX);
    }

    /** Sets up the temp dir for {@code lab}: configuration, plugins, network, root filesystem. */
    static PodmanCni in(Lab lab) throws IOException {
        Path dir = Files.createTempDirectory("pm-podman.");
        PodmanCni podman = new PodmanCni(lab, dir);
        try {
            Path bin = Files.createDirectories(dir.resolve("cni-bin"));
            Files.copy(Path.of(System.getProperty("dist.dir", "../dist"), "bin", "dhcp"), bin.resolve("dhcp"));
            Files.copy(REFERENCE_PLUGINS.resolve("macvlan"), bin.resolve("macvlan"));
            Path netd = Files.createDirectories(dir.resolve("net.d"));
            Files.writeString(netd.resolve(NETWORK + ".conflist"),
                    NETWORK_CONFIG.formatted(NETWORK, lab.socket().toAbsolutePath()), StandardCharsets.UTF_8);
            Files.writeString(dir.resolve("containers.conf"),
                    CONTAINERS_CONF.formatted(bin, netd, dir.resolve("libpod")), StandardCharsets.UTF_8);
            Path rootfsBin = Files.createDirectories(dir.resolve("rootfs/bin"));
            Files.copy(BUSYBOX, rootfsBin.resolve("busybox"));
            for (String applet : APPLETS) {
                Files.createSymbolicLink(rootfsBin.resolve(applet), Path.of("busybox"));
            }
            return podman;
        } catch (IOException | RuntimeException e) {
            podman.close();
            throw e;
        }
    }

    /** The busybox root filesystem for {@code --rootfs}. */
    Path rootfs() {
        return dir.resolve("rootfs");
    }

    /** {@code podman ARGS...} with this storage and configuration, in the lab's node namespace. */
    Command podman(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of("nsenter", "--net=/run/netns/" + lab.name + "-node",
                "podman", "--root", dir.resolve("root").toString(), "--runroot", dir.resolve("runroot").toString(),
                "--storage-driver", "vfs"));
        command.addAll(Arrays.asList(args));
        try {
            return Command.run(command, Map.of("CONTAINERS_CONF", dir.resolve("containers.conf").toString()), "",
                    COMMAND_SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + command, e);
        }
    }

    /** {@code podman exec CONTAINER COMMAND...}, succeeding. */
    String exec(String container, String... command) throws IOException {
        List<String> args = new ArrayList<>(List.of("exec", container));
        args.addAll(Arrays.asList(command));
        return podman(args.toArray(new String[0])).expectSuccess().stdout();
    }

    /** Removes every container of this storage (killing it at once) and the temp dir; never throws. */
    private void removeAll() {
        try {
            if (Files.isDirectory(dir.resolve("root"))) {
                Command rm = podman("rm", "--all", "--force", "--time", "0");
                if (rm.exit() != 0) {
                    System.err.println("podman rm --all: " + rm.stdout() + rm.stderr());
                }
            }
        } catch (IOException e) {
            System.err.println("podman rm --all: " + e.getMessage());
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            System.err.println("cannot remove " + dir + ": " + e.getMessage());
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        removeAll();
        try {
            Runtime.getRuntime().removeShutdownHook(cleanup);
        } catch (IllegalStateException e) {
            // already shutting down: the hook runs anyway
        }
    }
}
