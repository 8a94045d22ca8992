package dev.cnidhcp.daemon.netns;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The IPv6 addresses of the calling thread's namespace, from {@code /proc/thread-self/net/if_inet6}
 * (one line per address: 32 hex digits, ifindex, prefix length, scope, flags, name; all hex but the
 * name). The kernel has no ioctl for IPv6 addresses; this file shows the namespace of the reading
 * thread, so read it from inside {@link Namespaces#call}.
 */
public final class IfInet6 {
    /** IFA_F_TENTATIVE: duplicate address detection has not finished. */
    public static final int TENTATIVE = 0x40;
    /** IFA_F_DADFAILED: another node answered the kernel's duplicate address detection. */
    public static final int DAD_FAILED = 0x08;
    private static final Path FILE = Path.of("/proc/thread-self/net/if_inet6");

    /** One address of one interface. */
    public record Entry(Inet6Address address, int prefixLength, int scope, int flags, String ifname) {
        public boolean linkLocal() {
            return address.isLinkLocalAddress();
        }
    }

    private IfInet6() {
    }

    /** The entries of {@code ifname} in this thread's namespace (none when IPv6 is off there). */
    public static List<Entry> of(String ifname) throws IOException {
        if (!Files.exists(FILE)) {
            return List.of();
        }
        return parse(Files.readString(FILE, StandardCharsets.US_ASCII)).stream()
                .filter(e -> e.ifname().equals(ifname)).toList();
    }

    /** Parses the file's text; a line that does not parse is an IOException naming it. */
    static List<Entry> parse(String text) throws IOException {
        List<Entry> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.trim().split("\\s+");
            if (f.length != 6 || f[0].length() != 32) {
                throw new IOException("if_inet6: unexpected line: " + line);
            }
            try {
                Inet6Address a = (Inet6Address) InetAddress.getByAddress(HexFormat.of().parseHex(f[0]));
                out.add(new Entry(a, Integer.parseInt(f[2], 16),
                        Integer.parseInt(f[3], 16), Integer.parseInt(f[4], 16), f[5]));
            } catch (UnknownHostException | IllegalArgumentException | ClassCastException e) {
                throw new IOException("if_inet6: unexpected line: " + line, e);
            }
        }
        return out;
    }
}
