package dev.cnidhcp.daemon.netns;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;

/**
 * Whether a file is a network namespace: it lives on nsfs (its file system type is NSFS_MAGIC) and,
 * where the kernel can tell (NS_GET_NSTYPE, Linux 4.11+), its namespace type is CLONE_NEWNET. The
 * file is opened read-only, which has no effect on a namespace.
 */
public final class NamespaceFiles {
    private static final int ENOTTY = 25;
    private static final int EINVAL = 22;

    private NamespaceFiles() {
    }

    /** @throws IOException when the file cannot be opened or examined */
    public static boolean isNetworkNamespace(Path file) throws IOException {
        LibC libc = Native.LIBC;
        int fd = libc.open(file.toString(), LibC.O_RDONLY | LibC.O_CLOEXEC);
        if (fd < 0) {
            throw Native.failure("open", file.toString());
        }
        try {
            byte[] statfs = new byte[256]; // struct statfs is 120 bytes on 64-bit Linux; f_type comes first
            if (libc.fstatfs(fd, statfs) != 0) {
                throw Native.failure("fstatfs", file.toString());
            }
            ByteBuffer b = ByteBuffer.wrap(statfs).order(ByteOrder.nativeOrder());
            long type = jnr.ffi.Runtime.getSystemRuntime().addressSize() == 8 ? b.getLong(0) : b.getInt(0) & 0xffffffffL;
            if (type != LibC.NSFS_MAGIC) {
                return false;
            }
            int nstype = libc.ioctl(fd, LibC.NS_GET_NSTYPE, new byte[8]);
            if (nstype < 0) {
                int errno = Native.errno();
                return errno == ENOTTY || errno == EINVAL; // an older kernel: nsfs is all it can tell
            }
            return nstype == LibC.CLONE_NEWNET;
        } finally {
            libc.close(fd);
        }
    }
}
