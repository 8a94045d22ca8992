package dev.cnidhcp.daemon.dhcp;

/**
 * Bytes from the wire that do not decode, or a reply that is not for this exchange; the message
 * names the option or field and the problem, {@link #reason()} the kind (for counting).
 */
public final class DhcpParseException extends Exception {
    private static final long serialVersionUID = 1L;

    private final DropReason reason;

    /** A malformed message or option. */
    public DhcpParseException(String message) {
        this(DropReason.MALFORMED, message);
    }

    public DhcpParseException(DropReason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public DropReason reason() {
        return reason;
    }
}
