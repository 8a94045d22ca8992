package dev.cnidhcp.testlab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Debian's podman with everything of its own under one temporary directory: storage ({@code --root},
 * {@code --runroot}, the vfs driver) and a private containers.conf ({@code CONTAINERS_CONF}, see
 * {@link #CONTAINERS_CONF}). Every command runs in a network namespace through {@code nsenter --net},
 * which leaves podman in the host's mount namespace (so that the netns bind mounts it makes under
 * /run/netns are where the daemon looks). {@link #close()} (or a shutdown hook, when the test JVM is
 * stopped) removes the containers and images it made and the directory, also after a failure. Used
 * by one test thread.
 */
final class Podman implements AutoCloseable {
    private static final long TIMEOUT_SECONDS = 120;

    /**
     * The containers.conf as tested (README, "With podman"), with a {@code [network]} section when
     * one is given. default_ulimits: this kind of host refuses the rlimits podman sets by default
     * ("error setting rlimit type 7"); runc: crun 1.8 refuses a hybrid cgroup hierarchy; cgroupfs and
     * file events: there is no systemd to ask; tmp_dir: nothing left in /run/libpod.
     */
    static final String CONTAINERS_CONF = """
            [containers]
            default_ulimits = []
            %s
            [engine]
            runtime = "runc"
            cgroup_manager = "cgroupfs"
            tmp_dir = "%s"
            events_logger = "file"
            """;

    final Path dir;
    private final Path netns;
    private final Map<String, String> env;
    private final Teardown teardown;

    /** @param netns the network namespace podman runs in, e.g. /run/netns/LAB-node */
    Podman(Path netns) throws IOException {
        this(netns, dir -> "");
    }

    /**
     * @param network the {@code [network]} section of the configuration, given podman's directory
     *                (which it may fill, e.g. with CNI plugins and configs), or "" for none
     */
    Podman(Path netns, NetworkSection network) throws IOException {
        this.netns = netns;
        this.dir = Files.createTempDirectory("cni-dhcp-podman.");
        this.teardown = Teardown.atExit("podman-cleanup-" + dir.getFileName(), this::removeAll);
        Path conf = dir.resolve("containers.conf");
        try {
            Files.writeString(conf, CONTAINERS_CONF.formatted(network.of(dir), dir.resolve("libpod")));
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
        this.env = Map.of("CONTAINERS_CONF", conf.toString());
    }

    /** The {@code [network]} section of containers.conf for podman's directory. */
    @FunctionalInterface
    interface NetworkSection {
        String of(Path dir) throws IOException;
    }

    /** {@code podman ARGS...}: its exit code and output. */
    Command run(List<String> args) throws IOException {
        List<String> command = new ArrayList<>(List.of("nsenter", "--net=" + netns, "podman",
                "--root", dir.resolve("root").toString(), "--runroot", dir.resolve("runroot").toString(),
                "--storage-driver", "vfs", "--cgroup-manager", "cgroupfs"));
        command.addAll(args);
        try {
            return Command.run(command, env, "", TIMEOUT_SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    Command run(String... args) throws IOException {
        return run(List.of(args));
    }

    @Override
    public void close() {
        teardown.run();
    }

    /** Removes the containers and images of this storage and the directory; never throws. */
    private void removeAll() {
        if (env != null && Files.isDirectory(dir.resolve("root"))) {
            try {
                run("rm", "--all", "--force", "--time", "0");
                run("rmi", "--all", "--force");
            } catch (IOException e) {
                System.err.println("podman cleanup: " + e.getMessage());
            }
        }
        unmountUnder(dir);
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.err.println("cannot remove " + dir + ": " + e.getMessage());
        }
    }

    /** Unmounts what podman may have left mounted under {@code root} (a container's shm), deepest first. */
    private static void unmountUnder(Path root) {
        try {
            List<String> mounts = new ArrayList<>();
            for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
                String[] f = line.split(" ");
                if (f.length > 4 && f[4].startsWith(root.toString() + "/")) {
                    mounts.add(f[4]);
                }
            }
            mounts.sort(Comparator.comparingInt(String::length).reversed());
            for (String m : mounts) {
                Command.run("umount", "-l", m);
            }
        } catch (IOException e) {
            System.err.println("cannot read mounts: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
