package dev.cnidhcp.daemon.dhcp6;

import dev.cnidhcp.daemon.dhcp.DhcpParseException;
import dev.cnidhcp.daemon.dhcp.WireReader;

import java.net.Inet6Address;
import java.util.Arrays;

/**
 * The other Neighbor Discovery messages the client builds and reads (RFC 4861 section 4): Router
 * Solicitation, the Neighbor Solicitation of duplicate address detection (RFC 4862 5.4.2), and the
 * Neighbor Advertisement that answers a solicitation for the client's own link-local address while
 * the kernel cannot (it may still be tentative). ICMPv6 messages, type first, checksum left 0 for
 * {@link Ipv6Packets#icmpv6}. Pure functions.
 */
public final class NeighborDiscovery {
    public static final int ROUTER_SOLICITATION = 133;
    public static final int NEIGHBOR_SOLICITATION = 135;
    public static final int NEIGHBOR_ADVERTISEMENT = 136;
    public static final Inet6Address ALL_ROUTERS = Dhcp6Options.parse("ff02::2");
    public static final Inet6Address ALL_NODES = Dhcp6Options.parse("ff02::1");
    public static final Inet6Address UNSPECIFIED = Dhcp6Options.parse("::");
    private static final int SOURCE_LINK_LAYER = 1;
    private static final int TARGET_LINK_LAYER = 2;

    private NeighborDiscovery() {
    }

    /** Router Solicitation; with a Source Link-Layer Address option unless sent from :: (4.1). */
    public static byte[] routerSolicitation(byte[] mac) {
        byte[] m = new byte[mac == null ? 8 : 16];
        m[0] = (byte) ROUTER_SOLICITATION;
        if (mac != null) {
            m[8] = SOURCE_LINK_LAYER;
            m[9] = 1;
            System.arraycopy(mac, 0, m, 10, 6);
        }
        return m;
    }

    /** The Neighbor Solicitation of DAD for {@code target}: from ::, no link-layer option. */
    public static byte[] dadSolicitation(Inet6Address target) {
        byte[] m = new byte[24];
        m[0] = (byte) NEIGHBOR_SOLICITATION;
        System.arraycopy(target.getAddress(), 0, m, 8, 16);
        return m;
    }

    /** Solicited, override Neighbor Advertisement for {@code target} at {@code mac}. */
    public static byte[] advertisement(Inet6Address target, byte[] mac, boolean solicited) {
        byte[] m = new byte[32];
        m[0] = (byte) NEIGHBOR_ADVERTISEMENT;
        m[4] = (byte) ((solicited ? 0x40 : 0) | 0x20);
        System.arraycopy(target.getAddress(), 0, m, 8, 16);
        m[24] = TARGET_LINK_LAYER;
        m[25] = 1;
        System.arraycopy(mac, 0, m, 26, 6);
        return m;
    }

    /** The solicited-node multicast group of {@code address}: ff02::1:ffXX:XXXX (RFC 4291 2.7.1). */
    public static Inet6Address solicitedNode(Inet6Address address) {
        byte[] g = Dhcp6Options.parse("ff02::1:ff00:0").getAddress();
        byte[] a = address.getAddress();
        g[13] = a[13];
        g[14] = a[14];
        g[15] = a[15];
        return Dhcp6Options.address(g);
    }

    /** The EUI-64 link-local address of a MAC (RFC 4291 appendix A), used when the kernel has none yet. */
    public static Inet6Address linkLocal(byte[] mac) {
        byte[] a = new byte[16];
        a[0] = (byte) 0xfe;
        a[1] = (byte) 0x80;
        a[8] = (byte) (mac[0] ^ 0x02);
        a[9] = mac[1];
        a[10] = mac[2];
        a[11] = (byte) 0xff;
        a[12] = (byte) 0xfe;
        a[13] = mac[3];
        a[14] = mac[4];
        a[15] = mac[5];
        return Dhcp6Options.address(a);
    }

    /** The target of a Neighbor Solicitation or Advertisement (ICMPv6, type first), validated (7.1.1, 7.1.2). */
    public static Inet6Address target(byte[] icmp, int hopLimit, int type) throws DhcpParseException {
        if (hopLimit != 255) {
            throw new DhcpParseException("Neighbor Discovery message with hop limit " + hopLimit + " (expected: 255)");
        }
        WireReader r = new WireReader(icmp, "Neighbor Discovery message");
        if (r.u8("type") != type || r.u8("code") != 0) {
            throw new DhcpParseException("not an ICMPv6 message of type " + type + " code 0");
        }
        r.skip(6, "checksum and flags");
        Inet6Address target = r.address6("target");
        if (target.isMulticastAddress()) {
            throw new DhcpParseException("Neighbor Discovery for a multicast target");
        }
        return target;
    }

    /** Whether {@code icmp} is of ICMPv6 {@code type}. */
    public static boolean isType(byte[] icmp, int type) {
        return icmp.length > 0 && (icmp[0] & 0xff) == type;
    }

    static boolean same(Inet6Address a, Inet6Address b) {
        return Arrays.equals(a.getAddress(), b.getAddress());
    }
}
