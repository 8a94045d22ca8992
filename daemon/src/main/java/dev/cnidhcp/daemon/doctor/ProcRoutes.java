package dev.cnidhcp.daemon.doctor;

import dev.cnidhcp.daemon.dhcp.Route;

import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the kernel's IPv4 main routing table in the text of {@code /proc/net/route} (as
 * {@code /proc/thread-self/net/route} shows it for the namespace of the reading thread).
 */
final class ProcRoutes {
    private static final int RTF_UP = 0x1;

    private ProcRoutes() {
    }

    /** The routes through {@code ifname} that are up; lines that do not parse are skipped. */
    static List<Route> parse(String text, String ifname) {
        List<Route> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 8 || !f[0].equals(ifname)) {
                continue;
            }
            try {
                int dst = hexAddress(f[1]);
                int gw = hexAddress(f[2]);
                int flags = Integer.parseInt(f[3], 16);
                int mask = hexAddress(f[7]);
                if ((flags & RTF_UP) == 0) {
                    continue;
                }
                out.add(new Route(Route.fromInt(dst & mask), Integer.bitCount(mask), gw == 0 ? null : Route.fromInt(gw)));
            } catch (IllegalArgumentException e) {
                // the header line, or a line of another format
            }
        }
        return out;
    }

    /** An address as /proc/net/route writes it: 8 hex digits, the bytes of the network-order value read in the host's byte order. */
    private static int hexAddress(String hex) {
        if (hex.length() != 8) {
            throw new IllegalArgumentException(hex);
        }
        int raw = Integer.parseUnsignedInt(hex, 16);
        return ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN ? Integer.reverseBytes(raw) : raw;
    }
}
