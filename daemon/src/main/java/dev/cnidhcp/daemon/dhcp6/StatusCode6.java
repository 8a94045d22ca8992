package dev.cnidhcp.daemon.dhcp6;

import dev.cnidhcp.daemon.dhcp.DhcpParseException;
import dev.cnidhcp.daemon.dhcp.WireReader;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * A Status Code option (RFC 8415 section 21.13): a code and a UTF-8 message for people. Open: codes
 * this client does not know keep their number. A message without the option means Success.
 */
public record StatusCode6(int code, String message) {
    public static final int SUCCESS = 0;
    public static final int UNSPEC_FAIL = 1;
    public static final int NO_ADDRS_AVAIL = 2;
    public static final int NO_BINDING = 3;
    public static final int NOT_ON_LINK = 4;
    public static final int USE_MULTICAST = 5;

    public StatusCode6 {
        if (code < 0 || code > 0xffff) {
            throw new IllegalArgumentException("code: " + code + " (expected: 0..65535)");
        }
        Objects.requireNonNull(message, "message");
    }

    public static StatusCode6 decode(byte[] data) throws DhcpParseException {
        WireReader r = new WireReader(data, "option 13 (status code)");
        int code = r.u16("status-code");
        return new StatusCode6(code, new String(r.bytes(r.remaining(), "status-message"), StandardCharsets.UTF_8));
    }

    public byte[] encode() {
        byte[] text = message.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[2 + text.length];
        out[0] = (byte) (code >>> 8);
        out[1] = (byte) code;
        System.arraycopy(text, 0, out, 2, text.length);
        return out;
    }

    public boolean success() {
        return code == SUCCESS;
    }

    /** The RFC's name of the code, or its number. */
    public String name() {
        return switch (code) {
            case SUCCESS -> "Success";
            case UNSPEC_FAIL -> "UnspecFail";
            case NO_ADDRS_AVAIL -> "NoAddrsAvail";
            case NO_BINDING -> "NoBinding";
            case NOT_ON_LINK -> "NotOnLink";
            case USE_MULTICAST -> "UseMulticast";
            default -> "status " + code;
        };
    }

    /** {@code NoAddrsAvail ("no addresses")}, for logs and error messages. */
    @Override
    public String toString() {
        return message.isEmpty() ? name() : name() + " (\"" + message + "\")";
    }
}
