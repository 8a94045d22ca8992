package dev.cnidhcp.daemon.server;

import jnr.ffi.LastError;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Runtime;

import java.io.IOException;

/** Loads {@link SocketLibC} once, and turns errno into exceptions that name the call. */
final class SocketNative {
    static final SocketLibC LIBC = LibraryLoader.create(SocketLibC.class).load("c");
    private static final Runtime RUNTIME = Runtime.getRuntime(LIBC);

    private SocketNative() {
    }

    static int errno() {
        return LastError.getLastError(RUNTIME);
    }

    /** An IOException naming the call, its subject and the errno text. */
    static IOException failure(String call, String subject) {
        return failure(call, subject, errno());
    }

    static IOException failure(String call, String subject, int errno) {
        return new IOException(call + "(" + subject + ") failed: " + LIBC.strerror(errno) + " (errno " + errno + ")");
    }
}
