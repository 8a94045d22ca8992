package dev.cnidhcp.daemon.dhcp;

/** Bytes from the wire that do not decode; the message names the option or field and the problem. */
public final class DhcpParseException extends Exception {
    private static final long serialVersionUID = 1L;

    public DhcpParseException(String message) {
        super(message);
    }
}
