package dev.cnidhcp.daemon.netns;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Tells what a path names, and opens network namespace files, without opening anything else.
 *
 * <p>The path is first opened with {@code O_PATH}: the kernel resolves it (symbolic links followed,
 * the {@code /proc/PID/ns/*} magic links included) and hands back a descriptor without opening the
 * file itself, so no device driver, FIFO or file system sees an open. That descriptor's file system
 * type ({@code fstatfs}) must be nsfs ({@code NSFS_MAGIC}); only then is the same file opened for
 * reading, through {@code /proc/self/fd/N} (the very inode, not the path again), and
 * {@code ioctl(NS_GET_NSTYPE)} tells its namespace type. A file that is not on nsfs is classified by
 * {@code stat} of the descriptor and never opened. A kernel without NS_GET_NSTYPE (before 4.11)
 * cannot tell the type: every nsfs file counts as a network namespace there, and
 * {@code setns(CLONE_NEWNET)} refuses the others when they are entered.
 *
 * <p>Stateless; any thread may call it.
 */
public final class NamespaceFiles {
    private static final int ENOTTY = 25;
    private static final int EINVAL = 22;

    private NamespaceFiles() {
    }

    /**
     * What {@code file} names: {@link FileKind#MISSING} when it, or a directory on its way, does not
     * exist (a dangling link included).
     *
     * @throws IOException when it cannot be examined (no permission, a loop of links)
     */
    public static FileKind examine(Path file) throws IOException {
        LibC libc = Native.LIBC;
        int pathFd = libc.open(file.toString(), LibC.O_PATH | LibC.O_CLOEXEC);
        if (pathFd < 0) {
            int errno = Native.errno();
            if (errno == LibC.ENOENT || errno == LibC.ENOTDIR) {
                return FileKind.MISSING;
            }
            throw Native.failure("open(O_PATH)", file.toString());
        }
        try {
            if (!onNsfs(pathFd, file)) {
                return kindOf(pathFd);
            }
            int fd = reopen(pathFd, file);
            try {
                return namespaceKind(fd, file);
            } finally {
                libc.close(fd);
            }
        } finally {
            libc.close(pathFd);
        }
    }

    /**
     * A read-only, close-on-exec descriptor of the network namespace at {@code file}, for setns; the
     * caller closes it.
     *
     * @throws IOException naming what the file is when it is not a network namespace, or when it
     *                     cannot be opened
     */
    public static int openNetworkNamespace(Path file) throws IOException {
        LibC libc = Native.LIBC;
        int pathFd = libc.open(file.toString(), LibC.O_PATH | LibC.O_CLOEXEC);
        if (pathFd < 0) {
            throw Native.failure("open(O_PATH)", file.toString());
        }
        try {
            if (!onNsfs(pathFd, file)) {
                throw notANetworkNamespace(file, kindOf(pathFd));
            }
            int fd = reopen(pathFd, file);
            FileKind kind;
            try {
                kind = namespaceKind(fd, file);
            } catch (IOException | RuntimeException e) {
                libc.close(fd);
                throw e;
            }
            if (kind != FileKind.NETWORK_NAMESPACE) {
                libc.close(fd);
                throw notANetworkNamespace(file, kind);
            }
            return fd;
        } finally {
            libc.close(pathFd);
        }
    }

    private static IOException notANetworkNamespace(Path file, FileKind kind) {
        return new IOException(file + " is " + kind.description() + ", not a network namespace");
    }

    private static boolean onNsfs(int pathFd, Path file) throws IOException {
        byte[] statfs = new byte[256]; // struct statfs is 120 bytes on 64-bit Linux; f_type comes first
        if (Native.LIBC.fstatfs(pathFd, statfs) != 0) {
            throw Native.failure("fstatfs", file.toString());
        }
        ByteBuffer b = ByteBuffer.wrap(statfs).order(ByteOrder.nativeOrder());
        long type = Native.addressSize() == 8 ? b.getLong(0) : b.getInt(0) & 0xffffffffL;
        return type == LibC.NSFS_MAGIC;
    }

    /** Opens the file behind an O_PATH descriptor for reading (an nsfs file: no side effects). */
    private static int reopen(int pathFd, Path file) throws IOException {
        int fd = Native.LIBC.open("/proc/self/fd/" + pathFd, LibC.O_RDONLY | LibC.O_CLOEXEC);
        if (fd < 0) {
            throw Native.failure("open", file + " (through /proc/self/fd)");
        }
        return fd;
    }

    private static FileKind namespaceKind(int fd, Path file) throws IOException {
        int nstype = Native.LIBC.ioctl(fd, LibC.NS_GET_NSTYPE, new byte[8]);
        if (nstype < 0) {
            int errno = Native.errno();
            if (errno == ENOTTY || errno == EINVAL) {
                return FileKind.NETWORK_NAMESPACE; // an older kernel: nsfs is all it can tell
            }
            throw Native.failure("ioctl(NS_GET_NSTYPE)", file.toString());
        }
        return FileKind.ofNamespaceType(nstype);
    }

    /** The kind of a file that is not on nsfs, by stat of its descriptor (which opens nothing). */
    private static FileKind kindOf(int pathFd) throws IOException {
        Map<String, Object> attributes = Files.readAttributes(Path.of("/proc/self/fd/" + pathFd), "unix:mode,size");
        return FileKind.ofMode((Integer) attributes.get("mode"), (Long) attributes.get("size"));
    }
}
