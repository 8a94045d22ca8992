package dev.cnidhcp.daemon.dhcp6;

import dev.cnidhcp.daemon.dhcp.DhcpParseException;
import dev.cnidhcp.daemon.dhcp.WireReader;

import java.io.ByteArrayOutputStream;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Decoders and encoders of the simple option payloads: address lists (options 12, 23) and the
 * domain search list (option 24, RFC 8415 section 10: DNS names uncompressed as in RFC 1035 3.1).
 * Pure functions.
 */
public final class Dhcp6Options {
    /** RFC 1035 2.3.4: a name of at most 255 bytes on the wire, labels of at most 63. */
    private static final int MAX_NAME = 255;
    private static final int MAX_LABEL = 63;

    private Dhcp6Options() {
    }

    /** A list of IPv6 addresses: a multiple of 16 bytes. */
    public static List<Inet6Address> addresses(byte[] data, String what) throws DhcpParseException {
        if (data.length % 16 != 0) {
            throw new DhcpParseException(what + ": " + data.length + " bytes (expected: a multiple of 16)");
        }
        WireReader r = new WireReader(data, what);
        List<Inet6Address> out = new ArrayList<>();
        while (r.hasRemaining()) {
            out.add(r.address6("address " + out.size()));
        }
        return out;
    }

    public static byte[] encodeAddresses(List<Inet6Address> addresses) {
        byte[] out = new byte[16 * addresses.size()];
        for (int i = 0; i < addresses.size(); i++) {
            System.arraycopy(addresses.get(i).getAddress(), 0, out, 16 * i, 16);
        }
        return out;
    }

    /**
     * Option 24: a sequence of uncompressed names, each ending with the zero label; no trailing dot
     * in the result. A compression pointer, an unterminated name or a label that is not printable
     * ASCII is an error.
     */
    public static List<String> domainList(byte[] data) throws DhcpParseException {
        WireReader r = new WireReader(data, "option 24 (domain search list)");
        List<String> names = new ArrayList<>();
        while (r.hasRemaining()) {
            StringBuilder name = new StringBuilder();
            int wire = 0;
            while (true) {
                int length = r.u8("label length");
                wire += 1 + length;
                if (wire > MAX_NAME) {
                    throw new DhcpParseException("option 24 (domain search list): name " + names.size()
                            + " longer than " + MAX_NAME + " bytes");
                }
                if (length == 0) {
                    break;
                }
                if (length > MAX_LABEL) {
                    throw new DhcpParseException("option 24 (domain search list): label length " + length
                            + " (expected: 1..63; compression is not allowed)");
                }
                byte[] label = r.bytes(length, "label");
                for (byte b : label) {
                    if (b <= 0x20 || b >= 0x7f || b == '.') {
                        throw new DhcpParseException("option 24 (domain search list): byte " + (b & 0xff)
                                + " in a label (expected: printable ASCII, no dot)");
                    }
                }
                if (!name.isEmpty()) {
                    name.append('.');
                }
                name.append(new String(label, StandardCharsets.US_ASCII));
            }
            if (name.isEmpty()) {
                throw new DhcpParseException("option 24 (domain search list): the root name in the list");
            }
            names.add(name.toString());
        }
        return names;
    }

    public static byte[] encodeDomainList(List<String> names) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String name : names) {
            for (String label : name.split("\\.")) {
                byte[] b = label.getBytes(StandardCharsets.US_ASCII);
                if (b.length < 1 || b.length > MAX_LABEL) {
                    throw new IllegalArgumentException("name: " + name + " (expected: labels of 1..63 bytes)");
                }
                out.write(b.length);
                out.write(b, 0, b.length);
            }
            out.write(0);
        }
        return out.toByteArray();
    }

    /** Sixteen bytes as an address, without a scope. */
    static Inet6Address address(byte[] sixteen) {
        try {
            return (Inet6Address) InetAddress.getByAddress(sixteen);
        } catch (UnknownHostException | ClassCastException e) {
            throw new IllegalArgumentException("address: " + sixteen.length + " bytes (expected: 16)", e);
        }
    }

    /** Parses an IPv6 literal (tests, configuration, lab); IllegalArgumentException when it is none. */
    public static Inet6Address parse(String literal) {
        if (literal.indexOf(':') < 0) {
            throw new IllegalArgumentException("address: " + literal + " (expected: an IPv6 literal)");
        }
        try {
            java.net.InetAddress a = java.net.InetAddress.getByName(literal);
            if (a instanceof Inet6Address six) {
                return six;
            }
            throw new IllegalArgumentException("address: " + literal + " (expected: an IPv6 literal)");
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException("address: " + literal + " (expected: an IPv6 literal)", e);
        }
    }

    /** The compressed text of an address, without scope (fd99::10). */
    public static String text(Inet6Address a) {
        String s = a.getHostAddress();
        int percent = s.indexOf('%');
        s = percent < 0 ? s : s.substring(0, percent);
        return compress(s);
    }

    /** RFC 5952 text: the JDK writes every group (fd99:0:0:0:0:0:0:10). */
    private static String compress(String full) {
        String[] groups = full.split(":", -1);
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < groups.length; ) {
            if (groups[i].equals("0")) {
                int j = i;
                while (j < groups.length && groups[j].equals("0")) {
                    j++;
                }
                if (j - i > bestLength) {
                    bestStart = i;
                    bestLength = j - i;
                }
                i = j;
            } else {
                i++;
            }
        }
        if (bestStart < 0) {
            return full;
        }
        String head = String.join(":", java.util.Arrays.copyOfRange(groups, 0, bestStart));
        String tail = String.join(":", java.util.Arrays.copyOfRange(groups, bestStart + bestLength, groups.length));
        return head + "::" + tail;
    }
}
