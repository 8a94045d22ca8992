package dev.cnidhcp.daemon.dhcp;

/** No server granted (or renewed) a lease; the message says what was last seen. */
public class NoLeaseException extends Exception {
    private static final long serialVersionUID = 1L;
    private final boolean nak;

    public NoLeaseException(String message) {
        this(message, false);
    }

    public NoLeaseException(String message, boolean nak) {
        super(message);
        this.nak = nak;
    }

    /** Whether a server refused explicitly (DHCPNAK) rather than staying silent. */
    public boolean nak() {
        return nak;
    }
}
