package dev.cnidhcp.daemon.netns;

import java.io.InterruptedIOException;

/** A namespace task stopped because its caller stopped waiting for it ({@link TaskHandle#cancel}). */
public final class CancelledException extends InterruptedIOException {
    private static final long serialVersionUID = 1L;

    CancelledException(String message) {
        super(message);
    }
}
