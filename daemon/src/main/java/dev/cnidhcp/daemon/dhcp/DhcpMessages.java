package dev.cnidhcp.daemon.dhcp;

import org.dhcp4java.DHCPConstants;
import org.dhcp4java.DHCPPacket;

import java.net.Inet4Address;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the client's messages (RFC 2131 table 5) and reads a DHCPACK into a {@link Lease}. The only
 * class that knows dhcp4java's packet type.
 */
public final class DhcpMessages {
    private static final short FLAG_BROADCAST = (short) 0x8000;
    private static final short MAX_MESSAGE_SIZE = 1500;

    private DhcpMessages() {
    }

    /** DISCOVER (INIT); {@code requested} (option 50) asks for a previous address again, or null. */
    public static byte[] discover(int xid, ClientIdentity id, ClientOptions options, boolean broadcast,
                                  Inet4Address requested) {
        DHCPPacket p = base(xid, id, DHCPConstants.DHCPDISCOVER, broadcast, options);
        if (requested != null) {
            p.setOptionAsInetAddress(DHCPConstants.DHO_DHCP_REQUESTED_ADDRESS, requested);
        }
        return p.serialize();
    }

    /** REQUEST in SELECTING state: options 50 and 54 name the offer taken. */
    public static byte[] requestOffer(int xid, ClientIdentity id, ClientOptions options, boolean broadcast,
                                      Inet4Address offered, Inet4Address serverId) {
        DHCPPacket p = base(xid, id, DHCPConstants.DHCPREQUEST, broadcast, options);
        p.setOptionAsInetAddress(DHCPConstants.DHO_DHCP_REQUESTED_ADDRESS, offered);
        p.setOptionAsInetAddress(DHCPConstants.DHO_DHCP_SERVER_IDENTIFIER, serverId);
        return p.serialize();
    }

    /** REQUEST in INIT-REBOOT state: option 50 names the address known before, no option 54, no ciaddr. */
    public static byte[] requestReboot(int xid, ClientIdentity id, ClientOptions options, boolean broadcast,
                                       Inet4Address previous) {
        DHCPPacket p = base(xid, id, DHCPConstants.DHCPREQUEST, broadcast, options);
        p.setOptionAsInetAddress(DHCPConstants.DHO_DHCP_REQUESTED_ADDRESS, previous);
        return p.serialize();
    }

    /** REQUEST in RENEWING or REBINDING state: ciaddr set, no options 50 and 54. */
    public static byte[] requestRenewal(int xid, ClientIdentity id, ClientOptions options, Inet4Address ciaddr) {
        DHCPPacket p = base(xid, id, DHCPConstants.DHCPREQUEST, false, options);
        p.setCiaddr(ciaddr);
        return p.serialize();
    }

    /** RELEASE: ciaddr and server identifier of the lease, the same client identifier as at ADD. */
    public static byte[] release(int xid, ClientIdentity id, Inet4Address ciaddr, Inet4Address serverId) {
        DHCPPacket p = base(xid, id, DHCPConstants.DHCPRELEASE, false, null);
        p.setCiaddr(ciaddr);
        p.setOptionAsInetAddress(DHCPConstants.DHO_DHCP_SERVER_IDENTIFIER, serverId);
        return p.serialize();
    }

    /** DECLINE (RFC 2131 4.4.1): the offered address is in use; option 50 names it, 54 the server. */
    public static byte[] decline(int xid, ClientIdentity id, Inet4Address address, Inet4Address serverId) {
        DHCPPacket p = base(xid, id, DHCPConstants.DHCPDECLINE, false, null);
        p.setOptionAsInetAddress(DHCPConstants.DHO_DHCP_REQUESTED_ADDRESS, address);
        p.setOptionAsInetAddress(DHCPConstants.DHO_DHCP_SERVER_IDENTIFIER, serverId);
        return p.serialize();
    }

    private static DHCPPacket base(int xid, ClientIdentity id, byte type, boolean broadcast, ClientOptions options) {
        DHCPPacket p = new DHCPPacket();
        p.setOp(DHCPConstants.BOOTREQUEST);
        p.setHtype(DHCPConstants.HTYPE_ETHER);
        p.setHlen((byte) 6);
        p.setXid(xid);
        p.setFlags(broadcast ? FLAG_BROADCAST : 0);
        p.setChaddr(id.mac());
        p.setDHCPMessageType(type);
        p.setOptionRaw(DHCPConstants.DHO_DHCP_CLIENT_IDENTIFIER, id.clientId());
        if (options != null) {
            p.setOptionRaw(DHCPConstants.DHO_DHCP_PARAMETER_REQUEST_LIST, options.requestList());
            p.setOptionAsShort(DHCPConstants.DHO_DHCP_MAX_MESSAGE_SIZE, MAX_MESSAGE_SIZE);
            options.provided().forEach((code, value) -> {
                if (code != (DHCPConstants.DHO_DHCP_CLIENT_IDENTIFIER & 0xff)) {
                    p.setOptionRaw(code.byteValue(), value);
                }
            });
        }
        return p;
    }

    /** A reply from a server, already checked to be for this client and exchange. */
    public record Reply(byte type, Inet4Address yiaddr, Inet4Address serverId, DHCPPacket packet) {
    }

    /**
     * Decodes a server's message and checks that it answers this exchange: well framed
     * ({@link ReplyFraming}: BOOTREPLY, magic cookie, option lengths), the same xid, the client's
     * chaddr, the client identifier when the server echoes one (RFC 6842), a message type and a
     * server identifier.
     *
     * @throws DhcpParseException naming the first thing that does not fit, with its {@link DropReason};
     *                            the caller drops the message
     */
    public static Reply parseReply(byte[] payload, int xid, ClientIdentity id) throws DhcpParseException {
        ReplyFraming.check(payload);
        DHCPPacket p;
        try {
            p = DHCPPacket.getPacket(payload, 0, payload.length, true);
        } catch (RuntimeException e) { // DHCPBadPacketException is unchecked
            throw new DhcpParseException("malformed DHCP message: " + e.getMessage());
        }
        if (p.getOp() != DHCPConstants.BOOTREPLY) {
            throw new DhcpParseException(DropReason.NOT_BOOTREPLY, "op " + p.getOp() + " is not BOOTREPLY");
        }
        if (p.getXid() != xid) {
            throw new DhcpParseException(DropReason.WRONG_XID,
                    String.format("xid 0x%08x is not ours (0x%08x)", p.getXid(), xid));
        }
        if (!id.matchesChaddr(p.getChaddr())) {
            throw new DhcpParseException(DropReason.WRONG_CHADDR,
                    "chaddr " + p.getChaddrAsHex() + " is not " + id.macText());
        }
        byte[] echoed = p.getOptionRaw(DHCPConstants.DHO_DHCP_CLIENT_IDENTIFIER);
        if (echoed != null && !id.matchesClientId(echoed)) {
            throw new DhcpParseException(DropReason.WRONG_CLIENT_ID, "client identifier in the reply is not ours");
        }
        Byte type = p.getDHCPMessageType(); // option 53 of length 1 (ReplyFraming), or absent
        if (type == null) {
            throw new DhcpParseException(DropReason.NO_MESSAGE_TYPE, "no message type (option 53)");
        }
        byte[] server = p.getOptionRaw(DHCPConstants.DHO_DHCP_SERVER_IDENTIFIER);
        Inet4Address serverId = null;
        if (server != null) {
            serverId = OptionDecoders.addresses(54, server).get(0);
        } else if (type != DHCPConstants.DHCPNAK) {
            throw new DhcpParseException(DropReason.NO_SERVER_ID, "no server identifier (option 54)");
        }
        return new Reply(type, (Inet4Address) p.getYiaddr(), serverId, p);
    }

    /** Reads the lease an ACK grants. Malformed optional options are ignored; the address is required. */
    public static Lease leaseOf(Reply ack, Instant now) throws DhcpParseException {
        DHCPPacket p = ack.packet();
        Inet4Address address = ack.yiaddr();
        if (Route.toInt(address) == 0) {
            throw new DhcpParseException("ACK without an address (yiaddr 0.0.0.0)");
        }
        byte[] mask = p.getOptionRaw(DHCPConstants.DHO_SUBNET_MASK);
        int prefix = mask != null ? OptionDecoders.prefixLength(mask)
                : OptionDecoders.classfulPrefix(Route.toInt(address));
        byte[] leaseRaw = p.getOptionRaw(DHCPConstants.DHO_DHCP_LEASE_TIME);
        if (leaseRaw == null || leaseRaw.length != 4) {
            throw new DhcpParseException("ACK without a lease time (option 51)");
        }
        long leaseSeconds = Integer.toUnsignedLong(OptionDecoders.readInt(leaseRaw, 0));
        if (leaseSeconds == 0xffffffffL) {
            leaseSeconds = Integer.MAX_VALUE; // infinite: renew far in the future
        }
        Duration lease = Duration.ofSeconds(Math.max(1, leaseSeconds));
        Duration t1 = seconds(p.getOptionRaw(DHCPConstants.DHO_DHCP_RENEWAL_TIME), lease.dividedBy(2), lease);
        Duration t2 = seconds(p.getOptionRaw(DHCPConstants.DHO_DHCP_REBINDING_TIME),
                lease.multipliedBy(7).dividedBy(8), lease);
        if (t1.compareTo(t2) > 0) {
            t1 = t2;
        }
        Inet4Address gateway = first(addressesOrEmpty(p, 3));
        List<Route> routes = routesOf(p, gateway);
        byte[] domain = p.getOptionRaw(DHCPConstants.DHO_DOMAIN_NAME);
        byte[] search = p.getOptionRaw((byte) 119);
        List<String> searchDomains = List.of();
        if (search != null) {
            try {
                searchDomains = OptionDecoders.domainSearch(search);
            } catch (DhcpParseException e) {
                searchDomains = List.of(); // a bad search list must not cost the pod its address
            }
        }
        return new Lease(address, prefix, ack.serverId(), gateway, routes, addressesOrEmpty(p, 6),
                domain == null ? "" : OptionDecoders.string(domain), searchDomains, lease, t1, t2, now);
    }

    private static List<Route> routesOf(DHCPPacket p, Inet4Address gateway) {
        byte[] classless = p.getOptionRaw((byte) 121);
        if (classless != null && classless.length > 0) { // RFC 3442: 5 bytes at least; empty is malformed
            try {
                return OptionDecoders.classlessRoutes(classless); // RFC 3442: ignore 3 and 33 for routes
            } catch (DhcpParseException e) {
                // malformed: fall back to options 33 and 3 as if 121 were absent
            }
        }
        List<Route> routes = new ArrayList<>();
        byte[] statics = p.getOptionRaw(DHCPConstants.DHO_STATIC_ROUTES);
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

    private static List<Inet4Address> addressesOrEmpty(DHCPPacket p, int option) {
        byte[] raw = p.getOptionRaw((byte) option);
        if (raw == null) {
            return List.of();
        }
        try {
            return OptionDecoders.addresses(option, raw);
        } catch (DhcpParseException e) {
            return List.of();
        }
    }

    private static Inet4Address first(List<Inet4Address> list) {
        return list.isEmpty() ? null : list.get(0);
    }

    private static Duration seconds(byte[] raw, Duration fallback, Duration lease) {
        if (raw == null || raw.length != 4) {
            return fallback;
        }
        Duration d = Duration.ofSeconds(Integer.toUnsignedLong(OptionDecoders.readInt(raw, 0)));
        return d.isZero() || d.compareTo(lease) >= 0 ? fallback : d;
    }
}
