package dev.cnidhcp.testlab;

import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A pod network namespace kept where Docker keeps its sandboxes: a new namespace bind-mounted at
 * {@code /var/run/docker/netns/ID} ({@code unshare --net=FILE}), in no {@code /run/netns} name.
 * {@link #close()} removes exactly what {@link #create()} made: the mount, the file, and the
 * directories {@code /var/run/docker} and {@code /var/run/docker/netns} only if it created them (and
 * they are empty); a shutdown hook does the same if the test JVM dies first.
 *
 * <p>Make it before the lab's daemon starts: the daemon runs in a mount namespace copied when it
 * started, and the host's mounts are private here, so a mount made later does not reach it.
 */
final class DockerNetns implements AutoCloseable {
    static final Path DIR = Path.of("/var/run/docker/netns");

    final Path file;
    private final List<Path> createdDirs = new ArrayList<>();
    private final Teardown teardown;
    private boolean createdFile;
    private boolean mounted;

    private DockerNetns(Path file) {
        this.file = file;
        this.teardown = Teardown.atExit("docker-netns-cleanup", this::remove);
    }

    static DockerNetns create() throws IOException {
        String id = "cnidhcp" + Long.toHexString(ThreadLocalRandom.current().nextLong(1L << 40, 1L << 44));
        DockerNetns ns = new DockerNetns(DIR.resolve(id));
        try {
            ns.make();
        } catch (IOException | RuntimeException e) {
            ns.close();
            throw e;
        }
        return ns;
    }

    private void make() throws IOException {
        for (Path dir : List.of(DIR.getParent(), DIR)) {
            if (!Files.exists(dir)) {
                Files.createDirectory(dir);
                createdDirs.add(dir);
            }
        }
        Files.createFile(file);
        createdFile = true;
        mounted = true; // from here on close() unmounts (a no-op when unshare failed before mounting)
        Command r = run("unshare", "--net=" + file, "true");
        if (r.exit() != 0) {
            throw new IOException("unshare --net=" + file + " failed: " + r.stderr());
        }
    }

    /** Runs a command inside the namespace. */
    Command inside(String... command) throws IOException {
        List<String> args = new ArrayList<>(List.of("nsenter", "--net=" + file));
        args.addAll(List.of(command));
        return run(args.toArray(new String[0]));
    }

    /** The MAC address of an interface inside the namespace. */
    String mac(String ifname) throws IOException {
        String out = inside("ip", "-o", "link", "show", "dev", ifname).expectSuccess().stdout();
        String[] f = out.trim().split("\\s+");
        for (int i = 0; i + 1 < f.length; i++) {
            if (f[i].equals("link/ether")) {
                return f[i + 1];
            }
        }
        throw new IOException("no MAC for " + ifname + " in: " + out);
    }

    /** The IPv4 addresses (CIDR) of an interface inside the namespace. */
    List<String> addresses(String ifname) throws IOException {
        String out = inside("ip", "-4", "-o", "addr", "show", "dev", ifname).expectSuccess().stdout();
        List<String> addresses = new ArrayList<>();
        String[] f = out.trim().split("\\s+");
        for (int i = 0; i + 1 < f.length; i++) {
            if (f[i].equals("inet")) {
                addresses.add(f[i + 1]);
            }
        }
        return addresses;
    }

    private static Command run(String... command) throws IOException {
        try {
            return Command.run(List.of(command), Map.of(), "", 30);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + List.of(command), e);
        }
    }

    private synchronized void remove() {
        try {
            if (mounted) {
                run("umount", file.toString()); // the namespace ends with its last mount
            }
            if (createdFile) {
                Files.deleteIfExists(file);
            }
            for (int i = createdDirs.size() - 1; i >= 0; i--) {
                try {
                    Files.deleteIfExists(createdDirs.get(i));
                } catch (DirectoryNotEmptyException e) {
                    // something else keeps a file there now: leave the directory
                }
            }
        } catch (IOException e) {
            System.err.println("cannot remove " + file + ": " + e.getMessage());
        }
    }

    @Override
    public void close() {
        teardown.run();
    }
}
