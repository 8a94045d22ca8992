package dev.cnidhcp.daemon.dhcp6;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * One DHCPv6 option as on the wire (RFC 8415 section 21.1): a 16-bit code and its payload. Open: an
 * option of a code this client does not know survives decode and re-encode. The constants are the
 * codes the client reads or writes.
 */
public record Option6(int code, byte[] data) {
    public static final int CLIENTID = 1;
    public static final int SERVERID = 2;
    public static final int IA_NA = 3;
    public static final int IAADDR = 5;
    public static final int ORO = 6;
    public static final int PREFERENCE = 7;
    public static final int ELAPSED_TIME = 8;
    public static final int UNICAST = 12;
    public static final int STATUS_CODE = 13;
    public static final int RAPID_COMMIT = 14;
    public static final int DNS_SERVERS = 23;
    public static final int DOMAIN_LIST = 24;

    public Option6 {
        if (code < 0 || code > 0xffff) {
            throw new IllegalArgumentException("code: " + code + " (expected: 0..65535)");
        }
        if (data.length > 0xffff) {
            throw new IllegalArgumentException("data: " + data.length + " bytes (expected: at most 65535)");
        }
        data = data.clone();
    }

    @Override
    public byte[] data() {
        return data.clone();
    }

    int length() {
        return data.length;
    }

    /** Appends code, length and data to {@code out} at {@code at}; returns the next position. */
    int writeTo(byte[] out, int at) {
        out[at] = (byte) (code >>> 8);
        out[at + 1] = (byte) code;
        out[at + 2] = (byte) (data.length >>> 8);
        out[at + 3] = (byte) data.length;
        System.arraycopy(data, 0, out, at + 4, data.length);
        return at + 4 + data.length;
    }

    static byte[] encodeAll(java.util.List<Option6> options) {
        int size = 0;
        for (Option6 o : options) {
            size += 4 + o.data.length;
        }
        byte[] out = new byte[size];
        int at = 0;
        for (Option6 o : options) {
            at = o.writeTo(out, at);
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Option6 other && code == other.code && Arrays.equals(data, other.data);
    }

    @Override
    public int hashCode() {
        return 31 * code + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "Option6[" + code + ": " + HexFormat.of().formatHex(data) + "]";
    }
}
