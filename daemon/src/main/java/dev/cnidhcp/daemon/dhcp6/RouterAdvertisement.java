package dev.cnidhcp.daemon.dhcp6;

import dev.cnidhcp.daemon.dhcp.DhcpParseException;
import dev.cnidhcp.daemon.dhcp.WireReader;

import java.net.Inet6Address;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A Router Advertisement (RFC 4861 section 4.2) as the client uses it: the router (the packet's
 * source), its router lifetime, the M and O flags and the Prefix Information options (4.6.2).
 * {@link #decode} validates as section 6.1.2 says: hop limit 255, code 0, a link-local source, at
 * least 16 bytes, no option of length 0.
 */
public record RouterAdvertisement(Inet6Address router, int routerLifetime, boolean managed, boolean other,
                                  List<PrefixInformation> prefixes) {
    public static final int TYPE = 134;
    private static final int PREFIX_INFORMATION = 3;

    /** A Prefix Information option: prefix, length, on-link (L) and autonomous (A) flags, lifetimes in seconds. */
    public record PrefixInformation(Inet6Address prefix, int length, boolean onLink, boolean autonomous,
                                    long validLifetime, long preferredLifetime) {
        public PrefixInformation {
            Objects.requireNonNull(prefix, "prefix");
            if (length < 0 || length > 128) {
                throw new IllegalArgumentException("length: " + length + " (expected: 0..128)");
            }
        }

        /** Whether {@code address} lies in this prefix. */
        public boolean contains(Inet6Address address) {
            byte[] a = address.getAddress();
            byte[] p = prefix.getAddress();
            int full = length / 8;
            for (int i = 0; i < full; i++) {
                if (a[i] != p[i]) {
                    return false;
                }
            }
            int bits = length % 8;
            if (bits == 0) {
                return true;
            }
            int mask = (0xff << (8 - bits)) & 0xff;
            return (a[full] & mask) == (p[full] & mask);
        }
    }

    public RouterAdvertisement {
        Objects.requireNonNull(router, "router");
        prefixes = List.copyOf(prefixes);
    }

    /**
     * Decodes the ICMPv6 message {@code icmp} (type first) received from {@code source} with
     * {@code hopLimit}.
     */
    public static RouterAdvertisement decode(byte[] icmp, Inet6Address source, int hopLimit) throws DhcpParseException {
        if (hopLimit != 255) {
            throw new DhcpParseException("Router Advertisement with hop limit " + hopLimit + " (expected: 255)");
        }
        if (!source.isLinkLocalAddress()) {
            throw new DhcpParseException("Router Advertisement from " + Dhcp6Options.text(source)
                    + " (expected: a link-local source)");
        }
        WireReader r = new WireReader(icmp, "Router Advertisement");
        if (r.u8("type") != TYPE) {
            throw new DhcpParseException("not a Router Advertisement");
        }
        if (r.u8("code") != 0) {
            throw new DhcpParseException("Router Advertisement with code other than 0");
        }
        r.skip(2, "checksum");
        r.skip(1, "cur hop limit");
        int flags = r.u8("flags");
        int lifetime = r.u16("router lifetime");
        r.skip(8, "reachable and retrans timers");
        List<PrefixInformation> prefixes = new ArrayList<>();
        while (r.hasRemaining()) {
            int type = r.u8("option type");
            int units = r.u8("option length");
            if (units == 0) {
                throw new DhcpParseException("Router Advertisement: option " + type + " of length 0");
            }
            byte[] body = r.bytes(units * 8 - 2, "option " + type);
            if (type == PREFIX_INFORMATION) {
                if (units != 4) {
                    throw new DhcpParseException("Prefix Information of length " + units + " (expected: 4)");
                }
                WireReader p = new WireReader(body, "Prefix Information");
                int length = p.u8("prefix length");
                if (length > 128) {
                    throw new DhcpParseException("Prefix Information: prefix length " + length + " (expected: 0..128)");
                }
                int pflags = p.u8("flags");
                long valid = p.u32("valid lifetime");
                long preferred = p.u32("preferred lifetime");
                p.skip(4, "reserved");
                prefixes.add(new PrefixInformation(p.address6("prefix"), length, (pflags & 0x80) != 0,
                        (pflags & 0x40) != 0, valid, preferred));
            }
        }
        return new RouterAdvertisement(source, lifetime, (flags & 0x80) != 0, (flags & 0x40) != 0, prefixes);
    }

    /**
     * The prefix length of {@code address} on this link: the longest on-link prefix (L flag, valid
     * lifetime not 0) that holds it; 128 when none does.
     */
    public int prefixLengthFor(Inet6Address address) {
        int best = -1;
        for (PrefixInformation p : prefixes) {
            if (p.onLink() && p.validLifetime() > 0 && p.length() > 0 && p.contains(address) && p.length() > best) {
                best = p.length();
            }
        }
        return best < 0 ? 128 : best;
    }

    /** The default router: the advertisement's source when its router lifetime is not 0, else null. */
    public Inet6Address defaultRouter() {
        return routerLifetime > 0 ? router : null;
    }

    /** A copy of {@code lease} with what this advertisement says of its address. */
    public Lease6 applyTo(Lease6 lease) {
        return lease.withLink(prefixLengthFor(lease.address()), defaultRouter());
    }
}
