package dev.cnidhcp.daemon.lease;

/** CHECK found the lease missing, not bound, or not on the pod's interface; the message says which. */
public final class CheckFailedException extends Exception {
    private static final long serialVersionUID = 1L;

    public CheckFailedException(String message) {
        super(message);
    }
}
