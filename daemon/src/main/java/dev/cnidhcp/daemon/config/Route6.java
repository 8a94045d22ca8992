package dev.cnidhcp.daemon.config;

import dev.cnidhcp.daemon.dhcp6.Dhcp6Options;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Objects;

/**
 * An IPv6 static route of {@code ipam.routes} (an entry whose {@code dst} is an IPv6 CIDR), or the
 * default route via the router of a DHCPv6 lease.
 *
 * @param destination  the network address (host bits zero)
 * @param prefixLength 0..128
 * @param gateway      the next hop, or null for a route on the link itself
 */
public record Route6(Inet6Address destination, int prefixLength, Inet6Address gateway) {
    /** {@code ::/0}. */
    private static final Inet6Address ANY = address(new byte[16]);

    public Route6 {
        Objects.requireNonNull(destination, "destination");
        if (prefixLength < 0 || prefixLength > 128) {
            throw new IllegalArgumentException("prefixLength: " + prefixLength + " (expected: 0..128)");
        }
        if (!masked(destination, prefixLength).equals(destination)) {
            throw new IllegalArgumentException("destination: " + destination.getHostAddress() + "/" + prefixLength
                    + " (expected: host bits zero)");
        }
        if (gateway != null && gateway.isAnyLocalAddress()) {
            gateway = null;
        }
    }

    /** The default route {@code ::/0} via {@code router}. */
    public static Route6 defaultVia(Inet6Address router) {
        return new Route6(ANY, 0, Objects.requireNonNull(router, "router"));
    }

    /** The destination in CIDR notation, e.g. {@code fd00::/8}. */
    public String cidr() {
        return text(destination) + "/" + prefixLength;
    }

    /** An address in the text form of RFC 5952 ({@code fd99::10}, not the JDK's {@code fd99:0:0:0:0:0:0:10}). */
    public static String text(Inet6Address address) {
        return Dhcp6Options.text(address);
    }

    /** Whether {@code dst} names an IPv6 network (contains a colon), so that {@link #parse} is the parser for it. */
    public static boolean isIpv6(String dst) {
        return dst.indexOf(':') >= 0;
    }

    /**
     * Parses {@code addr/len} (an IPv6 literal, no name lookups); throws {@link IllegalArgumentException}
     * naming the value. Host bits are cleared, as {@code ip -6 route} does.
     */
    public static Route6 parse(String cidr, String gateway) {
        int slash = cidr.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("route dst: '" + cidr + "' (expected: an IPv6 prefix such as fd00::/8)");
        }
        Inet6Address dst = parseAddress(cidr.substring(0, slash), "route dst");
        int len;
        try {
            len = Integer.parseInt(cidr.substring(slash + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("route dst: '" + cidr + "' (expected: an IPv6 prefix such as fd00::/8)");
        }
        if (len < 0 || len > 128) {
            throw new IllegalArgumentException("route dst: '" + cidr + "' (expected: prefix length 0..128)");
        }
        Inet6Address gw = gateway == null || gateway.isEmpty() ? null : parseAddress(gateway, "route gw");
        return new Route6(masked(dst, len), len, gw);
    }

    /** Parses an IPv6 literal without name lookups (no zone, no IPv4 dotted form). */
    public static Inet6Address parseAddress(String text, String what) {
        if (text.isEmpty() || !text.chars().allMatch(c -> c == ':' || Character.digit(c, 16) >= 0)
                || text.indexOf(':') < 0) {
            throw new IllegalArgumentException(what + ": '" + text + "' (expected: an IPv6 address)");
        }
        try {
            InetAddress parsed = InetAddress.getByName(text); // a literal: no lookup
            if (parsed instanceof Inet6Address v6) {
                return v6;
            }
        } catch (UnknownHostException e) {
            // falls through
        }
        throw new IllegalArgumentException(what + ": '" + text + "' (expected: an IPv6 address)");
    }

    private static Inet6Address masked(Inet6Address a, int prefixLength) {
        byte[] b = a.getAddress();
        for (int i = 0; i < 16; i++) {
            int keep = Math.max(0, Math.min(8, prefixLength - 8 * i));
            b[i] &= (byte) (0xff << (8 - keep));
        }
        return address(b);
    }

    private static Inet6Address address(byte[] b) {
        try {
            return Inet6Address.getByAddress(null, b, (java.net.NetworkInterface) null);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
