package dev.cnidhcp.daemon.dhcp;

import org.dhcp4java.DHCPConstants;
import org.dhcp4java.DHCPPacket;

import java.net.Inet4Address;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Builds the client's messages (RFC 2131 table 5) and reads a server's reply (header fields and
 * {@link DhcpOptions}, through the bounds-checked {@link WireReader}) and a DHCPACK into a
 * {@link Lease}. The only class that knows dhcp4java's packet type, which it uses to build messages
 * only. Builders leave {@code secs} 0; the client sets it per transmission with {@link #withSecs}.
 */
public final class DhcpMessages {
    private static final short FLAG_BROADCAST = (short) 0x8000;
    /** Where {@code secs} sits in the BOOTP header (two bytes, network order). */
    private static final int SECS_OFFSET = 8;
    private static final int OP_OFFSET = 0;
    private static final int XID_OFFSET = 4;
    private static final int YIADDR_OFFSET = 16;
    private static final int CHADDR_OFFSET = 28;
    private static final int BOOTREPLY = 2;
    private static final short MAX_MESSAGE_SIZE = 1500;

    private DhcpMessages() {
    }

    /** DISCOVER (INIT); {@code requested} (option 50) asks for a previous address again, or null. */
    public static byte[] discover(int xid, ClientIdentity id, ClientOptions options, boolean broadcast,
                                  Inet4Address requested) {
        DHCPPacket p = base(xid, id, MessageType.DISCOVER, broadcast, options);
        if (requested != null) {
            p.setOptionAsInetAddress(OptionCode.REQUESTED_ADDRESS.toByte(), requested);
        }
        return p.serialize();
    }

    /** REQUEST in SELECTING state: options 50 and 54 name the offer taken. */
    public static byte[] requestOffer(int xid, ClientIdentity id, ClientOptions options, boolean broadcast,
                                      Inet4Address offered, Inet4Address serverId) {
        DHCPPacket p = base(xid, id, MessageType.REQUEST, broadcast, options);
        p.setOptionAsInetAddress(OptionCode.REQUESTED_ADDRESS.toByte(), offered);
        p.setOptionAsInetAddress(OptionCode.SERVER_IDENTIFIER.toByte(), serverId);
        return p.serialize();
    }

    /** REQUEST in INIT-REBOOT state: option 50 names the address known before, no option 54, no ciaddr. */
    public static byte[] requestReboot(int xid, ClientIdentity id, ClientOptions options, boolean broadcast,
                                       Inet4Address previous) {
        DHCPPacket p = base(xid, id, MessageType.REQUEST, broadcast, options);
        p.setOptionAsInetAddress(OptionCode.REQUESTED_ADDRESS.toByte(), previous);
        return p.serialize();
    }

    /** REQUEST in RENEWING or REBINDING state: ciaddr set, no options 50 and 54. */
    public static byte[] requestRenewal(int xid, ClientIdentity id, ClientOptions options, Inet4Address ciaddr) {
        DHCPPacket p = base(xid, id, MessageType.REQUEST, false, options);
        p.setCiaddr(ciaddr);
        return p.serialize();
    }

    /** RELEASE: ciaddr and server identifier of the lease, the same client identifier as at ADD. */
    public static byte[] release(int xid, ClientIdentity id, Inet4Address ciaddr, Inet4Address serverId) {
        DHCPPacket p = base(xid, id, MessageType.RELEASE, false, null);
        p.setCiaddr(ciaddr);
        p.setOptionAsInetAddress(OptionCode.SERVER_IDENTIFIER.toByte(), serverId);
        return p.serialize();
    }

    /** DECLINE (RFC 2131 4.4.1): the offered address is in use; option 50 names it, 54 the server. */
    public static byte[] decline(int xid, ClientIdentity id, Inet4Address address, Inet4Address serverId) {
        DHCPPacket p = base(xid, id, MessageType.DECLINE, false, null);
        p.setOptionAsInetAddress(OptionCode.REQUESTED_ADDRESS.toByte(), address);
        p.setOptionAsInetAddress(OptionCode.SERVER_IDENTIFIER.toByte(), serverId);
        return p.serialize();
    }

    /**
     * A copy of a built message with {@code secs} (RFC 2131 table 5: seconds since the client began
     * acquisition or renewal) set, at most 65535.
     */
    public static byte[] withSecs(byte[] message, long secs) {
        if (secs < 0) {
            throw new IllegalArgumentException("secs: " + secs + " (expected: not negative)");
        }
        if (message.length < SECS_OFFSET + 2) {
            throw new IllegalArgumentException("message: " + message.length + " bytes (expected: a BOOTP header)");
        }
        int v = (int) Math.min(secs, 0xffff);
        byte[] m = message.clone();
        m[SECS_OFFSET] = (byte) (v >>> 8);
        m[SECS_OFFSET + 1] = (byte) v;
        return m;
    }

    private static DHCPPacket base(int xid, ClientIdentity id, MessageType type, boolean broadcast, ClientOptions options) {
        DHCPPacket p = new DHCPPacket();
        p.setOp(DHCPConstants.BOOTREQUEST);
        p.setHtype(DHCPConstants.HTYPE_ETHER);
        p.setHlen((byte) 6);
        p.setXid(xid);
        p.setFlags(broadcast ? FLAG_BROADCAST : 0);
        p.setChaddr(id.mac());
        p.setDHCPMessageType(type.toByte());
        p.setOptionRaw(OptionCode.CLIENT_IDENTIFIER.toByte(), id.clientId());
        if (options != null) {
            p.setOptionRaw(OptionCode.PARAMETER_REQUEST_LIST.toByte(), options.requestList());
            p.setOptionAsShort(OptionCode.MAX_MESSAGE_SIZE.toByte(), MAX_MESSAGE_SIZE);
            options.provided().forEach((code, value) -> {
                if (code != OptionCode.CLIENT_IDENTIFIER.code()) {
                    p.setOptionRaw(code.byteValue(), value);
                }
            });
        }
        return p;
    }

    /**
     * A reply from a server, already checked to be for this client and exchange.
     *
     * @param serverId option 54; null only in a NAK without one
     */
    public record Reply(MessageType type, Inet4Address yiaddr, Inet4Address serverId, DhcpOptions options) {
    }

    /**
     * Decodes a server's message and checks that it answers this exchange: well framed
     * ({@link ReplyFraming}: BOOTREPLY, magic cookie, option lengths, RFC 3396 concatenation and
     * option 52), the same xid, the client's chaddr, the client identifier when the server echoes one
     * (RFC 6842), a message type and a server identifier.
     *
     * @throws DhcpParseException naming the first thing that does not fit, with its {@link DropReason};
     *                            the caller drops the message
     */
    public static Reply parseReply(byte[] payload, int xid, ClientIdentity id) throws DhcpParseException {
        DhcpOptions options = ReplyFraming.check(payload);
        WireReader header = new WireReader(payload, 0, DhcpOptions.OPTIONS_START, "BOOTP header");
        header.skip(OP_OFFSET, "op");
        int op = header.u8("op");
        if (op != BOOTREPLY) {
            throw new DhcpParseException(DropReason.NOT_BOOTREPLY, "op " + op + " is not BOOTREPLY");
        }
        header.skip(XID_OFFSET - 1, "htype, hlen, hops");
        int replyXid = header.s32("xid");
        if (replyXid != xid) {
            throw new DhcpParseException(DropReason.WRONG_XID,
                    String.format("xid 0x%08x is not ours (0x%08x)", replyXid, xid));
        }
        header.skip(YIADDR_OFFSET - XID_OFFSET - 4, "secs, flags, ciaddr");
        Inet4Address yiaddr = header.address("yiaddr");
        header.skip(CHADDR_OFFSET - YIADDR_OFFSET - 4, "siaddr, giaddr");
        byte[] chaddr = header.bytes(16, "chaddr");
        if (!id.matchesChaddr(chaddr)) {
            throw new DhcpParseException(DropReason.WRONG_CHADDR,
                    "chaddr " + HexFormat.of().formatHex(chaddr) + " is not " + id.macText());
        }
        byte[] echoed = options.get(OptionCode.CLIENT_IDENTIFIER);
        if (echoed != null && !id.matchesClientId(echoed)) {
            throw new DhcpParseException(DropReason.WRONG_CLIENT_ID, "client identifier in the reply is not ours");
        }
        byte[] type = options.get(OptionCode.MESSAGE_TYPE); // one byte (ReplyFraming), or absent
        if (type == null) {
            throw new DhcpParseException(DropReason.NO_MESSAGE_TYPE, "no message type (option 53)");
        }
        MessageType messageType = MessageType.of(type[0] & 0xff);
        byte[] server = options.get(OptionCode.SERVER_IDENTIFIER);
        Inet4Address serverId = null;
        if (server != null) {
            serverId = OptionDecoders.addresses(54, server).get(0);
        } else if (!messageType.equals(MessageType.NAK)) {
            throw new DhcpParseException(DropReason.NO_SERVER_ID, "no server identifier (option 54)");
        }
        return new Reply(messageType, yiaddr, serverId, options);
    }

    /**
     * Reads the lease an ACK grants. Malformed optional options are ignored; the address and the lease
     * time are required. T1 and T2 are checked as RFC 2131 4.4.5 wants them, 0 &lt; T1 &lt; T2 &lt;
     * lease: a T2 that is missing, zero or not below the lease becomes 7/8 of the lease, a T1 that is
     * missing, zero or not below T2 becomes half the lease (and T2 7/8 when it is then not above T1),
     * so RENEWING is never skipped.
     *
     * @param requestSent when the REQUEST that the ACK answers was (first) sent: the lease's times
     *                    count from there (RFC 2131 4.4.1), see {@link Lease#acquired()}
     */
    /**
     * The prefix length a lease of {@code reply} would get: option 1, else the classful one; for a
     * malformed mask (which no ACK would pass), 32, the address alone.
     */
    public static int prefixOf(Reply reply) {
        try {
            return prefixOf(reply.options(), reply.yiaddr());
        } catch (DhcpParseException e) {
            return 32;
        }
    }

    private static int prefixOf(DhcpOptions o, Inet4Address address) throws DhcpParseException {
        byte[] mask = o.get(OptionCode.SUBNET_MASK);
        return mask != null ? OptionDecoders.prefixLength(mask) : OptionDecoders.classfulPrefix(Route.toInt(address));
    }

    public static Lease leaseOf(Reply ack, Instant requestSent) throws DhcpParseException {
        DhcpOptions o = ack.options();
        Inet4Address address = ack.yiaddr();
        if (Route.toInt(address) == 0) {
            throw new DhcpParseException("ACK without an address (yiaddr 0.0.0.0)");
        }
        int prefix = prefixOf(o, address);
        byte[] leaseRaw = o.get(OptionCode.LEASE_TIME);
        if (leaseRaw == null || leaseRaw.length != 4) {
            throw new DhcpParseException("ACK without a lease time (option 51)");
        }
        long leaseSeconds = OptionDecoders.seconds(51, leaseRaw);
        if (leaseSeconds == 0xffffffffL) {
            leaseSeconds = Integer.MAX_VALUE; // infinite: renew far in the future
        }
        Duration lease = Duration.ofSeconds(Math.max(1, leaseSeconds));
        Duration[] times = renewalAndRebinding(lease, seconds(o.get(OptionCode.RENEWAL_TIME)),
                seconds(o.get(OptionCode.REBINDING_TIME)));
        Inet4Address gateway = first(addressesOrEmpty(o, OptionCode.ROUTERS));
        List<Route> routes = routesOf(o, gateway);
        byte[] domain = o.get(OptionCode.DOMAIN_NAME);
        byte[] search = o.get(OptionCode.DOMAIN_SEARCH);
        List<String> searchDomains = List.of();
        if (search != null) {
            try {
                searchDomains = OptionDecoders.domainSearch(search);
            } catch (DhcpParseException e) {
                searchDomains = List.of(); // a bad search list must not cost the pod its address
            }
        }
        return new Lease(address, prefix, ack.serverId(), gateway, routes,
                addressesOrEmpty(o, OptionCode.DOMAIN_NAME_SERVERS),
                domain == null ? "" : OptionDecoders.string(domain), searchDomains, lease, times[0], times[1],
                requestSent);
    }

    /**
     * T1 and T2 from the server's options 58 and 59 (null when absent or not 4 bytes), corrected to
     * the RFC 2131 4.4.5 defaults where they are not 0 &lt; T1 &lt; T2 &lt; lease.
     */
    static Duration[] renewalAndRebinding(Duration lease, Duration serverT1, Duration serverT2) {
        Duration defaultT1 = lease.dividedBy(2);
        Duration defaultT2 = lease.multipliedBy(7).dividedBy(8);
        Duration t2 = serverT2 == null || serverT2.isZero() || serverT2.compareTo(lease) >= 0 ? defaultT2 : serverT2;
        Duration t1 = serverT1 == null || serverT1.isZero() || serverT1.compareTo(t2) >= 0 ? defaultT1 : serverT1;
        if (t1.compareTo(t2) >= 0) {
            t2 = defaultT2; // t1 is the default here: the server's T2 was below half the lease
        }
        return new Duration[] {t1, t2};
    }

    private static List<Route> routesOf(DhcpOptions o, Inet4Address gateway) {
        byte[] classless = o.get(OptionCode.CLASSLESS_ROUTES);
        if (classless != null && classless.length > 0) { // RFC 3442: 5 bytes at least; empty is malformed
            try {
                return OptionDecoders.classlessRoutes(classless); // RFC 3442: ignore 3 and 33 for routes
            } catch (DhcpParseException e) {
                // malformed: fall back to options 33 and 3 as if 121 were absent
            }
        }
        List<Route> routes = new ArrayList<>();
        byte[] statics = o.get(OptionCode.STATIC_ROUTES);
        if (statics != null) {
            try {
                routes.addAll(OptionDecoders.staticRoutes(statics));
            } catch (DhcpParseException e) {
                // ignored, as a malformed option 121
            }
        }
        if (gateway != null) {
            routes.add(new Route(Ipv4Udp.ANY, 0, gateway));
        }
        return routes;
    }

    private static List<Inet4Address> addressesOrEmpty(DhcpOptions o, OptionCode option) {
        byte[] raw = o.get(option);
        if (raw == null) {
            return List.of();
        }
        try {
            return OptionDecoders.addresses(option.code(), raw);
        } catch (DhcpParseException e) {
            return List.of();
        }
    }

    private static Inet4Address first(List<Inet4Address> list) {
        return list.isEmpty() ? null : list.get(0);
    }

    /** A 4-byte time option, or null when absent or of another length (then the default applies). */
    private static Duration seconds(byte[] raw) {
        if (raw == null || raw.length != 4) {
            return null;
        }
        return Duration.ofSeconds(Integer.toUnsignedLong(OptionDecoders.readInt(raw, 0)));
    }
}
