package dev.cnidhcp.daemon.dhcp;

/** No server granted (or renewed) a lease; the message says what was last seen. */
public class NoLeaseException extends Exception {
    private static final long serialVersionUID = 1L;
    private final boolean nak;
    private final boolean noOffer;

    public NoLeaseException(String message) {
        this(message, false);
    }

    public NoLeaseException(String message, boolean nak) {
        this(message, nak, false);
    }

    private NoLeaseException(String message, boolean nak, boolean noOffer) {
        super(message);
        this.nak = nak;
        this.noOffer = noOffer;
    }

    /** An acquisition to which no server made a single offer: the sign of an exhausted pool. */
    public static NoLeaseException noOffer(String message) {
        return new NoLeaseException(message, false, true);
    }

    /** Whether a server refused explicitly (DHCPNAK) rather than staying silent. */
    public boolean nak() {
        return nak;
    }

    /** Whether no server made any offer before the acquisition gave up. */
    public boolean noOffer() {
        return noOffer;
    }
}
