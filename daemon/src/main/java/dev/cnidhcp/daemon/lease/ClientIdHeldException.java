package dev.cnidhcp.daemon.lease;

import java.io.IOException;

/**
 * An ADD's client identifier is held by another attachment on this node whose pod is still there;
 * granting it would give both pods one address. The message names the holder.
 */
public final class ClientIdHeldException extends IOException {
    private static final long serialVersionUID = 1L;

    public ClientIdHeldException(String message) {
        super(message);
    }
}
