package dev.cnidhcp.daemon.netns;

import jnr.ffi.LastError;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Runtime;

import java.io.IOException;

/** Loads {@link LibC} once (about 350 ms: the daemon pays it at start-up, never the plugin). */
final class Native {
    static final LibC LIBC = LibraryLoader.create(LibC.class).load("c");
    private static final Runtime RUNTIME = Runtime.getRuntime(LIBC);

    private Native() {
    }

    /** The size of a pointer on this platform, in bytes. */
    static int addressSize() {
        return RUNTIME.addressSize();
    }

    static int errno() {
        return LastError.getLastError(RUNTIME);
    }

    /** An IOException naming the call, its subject and the errno text. */
    static IOException failure(String call, String subject) {
        int errno = errno();
        return new NativeException(call + "(" + subject + ") failed: " + LIBC.strerror(errno) + " (errno " + errno + ")",
                errno);
    }

    /** Forces loading at start-up rather than on the first ADD. */
    static void load() {
        LIBC.getClass();
    }
}
