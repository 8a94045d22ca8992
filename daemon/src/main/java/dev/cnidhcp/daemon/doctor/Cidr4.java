package dev.cnidhcp.daemon.doctor;

import dev.cnidhcp.daemon.dhcp.Route;

/**
 * An IPv4 range {@code a.b.c.d/len} (a bare address is a /32), for the overlap check.
 *
 * @param base   the network address as an int (host bits zero)
 * @param prefix 0..32
 */
record Cidr4(int base, int prefix) {
    Cidr4 {
        if (prefix < 0 || prefix > 32) {
            throw new IllegalArgumentException("prefix: " + prefix + " (expected: 0..32)");
        }
        base &= Route.mask(prefix);
    }

    /** Parses {@code a.b.c.d/len} or {@code a.b.c.d}; throws {@link IllegalArgumentException} naming the value. */
    static Cidr4 parse(String text) {
        int slash = text.indexOf('/');
        String address = slash < 0 ? text : text.substring(0, slash);
        int prefix = 32;
        if (slash >= 0) {
            try {
                prefix = Integer.parseInt(text.substring(slash + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + text + "' (expected: a.b.c.d/len)");
            }
            if (prefix < 0 || prefix > 32) {
                throw new IllegalArgumentException("'" + text + "' (expected: prefix length 0..32)");
            }
        }
        return new Cidr4(Route.toInt(Route.parseAddress(address, "range")), prefix);
    }

    /** Whether the two ranges share at least one address. */
    boolean overlaps(Cidr4 other) {
        int shorter = Math.min(prefix, other.prefix);
        int mask = Route.mask(shorter);
        return (base & mask) == (other.base & mask);
    }

    @Override
    public String toString() {
        return Route.fromInt(base).getHostAddress() + "/" + prefix;
    }
}
