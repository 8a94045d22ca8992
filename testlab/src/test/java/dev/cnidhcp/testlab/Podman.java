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
 * {@code --runroot}, the vfs driver) and a private containers.conf ({@code CONTAINERS_CONF}: no default
 * ulimits, since this kind of host refuses RLIMIT_NPROC; runc, since crun refuses its hybrid cgroups;
 * cgroupfs and file events, there being no systemd). Every command runs in a network namespace through
 * {@code nsenter --net}, which leaves podman in the host's mount namespace. {@link #close()} removes
 * the containers and images it made and the directory, also after a failure. Used by one test thread.
 */
final class Podman implements AutoCloseable {
    private static final long TIMEOUT_SECONDS = 120;

    final Path dir;
    private final Path netns;
    private final Map<String, String> env;

    /** @param netns the network namespace podman runs in, e.g. /run/netns/LAB-node */
    Podman(Path netns) throws IOException {
        this.netns = netns;
        this.dir = Files.createTempDirectory("cni-dhcp-podman.");
        Path conf = dir.resolve("containers.conf");
        Files.writeString(conf, """
                [containers]
                default_ulimits = []
                [engine]
                runtime = "runc"
                cgroup_manager = "cgroupfs"
                events_logger = "file"
                """);
        this.env = Map.of("CONTAINERS_CONF", conf.toString());
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
        try {
            run("rm", "--all", "--force", "--time", "0");
            run("rmi", "--all", "--force");
        } catch (IOException e) {
            System.err.println("podman cleanup: " + e.getMessage());
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
