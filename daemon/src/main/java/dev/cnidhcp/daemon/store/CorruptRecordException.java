package dev.cnidhcp.daemon.store;

/** A lease record that cannot be read back: torn, corrupted or of an unknown format. */
public final class CorruptRecordException extends Exception {
    private static final long serialVersionUID = 1L;

    public CorruptRecordException(String message) {
        super(message);
    }
}
