package dev.cnidhcp.daemon.lease;

import java.io.IOException;

/** A lease was granted but could not be made durable, so it was given back. */
public final class NotRecordedException extends IOException {
    private static final long serialVersionUID = 1L;

    public NotRecordedException(String message, Throwable cause) {
        super(message, cause);
    }
}
