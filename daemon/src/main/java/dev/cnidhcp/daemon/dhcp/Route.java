package dev.cnidhcp.daemon.dhcp;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Objects;

/**
 * An IPv4 route handed out by a DHCP server or configured statically.
 *
 * @param destination the network address (host bits zero)
 * @param prefixLength 0..32
 * @param gateway the next hop, or null for a route on the link itself
 */
public record Route(Inet4Address destination, int prefixLength, Inet4Address gateway) {

    public Route {
        Objects.requireNonNull(destination, "destination");
        if (prefixLength < 0 || prefixLength > 32) {
            throw new IllegalArgumentException("prefixLength: " + prefixLength + " (expected: 0..32)");
        }
        int raw = toInt(destination);
        if ((raw & ~mask(prefixLength)) != 0) {
            throw new IllegalArgumentException("destination: " + destination.getHostAddress() + "/" + prefixLength
                    + " (expected: host bits zero)");
        }
        if (gateway != null && toInt(gateway) == 0) {
            gateway = null;
        }
    }

    /** The destination in CIDR notation, e.g. {@code 10.0.0.0/8}. */
    public String cidr() {
        return destination.getHostAddress() + "/" + prefixLength;
    }

    public static int mask(int prefixLength) {
        return prefixLength == 0 ? 0 : -1 << (32 - prefixLength);
    }

    public static int toInt(Inet4Address a) {
        byte[] b = a.getAddress();
        return ((b[0] & 0xff) << 24) | ((b[1] & 0xff) << 16) | ((b[2] & 0xff) << 8) | (b[3] & 0xff);
    }

    public static Inet4Address fromInt(int v) {
        try {
            return (Inet4Address) InetAddress.getByAddress(
                    new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v});
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    /**
     * Parses {@code a.b.c.d/len}; throws {@link IllegalArgumentException} naming the value. Host bits
     * are cleared, as {@code ip route} does.
     */
    public static Route parse(String cidr, String gateway) {
        int slash = cidr.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("route dst: '" + cidr + "' (expected: a.b.c.d/len)");
        }
        Inet4Address dst = parseAddress(cidr.substring(0, slash), "route dst");
        int len;
        try {
            len = Integer.parseInt(cidr.substring(slash + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("route dst: '" + cidr + "' (expected: a.b.c.d/len)");
        }
        if (len < 0 || len > 32) {
            throw new IllegalArgumentException("route dst: '" + cidr + "' (expected: prefix length 0..32)");
        }
        Inet4Address gw = gateway == null || gateway.isEmpty() ? null : parseAddress(gateway, "route gw");
        return new Route(fromInt(toInt(dst) & mask(len)), len, gw);
    }

    /** Parses a dotted-quad IPv4 address without name lookups. */
    public static Inet4Address parseAddress(String text, String what) {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            throw new IllegalArgumentException(what + ": '" + text + "' (expected: an IPv4 address a.b.c.d)");
        }
        byte[] b = new byte[4];
        for (int i = 0; i < 4; i++) {
            try {
                if (parts[i].isEmpty() || parts[i].length() > 3 || !parts[i].chars().allMatch(c -> c >= '0' && c <= '9')) {
                    throw new NumberFormatException();
                }
                int v = Integer.parseInt(parts[i]);
                if (v > 255) {
                    throw new NumberFormatException();
                }
                b[i] = (byte) v;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(what + ": '" + text + "' (expected: an IPv4 address a.b.c.d)");
            }
        }
        try {
            return (Inet4Address) InetAddress.getByAddress(b);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
