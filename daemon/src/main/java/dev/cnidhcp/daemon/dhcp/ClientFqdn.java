package dev.cnidhcp.daemon.dhcp;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The client FQDN option (81, RFC 4702 section 2) a client sends: flags {@code S} (the server
 * performs the A record update, section 2.1) and {@code E} (the name is in canonical wire format,
 * section 2.3.1), RCODE1 and RCODE2 zero (section 2.2: clients set them to 0), then the name as RFC
 * 1035 labels. A name ending in '.' is fully qualified and ends with the root label; any other is a
 * partial name without it, which the server completes with its own domain (RFC 4702 section 2.3.1,
 * Kea's {@code ddns-qualifying-suffix}).
 *
 * <p>Labels are host name labels (RFC 1123 section 2.1): 1..63 letters, digits and hyphens, neither
 * first nor last a hyphen; the encoded name is at most 255 bytes (RFC 1035 section 2.3.4). Pure.
 */
public final class ClientFqdn {
    /** RFC 4702 section 2.1: the server should perform the A RR (FQDN-to-address) update. */
    public static final int FLAG_S = 0x01;
    /** RFC 4702 section 2.1: the server should not perform any DNS update (never sent here). */
    public static final int FLAG_O = 0x02;
    /** RFC 4702 section 2.1: the domain name is in canonical wire format. */
    public static final int FLAG_E = 0x04;
    /** RFC 4702 section 2.1: the server should not perform any update (never sent here). */
    public static final int FLAG_N = 0x08;
    private static final int MAX_LABEL = 63;
    private static final int MAX_NAME = 255;

    private ClientFqdn() {
    }

    /**
     * The option's value for {@code name}: flags {@code S|E}, RCODE1 0, RCODE2 0, the wire name.
     *
     * @throws IllegalArgumentException naming the fault when {@code name} is not a valid host name
     */
    public static byte[] encode(String name) {
        byte[] wire = wireName(name);
        if (3 + wire.length > 255) {
            throw new IllegalArgumentException("fqdn '" + name + "': " + wire.length + " bytes encoded (at most 252"
                    + " fit in the option after its flags and RCODEs)");
        }
        byte[] value = new byte[3 + wire.length];
        value[0] = (byte) (FLAG_S | FLAG_E);
        System.arraycopy(wire, 0, value, 3, wire.length);
        return value;
    }

    /** The RFC 1035 wire form of a host name: root label at the end when {@code name} ends with '.'. */
    static byte[] wireName(String name) {
        if (name.isEmpty() || name.equals(".")) {
            throw new IllegalArgumentException("fqdn: empty name");
        }
        boolean qualified = name.endsWith(".");
        String body = qualified ? name.substring(0, name.length() - 1) : name;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String label : body.split("\\.", -1)) {
            checkLabel(name, label);
            byte[] bytes = label.getBytes(StandardCharsets.US_ASCII);
            out.write(bytes.length);
            out.writeBytes(bytes);
        }
        if (qualified) {
            out.write(0);
        }
        if (out.size() > MAX_NAME) {
            throw new IllegalArgumentException("fqdn '" + name + "': " + out.size() + " bytes encoded (at most "
                    + MAX_NAME + ")");
        }
        return out.toByteArray();
    }

    private static void checkLabel(String name, String label) {
        if (label.isEmpty() || label.length() > MAX_LABEL) {
            throw new IllegalArgumentException("fqdn '" + name + "': label '" + label + "' is " + label.length()
                    + " characters (expected: 1.." + MAX_LABEL + ")");
        }
        for (int i = 0; i < label.length(); i++) {
            char c = label.charAt(i);
            boolean ldh = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
            if (!ldh) {
                throw new IllegalArgumentException("fqdn '" + name + "': label '" + label + "' has '" + c
                        + "' (expected: letters, digits, '-')");
            }
        }
        if (label.charAt(0) == '-' || label.charAt(label.length() - 1) == '-') {
            throw new IllegalArgumentException("fqdn '" + name + "': label '" + label
                    + "' starts or ends with '-'");
        }
    }
}
