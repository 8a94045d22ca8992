package dev.cnidhcp.daemon.dhcp;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the client asks for and what it volunteers in every DISCOVER and REQUEST: the parameter
 * request list (option 55) and options the network config {@code provide}s (host name, vendor class,
 * ...). A provided option 61 replaces the default client identifier.
 */
public final class ClientOptions {
    /** Options requested by default: mask, router, DNS, domain, MTU, broadcast, routes, times, search. */
    public static final byte[] DEFAULT_REQUEST_LIST = {1, 3, 6, 15, 26, 28, 33, 51, 54, 58, 59, 119, (byte) 121};
    /**
     * Options the client sets itself in each message as RFC 2131 table 5 requires (requested address,
     * lease time, message type, server identifier, parameter list, maximum size, renewal and
     * rebinding times): a config cannot provide them.
     */
    public static final java.util.Set<Integer> PROTOCOL_OPTIONS = java.util.Set.of(50, 51, 53, 54, 55, 57, 58, 59);
    private static final ClientOptions DEFAULTS = new ClientOptions(DEFAULT_REQUEST_LIST, Map.of());

    private final byte[] requestList;
    private final Map<Integer, byte[]> provided;

    /**
     * @param requestList option codes for option 55, in order
     * @param provided    option code to raw value, each 1..255 bytes
     */
    public ClientOptions(byte[] requestList, Map<Integer, byte[]> provided) {
        Map<Integer, byte[]> copy = new LinkedHashMap<>();
        provided.forEach((code, value) -> {
            if (code < 1 || code > 254 || PROTOCOL_OPTIONS.contains(code)) {
                throw new IllegalArgumentException("option code: " + code
                        + " (expected: 1..254, not one the client sets itself: " + PROTOCOL_OPTIONS + ")");
            }
            if (value.length == 0 || value.length > 255) {
                throw new IllegalArgumentException("option " + code + ": " + value.length + " bytes (expected: 1..255)");
            }
            copy.put(code, value.clone());
        });
        this.requestList = requestList.clone();
        this.provided = Collections.unmodifiableMap(copy);
    }

    public static ClientOptions defaults() {
        return DEFAULTS;
    }

    public byte[] requestList() {
        return requestList.clone();
    }

    /** Provided options; the values must not be modified. */
    public Map<Integer, byte[]> provided() {
        return provided;
    }
}
