package dev.cnidhcp.daemon.dhcp;

import java.util.Map;

/**
 * A DHCP message type (option 53, RFC 2132 9.6) as an open value: the types of RFC 2131 are
 * constants, any other number is a value of its own that compares by code, so a message of a type
 * this client does not know still decodes (and is dropped as unexpected, not as malformed).
 * Immutable; {@link #of} returns the constant for a known code.
 *
 * @param code 0..255 as on the wire
 */
public record MessageType(int code) {
    public static final MessageType DISCOVER = new MessageType(1);
    public static final MessageType OFFER = new MessageType(2);
    public static final MessageType REQUEST = new MessageType(3);
    public static final MessageType DECLINE = new MessageType(4);
    public static final MessageType ACK = new MessageType(5);
    public static final MessageType NAK = new MessageType(6);
    public static final MessageType RELEASE = new MessageType(7);
    public static final MessageType INFORM = new MessageType(8);

    private static final Map<Integer, String> NAMES = Map.of(1, "DHCPDISCOVER", 2, "DHCPOFFER", 3, "DHCPREQUEST",
            4, "DHCPDECLINE", 5, "DHCPACK", 6, "DHCPNAK", 7, "DHCPRELEASE", 8, "DHCPINFORM");
    private static final MessageType[] KNOWN = {null, DISCOVER, OFFER, REQUEST, DECLINE, ACK, NAK, RELEASE, INFORM};

    public MessageType {
        if (code < 0 || code > 255) {
            throw new IllegalArgumentException("message type: " + code + " (expected: 0..255)");
        }
    }

    /** The constant for a known code, else a new value that keeps {@code code}. */
    public static MessageType of(int code) {
        return code >= 1 && code < KNOWN.length ? KNOWN[code] : new MessageType(code);
    }

    /** Whether RFC 2131 defines this type. */
    public boolean known() {
        return NAMES.containsKey(code);
    }

    /** The byte written into option 53. */
    public byte toByte() {
        return (byte) code;
    }

    /** {@code DHCPACK}, or {@code type 42} for an unknown one. */
    @Override
    public String toString() {
        return NAMES.getOrDefault(code, "type " + code);
    }
}
