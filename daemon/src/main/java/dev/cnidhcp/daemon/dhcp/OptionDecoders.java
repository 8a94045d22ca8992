package dev.cnidhcp.daemon.dhcp;

import java.net.Inet4Address;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Pure decoders for the DHCP options whose layout dhcp4java does not know. */
public final class OptionDecoders {
    private OptionDecoders() {
    }

    /**
     * RFC 3442 classless static routes (option 121): repeated {width, significant octets of the
     * destination, router}. A router of 0.0.0.0 means on-link.
     */
    public static List<Route> classlessRoutes(byte[] data) throws DhcpParseException {
        List<Route> routes = new ArrayList<>();
        int i = 0;
        while (i < data.length) {
            int width = data[i] & 0xff;
            if (width > 32) {
                throw new DhcpParseException("option 121: prefix width " + width + " at byte " + i
                        + " (expected: 0..32)");
            }
            int significant = (width + 7) / 8;
            if (i + 1 + significant + 4 > data.length) {
                throw new DhcpParseException("option 121: route at byte " + i + " truncated (needs "
                        + (1 + significant + 4) + " bytes, " + (data.length - i) + " left)");
            }
            int dst = 0;
            for (int k = 0; k < significant; k++) {
                dst |= (data[i + 1 + k] & 0xff) << (24 - 8 * k);
            }
            dst &= Route.mask(width);
            int router = readInt(data, i + 1 + significant);
            routes.add(new Route(Route.fromInt(dst), width, Route.fromInt(router)));
            i += 1 + significant + 4;
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
        for (int i = 0; i < data.length; i += 8) {
            int dst = readInt(data, i);
            if (dst == 0) {
                continue;
            }
            int len = classfulPrefix(dst);
            routes.add(new Route(Route.fromInt(dst & Route.mask(len)), len, Route.fromInt(readInt(data, i + 4))));
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
        for (int i = 0; i < data.length; i += 4) {
            out.add(Route.fromInt(readInt(data, i)));
        }
        return out;
    }

    /** A subnet mask (option 1) as a prefix length; a non-contiguous mask is rejected. */
    public static int prefixLength(byte[] mask) throws DhcpParseException {
        if (mask.length != 4) {
            throw new DhcpParseException("option 1: length " + mask.length + " (expected: 4)");
        }
        int m = readInt(mask, 0);
        int len = Integer.bitCount(m);
        if (m != Route.mask(len)) {
            throw new DhcpParseException("option 1: non-contiguous mask " + Route.fromInt(m).getHostAddress());
        }
        return len;
    }

    /**
     * RFC 3397 domain search list (option 119): DNS names in wire format, with compression pointers
     * that refer to earlier bytes of the option data.
     */
    public static List<String> domainSearch(byte[] data) throws DhcpParseException {
        List<String> names = new ArrayList<>();
        int i = 0;
        while (i < data.length) {
            int[] next = new int[1];
            names.add(readName(data, i, next));
            i = next[0];
        }
        return names;
    }

    private static String readName(byte[] data, int start, int[] end) throws DhcpParseException {
        StringBuilder name = new StringBuilder();
        int i = start;
        int jumps = 0;
        end[0] = -1;
        while (true) {
            if (i >= data.length) {
                throw new DhcpParseException("option 119: name at byte " + start + " runs past the end");
            }
            int len = data[i] & 0xff;
            if (len == 0) {
                if (end[0] < 0) {
                    end[0] = i + 1;
                }
                return name.toString();
            }
            if ((len & 0xc0) == 0xc0) {
                if (i + 1 >= data.length) {
                    throw new DhcpParseException("option 119: truncated pointer at byte " + i);
                }
                int target = ((len & 0x3f) << 8) | (data[i + 1] & 0xff);
                if (end[0] < 0) {
                    end[0] = i + 2;
                }
                if (target >= i || ++jumps > 64) {
                    throw new DhcpParseException("option 119: pointer at byte " + i + " to " + target
                            + " does not point backwards");
                }
                i = target;
                continue;
            }
            if ((len & 0xc0) != 0) {
                throw new DhcpParseException("option 119: bad label length byte " + len + " at byte " + i);
            }
            if (i + 1 + len > data.length) {
                throw new DhcpParseException("option 119: label at byte " + i + " truncated");
            }
            if (name.length() > 0) {
                name.append('.');
            }
            name.append(new String(data, i + 1, len, StandardCharsets.US_ASCII));
            if (name.length() > 253) {
                throw new DhcpParseException("option 119: name at byte " + start + " longer than 253 characters");
            }
            i += 1 + len;
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
