package dev.cnidhcp.daemon.cni;

import dev.cnidhcp.cni.CniException;
import dev.cnidhcp.cni.ErrorCode;
import dev.cnidhcp.daemon.netns.NamespaceFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * Which CNI_NETNS values the daemon accepts: a network namespace file in one of the known places,
 * {@code /var/run/netns/NAME}, {@code /run/netns/NAME}, {@code /proc/PID/ns/net} or
 * {@code /proc/PID/task/TID/ns/net} (each under {@code -hostprefix}), never an arbitrary file the
 * daemon would open as root. The value must have one of those forms; a file that exists is resolved
 * (symbolic links followed) and must still lie in those places and be a network namespace (nsfs). A
 * file that does not exist passes: DEL of a pod whose namespace is gone must succeed, and ADD then
 * fails when it enters the namespace. For DEL ({@link #checkForDel}) a file in those places that is
 * not a namespace counts as gone too: an unmounted {@code /run/netns} entry left behind is an empty file.
 */
public final class NetnsPathPolicy {
    /** The places, as the message lists them. */
    static final String ALLOWED = "/var/run/netns/NAME, /run/netns/NAME, /proc/PID/ns/net, /proc/PID/task/TID/ns/net";

    /** Tells whether an existing file is a network namespace. */
    @FunctionalInterface
    public interface NamespaceCheck {
        boolean isNetworkNamespace(Path file) throws IOException;
    }

    private final String hostPrefix;
    private final NamespaceCheck namespaces;

    public NetnsPathPolicy(HostPaths paths, NamespaceCheck namespaces) {
        this.hostPrefix = paths.hostPrefix();
        this.namespaces = namespaces;
    }

    /** The daemon's policy: namespaces recognised by their file system (nsfs). */
    public static NetnsPathPolicy of(HostPaths paths) {
        return new NetnsPathPolicy(paths, NamespaceFiles::isNetworkNamespace);
    }

    /**
     * The file the daemon may use for {@code cniNetns} (resolved when it exists), or null when the
     * value is empty.
     *
     * @throws CniException code 4 naming the value and the allowed places
     */
    public Path check(String cniNetns) throws CniException {
        return check(cniNetns, true);
    }

    /**
     * As {@link #check}, except that a file in an allowed place that is not a network namespace counts
     * as a namespace that is gone: DEL then succeeds.
     */
    public Path checkForDel(String cniNetns) throws CniException {
        return check(cniNetns, false);
    }

    private Path check(String cniNetns, boolean mustBeNamespace) throws CniException {
        if (cniNetns == null || cniNetns.isEmpty()) {
            return null;
        }
        if (!allowedForm(cniNetns)) {
            throw refused(cniNetns, "is not a network namespace file in an allowed place");
        }
        Path given = Path.of(hostPrefix + cniNetns);
        if (!Files.exists(given, LinkOption.NOFOLLOW_LINKS)) {
            return given;
        }
        Path real;
        try {
            real = resolve(given);
        } catch (NoSuchFileException e) {
            return given; // gone meanwhile, or a link to nothing
        } catch (IOException e) {
            throw refused(cniNetns, "cannot be resolved (" + e.getMessage() + ")");
        }
        if (!inAllowedPlace(real)) {
            throw refused(cniNetns, "resolves to " + real + ", outside the allowed places");
        }
        try {
            if (!namespaces.isNetworkNamespace(real)) {
                if (!mustBeNamespace) {
                    return given;
                }
                throw refused(cniNetns, "is not a network namespace (" + real + " is not on nsfs)");
            }
        } catch (NoSuchFileException e) {
            return given;
        } catch (IOException e) {
            throw refused(cniNetns, "cannot be examined (" + e.getMessage() + ")");
        }
        return real;
    }

    private CniException refused(String cniNetns, String why) {
        return new CniException(ErrorCode.INVALID_ENVIRONMENT, "CNI_NETNS " + cniNetns + " " + why
                + "; allowed: " + ALLOWED + (hostPrefix.isEmpty() ? "" : " (under the host prefix " + hostPrefix + ")"));
    }

    /** One of the allowed host paths, written plainly (absolute, no "." or ".." or empty parts). */
    static boolean allowedForm(String path) {
        if (!path.startsWith("/")) {
            return false;
        }
        String[] parts = path.substring(1).split("/", -1);
        for (String part : parts) {
            if (part.isEmpty() || part.equals(".") || part.equals("..")) {
                return false;
            }
        }
        List<String> p = List.of(parts);
        if (p.size() == 3 && p.get(0).equals("run") && p.get(1).equals("netns")) {
            return true;
        }
        if (p.size() == 4 && p.get(0).equals("var") && p.get(1).equals("run") && p.get(2).equals("netns")) {
            return true;
        }
        return isProcNs(p, true);
    }

    /** proc/PID/ns[/net] or proc/PID/task/TID/ns[/net]. */
    private static boolean isProcNs(List<String> p, boolean withNet) {
        int n = p.size() - (withNet ? 1 : 0);
        if (withNet && (p.isEmpty() || !p.get(p.size() - 1).equals("net"))) {
            return false;
        }
        if (n == 3) {
            return p.get(0).equals("proc") && digits(p.get(1)) && p.get(2).equals("ns");
        }
        if (n == 5) {
            return p.get(0).equals("proc") && digits(p.get(1)) && p.get(2).equals("task") && digits(p.get(3))
                    && p.get(4).equals("ns");
        }
        return false;
    }

    private static boolean digits(String s) {
        return !s.isEmpty() && s.length() <= 10 && s.chars().allMatch(c -> c >= '0' && c <= '9');
    }

    /**
     * The real path of an existing file: its directory resolved; the file itself followed when it is a
     * symbolic link, except the /proc namespace links, which point at no path.
     */
    private Path resolve(Path given) throws IOException {
        Path parent = given.toAbsolutePath().getParent().toRealPath();
        Path file = parent.resolve(given.getFileName());
        if (Files.isSymbolicLink(file) && !isProcNs(relativeToPrefix(parent), false)) {
            return file.toRealPath();
        }
        return file;
    }

    private boolean inAllowedPlace(Path real) {
        Path parent = real.getParent();
        for (String dir : List.of("/run/netns", "/var/run/netns")) {
            if (parent != null && parent.equals(realOrSelf(Path.of(hostPrefix + dir)))) {
                return true;
            }
        }
        return isProcNs(relativeToPrefix(real), true);
    }

    /** The parts of {@code real} below the (resolved) host prefix; empty when it is not below it. */
    private List<String> relativeToPrefix(Path real) {
        Path root = realOrSelf(Path.of(hostPrefix.isEmpty() ? "/" : hostPrefix));
        if (!real.startsWith(root) || real.equals(root)) {
            return List.of();
        }
        Path rel = root.relativize(real);
        String[] parts = new String[rel.getNameCount()];
        for (int i = 0; i < parts.length; i++) {
            parts[i] = rel.getName(i).toString();
        }
        return List.of(parts);
    }

    private static Path realOrSelf(Path p) {
        try {
            return p.toRealPath();
        } catch (IOException e) {
            return p.toAbsolutePath().normalize();
        }
    }
}
