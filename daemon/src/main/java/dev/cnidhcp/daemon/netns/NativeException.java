package dev.cnidhcp.daemon.netns;

import java.io.IOException;

/** A failed system call, with its errno. */
public final class NativeException extends IOException {
    private static final long serialVersionUID = 1L;
    public static final int ENOENT = 2;
    public static final int ENODEV = 19;
    public static final int ENETUNREACH = 101;
    public static final int EADDRNOTAVAIL = 99;

    private final int errno;

    NativeException(String message, int errno) {
        super(message);
        this.errno = errno;
    }

    public int errno() {
        return errno;
    }
}
