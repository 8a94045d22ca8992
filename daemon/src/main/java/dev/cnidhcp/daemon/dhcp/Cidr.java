package dev.cnidhcp.daemon.dhcp;

import java.net.Inet4Address;
import java.util.Objects;

/**
 * An IPv4 range in CIDR notation, such as a cluster's service range {@code 10.96.0.0/12}: a network
 * address with its host bits zero and a prefix length. Immutable.
 *
 * @param network      the first address of the range (host bits zero)
 * @param prefixLength 0..32
 */
public record Cidr(Inet4Address network, int prefixLength) {

    public Cidr {
        Objects.requireNonNull(network, "network");
        if (prefixLength < 0 || prefixLength > 32) {
            throw new IllegalArgumentException("prefixLength: " + prefixLength + " (expected: 0..32)");
        }
        if ((Route.toInt(network) & ~Route.mask(prefixLength)) != 0) {
            throw new IllegalArgumentException("network: " + network.getHostAddress() + "/" + prefixLength
                    + " (expected: host bits zero)");
        }
    }

    /** The range of {@code length} bits that holds {@code address}, e.g. {@code 10.1.0.0/24} for 10.1.0.7 and 24. */
    public static Cidr containing(Inet4Address address, int length) {
        if (length < 0 || length > 32) {
            throw new IllegalArgumentException("prefixLength: " + length + " (expected: 0..32)");
        }
        return new Cidr(Route.fromInt(Route.toInt(address) & Route.mask(length)), length);
    }

    /**
     * Parses {@code a.b.c.d/len}, or a bare {@code a.b.c.d} as one address ({@code /32}). Strict: a
     * range with host bits set ({@code 10.96.0.1/12}) is refused, since it most often means the
     * operator wrote an address where a network was meant; the message names the network.
     *
     * @throws IllegalArgumentException naming the value and what was expected
     */
    public static Cidr parse(String text) {
        Objects.requireNonNull(text, "text");
        int slash = text.indexOf('/');
        String addressPart = slash < 0 ? text : text.substring(0, slash);
        Inet4Address address;
        try {
            address = Route.parseAddress(addressPart, "address");
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + text + "' is not an IPv4 CIDR (expected: a.b.c.d/len)");
        }
        int length = 32;
        if (slash >= 0) {
            String lengthPart = text.substring(slash + 1);
            if (lengthPart.isEmpty() || lengthPart.length() > 2 || !lengthPart.chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw new IllegalArgumentException("'" + text + "' is not an IPv4 CIDR (expected: a.b.c.d/len)");
            }
            length = Integer.parseInt(lengthPart);
            if (length > 32) {
                throw new IllegalArgumentException("'" + text + "': prefix length " + length + " (expected: 0..32)");
            }
        }
        int raw = Route.toInt(address);
        if ((raw & ~Route.mask(length)) != 0) {
            throw new IllegalArgumentException("'" + text + "' has host bits set (did you mean "
                    + Route.fromInt(raw & Route.mask(length)).getHostAddress() + "/" + length + "?)");
        }
        return new Cidr(address, length);
    }

    /** Whether {@code address} lies in this range. */
    public boolean contains(Inet4Address address) {
        return (Route.toInt(address) & Route.mask(prefixLength)) == Route.toInt(network);
    }

    /** Whether this range and {@code other} share at least one address (one of two CIDRs holds the other). */
    public boolean overlaps(Cidr other) {
        int shorter = Math.min(prefixLength, other.prefixLength);
        int mask = Route.mask(shorter);
        return (Route.toInt(network) & mask) == (Route.toInt(other.network) & mask);
    }

    /** {@code a.b.c.d/len}. */
    @Override
    public String toString() {
        return network.getHostAddress() + "/" + prefixLength;
    }
}
