package dev.cnidhcp.daemon.dhcp;

import java.io.ByteArrayOutputStream;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The options of a received message, each code once with its whole value: several instances of one
 * code are concatenated in the order RFC 3396 section 7 gives (the {@code options} field, then
 * {@code file}, then {@code sname}), and option 52 (overload, RFC 2132 9.3) is honoured, so a long
 * option 121 or 119 that a server split arrives whole. Option 52 itself is kept as read from the
 * options field. Immutable; values are copied out.
 */
public final class DhcpOptions {
    /** Where the fields of a BOOTP message start and end (RFC 2131 figure 1). */
    static final int SNAME_START = 44;
    static final int FILE_START = 108;
    static final int FILE_END = 236;
    static final int OPTIONS_START = 240;
    private static final int OVERLOAD_FILE = 1;
    private static final int OVERLOAD_SNAME = 2;

    private final Map<OptionCode, byte[]> values;

    private DhcpOptions(Map<OptionCode, byte[]> values) {
        this.values = Collections.unmodifiableMap(values);
    }

    /**
     * Reads the options of a whole message (BOOTP header, magic cookie, options). The options field
     * must end with the end option; {@code file} and {@code sname}, when option 52 says they carry
     * options, end with it or at the field's end. An option running past its field is malformed.
     *
     * @throws DhcpParseException naming the option and where it broke
     */
    public static DhcpOptions parse(byte[] message) throws DhcpParseException {
        if (message.length < OPTIONS_START) {
            throw new DhcpParseException("malformed DHCP message: " + message.length + " bytes (expected: at least "
                    + OPTIONS_START + ")");
        }
        Map<OptionCode, ByteArrayOutputStream> found = new LinkedHashMap<>();
        read(new WireReader(message, OPTIONS_START, message.length, "options field"), true, found);
        int overload = 0;
        ByteArrayOutputStream raw52 = found.get(OptionCode.OVERLOAD);
        if (raw52 != null) {
            byte[] v = raw52.toByteArray();
            if (v.length != 1 || v[0] < 1 || v[0] > 3) {
                throw new DhcpParseException("malformed DHCP message: option 52 (overload) "
                        + (v.length != 1 ? "has length " + v.length + " (expected: 1)" : "is " + v[0] + " (expected: 1..3)"));
            }
            overload = v[0];
        }
        if ((overload & OVERLOAD_FILE) != 0) {
            read(new WireReader(message, FILE_START, FILE_END, "file field"), false, found);
        }
        if ((overload & OVERLOAD_SNAME) != 0) {
            read(new WireReader(message, SNAME_START, FILE_START, "sname field"), false, found);
        }
        Map<OptionCode, byte[]> values = new LinkedHashMap<>();
        found.forEach((code, value) -> values.put(code, value.toByteArray()));
        return new DhcpOptions(values);
    }

    /**
     * One field's options up to the end option; {@code needEnd}: the field must have one (the
     * options field). Option 52 outside the options field is ignored (RFC 2132 9.3).
     */
    private static void read(WireReader r, boolean needEnd, Map<OptionCode, ByteArrayOutputStream> found)
            throws DhcpParseException {
        while (true) {
            if (!r.hasRemaining()) {
                if (needEnd) {
                    throw new DhcpParseException("malformed DHCP message: no end option in the " + r.what());
                }
                return;
            }
            int at = r.offset();
            int code = r.u8("option code");
            if (code == OptionCode.END.code()) {
                return;
            }
            if (code == OptionCode.PAD.code()) {
                continue;
            }
            if (!r.hasRemaining()) {
                throw new DhcpParseException("malformed DHCP message: option " + code + " at byte " + at + " of the "
                        + r.what() + " has no length");
            }
            int length = r.u8("option length");
            if (length > r.remaining()) {
                throw new DhcpParseException("malformed DHCP message: option " + code + " at byte " + at + " of the "
                        + r.what() + " has length " + length + " but only " + r.remaining() + " bytes follow");
            }
            byte[] value = r.bytes(length, "option " + code);
            if (code == OptionCode.OVERLOAD.code() && !needEnd) {
                continue;
            }
            found.computeIfAbsent(OptionCode.of(code), c -> new ByteArrayOutputStream()).writeBytes(value);
        }
    }

    /** The whole value of {@code code} (a copy), or null when the message does not carry it. */
    public byte[] get(OptionCode code) {
        byte[] v = values.get(code);
        return v == null ? null : v.clone();
    }

    public boolean contains(OptionCode code) {
        return values.containsKey(code);
    }

    /** The codes present, in the order of their first instance. */
    public Set<OptionCode> codes() {
        return values.keySet();
    }

    @Override
    public String toString() {
        return "DhcpOptions" + values.keySet();
    }
}
