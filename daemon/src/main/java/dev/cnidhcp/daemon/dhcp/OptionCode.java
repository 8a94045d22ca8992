package dev.cnidhcp.daemon.dhcp;

import java.util.HashMap;
import java.util.Map;

/**
 * A DHCP option code (RFC 2132 and companions) as an open value: the codes this client reads or
 * writes are constants with a name, any other number is a value of its own that compares by code, so
 * an option the client does not know survives decoding and can be written back unchanged.
 * Immutable; {@link #of} returns the constant for a known code.
 *
 * @param code 0..255 as on the wire (0 is the pad option, 255 the end option: neither has a length)
 */
public record OptionCode(int code) {
    private static final Map<Integer, OptionCode> KNOWN = new HashMap<>();
    private static final Map<Integer, String> NAMES = new HashMap<>();

    public static final OptionCode PAD = known(0, "pad");
    public static final OptionCode SUBNET_MASK = known(1, "subnet mask");
    public static final OptionCode ROUTERS = known(3, "routers");
    public static final OptionCode DOMAIN_NAME_SERVERS = known(6, "domain name servers");
    public static final OptionCode HOST_NAME = known(12, "host name");
    public static final OptionCode DOMAIN_NAME = known(15, "domain name");
    public static final OptionCode INTERFACE_MTU = known(26, "interface MTU");
    public static final OptionCode BROADCAST_ADDRESS = known(28, "broadcast address");
    public static final OptionCode STATIC_ROUTES = known(33, "static routes");
    public static final OptionCode REQUESTED_ADDRESS = known(50, "requested address");
    public static final OptionCode LEASE_TIME = known(51, "lease time");
    /** RFC 2132 9.3: more options follow in {@code file} (1), {@code sname} (2) or both (3). */
    public static final OptionCode OVERLOAD = known(52, "option overload");
    public static final OptionCode MESSAGE_TYPE = known(53, "message type");
    public static final OptionCode SERVER_IDENTIFIER = known(54, "server identifier");
    public static final OptionCode PARAMETER_REQUEST_LIST = known(55, "parameter request list");
    public static final OptionCode MESSAGE = known(56, "message");
    public static final OptionCode MAX_MESSAGE_SIZE = known(57, "maximum message size");
    public static final OptionCode RENEWAL_TIME = known(58, "renewal time");
    public static final OptionCode REBINDING_TIME = known(59, "rebinding time");
    public static final OptionCode VENDOR_CLASS = known(60, "vendor class identifier");
    public static final OptionCode CLIENT_IDENTIFIER = known(61, "client identifier");
    /** RFC 3397. */
    public static final OptionCode DOMAIN_SEARCH = known(119, "domain search");
    /** RFC 3442. */
    public static final OptionCode CLASSLESS_ROUTES = known(121, "classless static routes");
    public static final OptionCode END = known(255, "end");

    public OptionCode {
        if (code < 0 || code > 255) {
            throw new IllegalArgumentException("option code: " + code + " (expected: 0..255)");
        }
    }

    private static OptionCode known(int code, String name) {
        OptionCode c = new OptionCode(code);
        KNOWN.put(code, c);
        NAMES.put(code, name);
        return c;
    }

    /** The constant for a known code, else a new value that keeps {@code code}. */
    public static OptionCode of(int code) {
        OptionCode c = KNOWN.get(code);
        return c != null ? c : new OptionCode(code);
    }

    /** Whether this client has a name for the code. */
    public boolean known() {
        return NAMES.containsKey(code);
    }

    /** The code byte as written on the wire. */
    public byte toByte() {
        return (byte) code;
    }

    /** {@code option 121 (classless static routes)}, or {@code option 224} for an unknown code. */
    @Override
    public String toString() {
        String name = NAMES.get(code);
        return name == null ? "option " + code : "option " + code + " (" + name + ")";
    }
}
