package dev.cnidhcp.daemon.cni;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Resolves the symbolic links of a host path as the host sees them, below a host prefix: a link's
 * absolute target starts again at the prefix (so with {@code -hostprefix /host} the usual
 * {@code /var/run -> /run} leads to {@code /host/run}, not the daemon's own {@code /run}), and
 * {@code ..} stops at it. Links are read with {@code lstat} and {@code readlink}, which open nothing.
 * Inside {@code /proc} nothing is resolved: its links ({@code /proc/PID/ns/net}, {@code
 * /proc/PID/root}, {@code /proc/PID/fd/N}) are magic, they name kernel objects rather than paths,
 * and only the kernel follows them; so does it every link that appears after the walk. Stateless.
 */
final class HostPathResolver {
    /** As the kernel's limit (MAXSYMLINKS). */
    static final int MAX_LINKS = 40;

    private HostPathResolver() {
    }

    /**
     * The parts of {@code hostPath} (absolute) after resolution, relative to the host's root; a part
     * that does not exist ends resolution (the rest is kept as written).
     *
     * @throws IOException when there are more than {@link #MAX_LINKS} links, or a link cannot be read
     */
    static List<String> resolve(String hostPrefix, String hostPath) throws IOException {
        if (!hostPath.startsWith("/")) {
            throw new IllegalArgumentException("hostPath: " + hostPath + " (expected: an absolute path)");
        }
        Path root = Path.of(hostPrefix.isEmpty() ? "/" : hostPrefix);
        Deque<String> todo = new ArrayDeque<>(List.of(hostPath.substring(1).split("/")));
        List<String> done = new ArrayList<>();
        int links = 0;
        boolean missing = false;
        while (!todo.isEmpty()) {
            String part = todo.removeFirst();
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (missing || (!done.isEmpty() && done.get(0).equals("proc"))) {
                done.add(part); // left to the kernel
                continue;
            }
            if (part.equals("..")) {
                if (!done.isEmpty()) {
                    done.remove(done.size() - 1);
                }
                continue;
            }
            Path candidate = join(root, done).resolve(part);
            if (!Files.isSymbolicLink(candidate)) {
                missing = !Files.exists(candidate, java.nio.file.LinkOption.NOFOLLOW_LINKS);
                done.add(part);
                continue;
            }
            if (++links > MAX_LINKS) {
                throw new IOException("more than " + MAX_LINKS + " symbolic links on the way");
            }
            String target = Files.readSymbolicLink(candidate).toString();
            if (target.startsWith("/")) {
                done.clear();
            }
            String[] targetParts = target.split("/");
            for (int i = targetParts.length - 1; i >= 0; i--) {
                todo.addFirst(targetParts[i]);
            }
        }
        return List.copyOf(done);
    }

    /** {@code parts} below {@code root}. */
    static Path join(Path root, List<String> parts) {
        Path p = root;
        for (String part : parts) {
            p = p.resolve(part);
        }
        return p;
    }
}
