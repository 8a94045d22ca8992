package dev.cnidhcp.daemon.lease;

import java.io.IOException;

/** The pod's network namespace or interface no longer exists. */
public final class AttachmentGoneException extends IOException {
    private static final long serialVersionUID = 1L;

    public AttachmentGoneException(String message) {
        super(message);
    }
}
