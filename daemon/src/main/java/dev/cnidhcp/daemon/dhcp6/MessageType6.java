package dev.cnidhcp.daemon.dhcp6;

import dev.cnidhcp.daemon.dhcp.DhcpParseException;

/** The client/server message types of RFC 8415 section 7.3 that a client sends or takes. */
public enum MessageType6 {
    SOLICIT(1), ADVERTISE(2), REQUEST(3), CONFIRM(4), RENEW(5), REBIND(6), REPLY(7), RELEASE(8), DECLINE(9);

    private final int code;

    MessageType6(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** The type of wire code {@code code}; anything else (relay messages, RECONFIGURE, unknown) is not for a client. */
    public static MessageType6 of(int code) throws DhcpParseException {
        for (MessageType6 t : values()) {
            if (t.code == code) {
                return t;
            }
        }
        throw new DhcpParseException("msg-type " + code + " (expected: 1..9)");
    }
}
