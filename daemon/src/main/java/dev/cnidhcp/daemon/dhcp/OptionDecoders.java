package dev.cnidhcp.daemon.dhcp;

import java.net.Inet4Address;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Pure decoders of option values (whole values, as {@link DhcpOptions} concatenates them). Every read
 * goes through a {@link WireReader}, so a short or overlong value is a {@link DhcpParseException}.
 */
public final class OptionDecoders {
    private OptionDecoders() {
    }

    /**
     * RFC 3442 classless static routes (option 121): repeated {width, significant octets of the
     * destination, router}. A router of 0.0.0.0 means on-link.
     */
    public static List<Route> classlessRoutes(byte[] data) throws DhcpParseException {
        List<Route> routes = new ArrayList<>();
        WireReader r = new WireReader(data, "option 121");
        while (r.hasRemaining()) {
            int at = r.offset();
            int width = r.u8("prefix width");
            if (width > 32) {
                throw new DhcpParseException("option 121: prefix width " + width + " at byte " + at
                        + " (expected: 0..32)");
            }
            int significant = (width + 7) / 8;
            if (significant + 4 > r.remaining()) {
                throw new DhcpParseException("option 121: route at byte " + at + " truncated (needs "
                        + (1 + significant + 4) + " bytes, " + (r.remaining() + 1) + " left)");
            }
            int dst = 0;
            for (int k = 0; k < significant; k++) {
                dst |= r.u8("destination") << (24 - 8 * k);
            }
            dst &= Route.mask(width);
            routes.add(new Route(Route.fromInt(dst), width, r.address("router")));
        }
        return routes;
    }

    /**
     * RFC 2132 static routes (option 33): pairs of {destination, router}; the destination's prefix is
     * its classful one (the option cannot express masks). 0.0.0.0 as destination is illegal and skipped.
     */
    public static List<Route> staticRoutes(byte[] data) throws DhcpParseException {
        if (data.length % 8 != 0) {
            throw new DhcpParseException("option 33: length " + data.length + " (expected: a multiple of 8)");
        }
        List<Route> routes = new ArrayList<>();
        WireReader r = new WireReader(data, "option 33");
        while (r.hasRemaining()) {
            int dst = r.s32("destination");
            Inet4Address router = r.address("router");
            if (dst == 0) {
                continue;
            }
            int len = classfulPrefix(dst);
            routes.add(new Route(Route.fromInt(dst & Route.mask(len)), len, router));
        }
        return routes;
    }

    /** The prefix length of an address's class (A /8, B /16, C /24), /32 for anything above. */
    public static int classfulPrefix(int address) {
        int first = address >>> 24;
        if (first < 128) {
            return 8;
        }
        if (first < 192) {
            return 16;
        }
        if (first < 224) {
            return 24;
        }
        return 32;
    }

    /** A list of IPv4 addresses (options 3, 6, ...): a multiple of 4 bytes. */
    public static List<Inet4Address> addresses(int option, byte[] data) throws DhcpParseException {
        if (data.length % 4 != 0 || data.length == 0) {
            throw new DhcpParseException("option " + option + ": length " + data.length
                    + " (expected: a non-zero multiple of 4)");
        }
        List<Inet4Address> out = new ArrayList<>(data.length / 4);
        WireReader r = new WireReader(data, "option " + option);
        while (r.hasRemaining()) {
            out.add(r.address("address"));
        }
        return out;
    }

    /** A subnet mask (option 1) as a prefix length; a non-contiguous mask is rejected. */
    public static int prefixLength(byte[] mask) throws DhcpParseException {
        if (mask.length != 4) {
            throw new DhcpParseException("option 1: length " + mask.length + " (expected: 4)");
        }
        int m = new WireReader(mask, "option 1").s32("mask");
        int len = Integer.bitCount(m);
        if (m != Route.mask(len)) {
            throw new DhcpParseException("option 1: non-contiguous mask " + Route.fromInt(m).getHostAddress());
        }
        return len;
    }

    /** A 32-bit time in seconds (options 51, 58, 59): exactly 4 bytes. */
    public static long seconds(int option, byte[] data) throws DhcpParseException {
        if (data.length != 4) {
            throw new DhcpParseException("option " + option + ": length " + data.length + " (expected: 4)");
        }
        return Integer.toUnsignedLong(new WireReader(data, "option " + option).s32("seconds"));
    }

    /**
     * RFC 3397 domain search list (option 119): DNS names in wire format, with compression pointers
     * that refer to earlier bytes of the option data.
     */
    public static List<String> domainSearch(byte[] data) throws DhcpParseException {
        List<String> names = new ArrayList<>();
        WireReader r = new WireReader(data, "option 119");
        while (r.hasRemaining()) {
            names.add(readName(r));
        }
        return names;
    }

    /** One name from {@code r}, which is left after it (after its first pointer, if any). */
    private static String readName(WireReader r) throws DhcpParseException {
        StringBuilder name = new StringBuilder();
        int start = r.offset();
        WireReader cursor = r; // follows pointers; r itself stops after the first one
        int jumps = 0;
        while (true) {
            int at = cursor.offset();
            if (!cursor.hasRemaining()) {
                throw new DhcpParseException("option 119: name at byte " + start + " runs past the end");
            }
            int len = cursor.u8("label length");
            if (len == 0) {
                return name.toString();
            }
            if ((len & 0xc0) == 0xc0) {
                if (!cursor.hasRemaining()) {
                    throw new DhcpParseException("option 119: truncated pointer at byte " + at);
                }
                int target = ((len & 0x3f) << 8) | cursor.u8("pointer");
                if (target >= at || ++jumps > 64) {
                    throw new DhcpParseException("option 119: pointer at byte " + at + " to " + target
                            + " does not point backwards");
                }
                cursor = r.at(target);
                continue;
            }
            if ((len & 0xc0) != 0) {
                throw new DhcpParseException("option 119: bad label length byte " + len + " at byte " + at);
            }
            if (len > cursor.remaining()) {
                throw new DhcpParseException("option 119: label at byte " + at + " truncated");
            }
            if (name.length() > 0) {
                name.append('.');
            }
            name.append(new String(cursor.bytes(len, "label"), StandardCharsets.US_ASCII));
            if (name.length() > 253) {
                throw new DhcpParseException("option 119: name at byte " + start + " longer than 253 characters");
            }
        }
    }

    /** A string option (15, 12, ...): trailing NULs, which some servers send, are dropped. */
    public static String string(byte[] data) {
        int n = data.length;
        while (n > 0 && data[n - 1] == 0) {
            n--;
        }
        return new String(data, 0, n, StandardCharsets.US_ASCII);
    }

    static int readInt(byte[] d, int i) {
        return ((d[i] & 0xff) << 24) | ((d[i + 1] & 0xff) << 16) | ((d[i + 2] & 0xff) << 8) | (d[i + 3] & 0xff);
    }
}
