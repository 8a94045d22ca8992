package dev.cnidhcp.daemon.cni;

import dev.cnidhcp.cni.CniException;
import dev.cnidhcp.cni.ErrorCode;
import dev.cnidhcp.daemon.netns.FileKind;
import dev.cnidhcp.daemon.netns.NamespaceFiles;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Which CNI_NETNS values the daemon accepts: any absolute path, written plainly, that names a network
 * namespace file, wherever the runtime keeps it ({@code /run/netns/NAME}, {@code /var/run/netns/NAME},
 * Docker's {@code /var/run/docker/netns/ID}, {@code /proc/PID/ns/net}, ...), under {@code -hostprefix}.
 *
 * <p>The value's symbolic links are resolved as the host sees them ({@link HostPathResolver}; the
 * {@code /proc} magic links are left to the kernel), and the file is examined without being opened
 * ({@link NamespaceFiles#examine}: {@code O_PATH}, nsfs, then {@code NS_GET_NSTYPE}), so the daemon,
 * root, opens nothing that is not a namespace (a FIFO would hang the request, a device's driver
 * would see an open). Refused with error 4, naming the value and why: a
 * value that is not absolute or has {@code .}, {@code ..} or empty parts; {@code /proc/self} and
 * {@code /proc/thread-self} (they would name the daemon's process, not the caller's); and every file
 * that is not a network namespace: other namespace types, regular files, directories, devices,
 * FIFOs, sockets. A file that does not exist passes: DEL of a pod whose namespace is gone must
 * succeed, and ADD then fails when it enters the namespace.
 *
 * <p>For DEL ({@link #checkForDel}) an empty regular file counts as gone too: it is the mount point a
 * runtime leaves behind after it unmounted the namespace. Any other file is refused for DEL as for
 * ADD (the caller logs it and releases anyway, and nothing opened it).
 *
 * <p>Between check and use: the path is used again later (ADD's exchange, every renewal), and what
 * it names may change in between. Every entry re-checks it ({@code Namespaces} opens a namespace
 * only through {@link NamespaceFiles#openNetworkNamespace}), so what a swap can achieve is at most
 * entering another network namespace that the path names by then, never opening another kind of
 * file. The path returned for a namespace is the resolved one: the links on the way are read once,
 * here; a directory that a link replaces later is followed by the kernel at entry, under the same
 * check. A file that is gone is returned as written. The checked
 * descriptor is not handed on: a lease outlives any one request, and a descriptor kept open would
 * keep the pod's namespace alive after the runtime removed it.
 *
 * <p>Stateless apart from its configuration; any thread may call it.
 */
public final class NetnsPathPolicy {
    /** What CNI_NETNS must be, as the refusal says. */
    static final String EXPECTED = "an absolute path to a network namespace file, such as /run/netns/NAME, "
            + "/var/run/docker/netns/ID or /proc/PID/ns/net";

    /** Tells what an existing path names (nsfs and the namespace type, or the kind of file). */
    @FunctionalInterface
    public interface NamespaceCheck {
        FileKind examine(Path file) throws IOException;
    }

    private final String hostPrefix;
    private final NamespaceCheck namespaces;

    public NetnsPathPolicy(HostPaths paths, NamespaceCheck namespaces) {
        this.hostPrefix = paths.hostPrefix();
        this.namespaces = namespaces;
    }

    /** The daemon's policy: files examined by the kernel ({@link NamespaceFiles#examine}). */
    public static NetnsPathPolicy of(HostPaths paths) {
        return new NetnsPathPolicy(paths, NamespaceFiles::examine);
    }

    /**
     * The file the daemon may use for {@code cniNetns}, the host prefix in front: a namespace with its
     * links resolved, a file that is gone as written; null when the value is empty.
     *
     * @throws CniException code 4 naming the value and why it is refused
     */
    public Path check(String cniNetns) throws CniException {
        return check(cniNetns, false);
    }

    /** As {@link #check}, except that an empty regular file counts as a namespace that is gone. */
    public Path checkForDel(String cniNetns) throws CniException {
        return check(cniNetns, true);
    }

    private Path check(String cniNetns, boolean forDel) throws CniException {
        if (cniNetns == null || cniNetns.isEmpty()) {
            return null;
        }
        if (!plainlyWritten(cniNetns)) {
            throw refused(cniNetns, "is not an absolute path written plainly (no \".\", \"..\" or empty parts)");
        }
        if (namesTheDaemon(List.of(cniNetns.substring(1).split("/")))) {
            throw refused(cniNetns, "names the daemon's own process, not the caller's (use /proc/PID/ns/net)");
        }
        List<String> parts;
        try {
            parts = HostPathResolver.resolve(hostPrefix, cniNetns);
        } catch (IOException e) {
            throw refused(cniNetns, "cannot be resolved (" + e.getMessage() + ")");
        }
        String resolved = "/" + String.join("/", parts);
        String via = resolved.equals(cniNetns) ? "" : " (through its links: " + resolved + ")";
        if (namesTheDaemon(parts)) {
            throw refused(cniNetns, "leads to " + resolved + ", the daemon's own process, not the caller's");
        }
        Path file = HostPathResolver.join(Path.of(hostPrefix.isEmpty() ? "/" : hostPrefix), parts);
        FileKind kind;
        try {
            kind = namespaces.examine(file);
        } catch (IOException e) {
            throw refused(cniNetns, "cannot be examined (" + e.getMessage() + ")");
        }
        if (kind == FileKind.NETWORK_NAMESPACE) {
            return file;
        }
        if (kind == FileKind.MISSING || (forDel && kind == FileKind.EMPTY_FILE)) {
            return Path.of(hostPrefix + cniNetns); // gone: as written, for the messages of what follows
        }
        throw refused(cniNetns, "is " + kind.description() + via + ", not "
                + (kind.isNamespace() ? "a network namespace" : "a namespace"));
    }

    private CniException refused(String cniNetns, String why) {
        return new CniException(ErrorCode.INVALID_ENVIRONMENT, "CNI_NETNS " + cniNetns + " " + why
                + "; expected: " + EXPECTED + (hostPrefix.isEmpty() ? "" : " (under the host prefix " + hostPrefix + ")"));
    }

    /** Absolute, and no "." or ".." or empty parts. */
    static boolean plainlyWritten(String path) {
        if (!path.startsWith("/") || path.length() == 1) {
            return false;
        }
        for (String part : path.substring(1).split("/", -1)) {
            if (part.isEmpty() || part.equals(".") || part.equals("..")) {
                return false;
            }
        }
        return true;
    }

    /** proc/self/... or proc/thread-self/...: the daemon's own process, whoever asks. */
    private static boolean namesTheDaemon(List<String> parts) {
        return parts.size() >= 2 && parts.get(0).equals("proc")
                && (parts.get(1).equals("self") || parts.get(1).equals("thread-self"));
    }
}
