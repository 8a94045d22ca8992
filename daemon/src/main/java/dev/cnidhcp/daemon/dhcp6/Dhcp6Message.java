package dev.cnidhcp.daemon.dhcp6;

import dev.cnidhcp.daemon.dhcp.DhcpParseException;
import dev.cnidhcp.daemon.dhcp.WireReader;

import java.net.Inet6Address;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A client/server message (RFC 8415 section 8): type, 24-bit transaction id and options in wire
 * order. {@link #decode} is strict: a truncated option, a duplicated singleton (client or server
 * identifier, preference, unicast, status, rapid commit, elapsed time) or a malformed payload of an
 * option the client reads is a {@link DhcpParseException}; unknown options are kept as they are.
 * The typed accessors decode on demand and throw the same way.
 */
public record Dhcp6Message(MessageType6 type, int transactionId, List<Option6> options) {
    /** The options that may appear once at the top level of a message. */
    private static final int[] SINGLETONS = {Option6.CLIENTID, Option6.SERVERID, Option6.PREFERENCE,
        Option6.ELAPSED_TIME, Option6.UNICAST, Option6.STATUS_CODE, Option6.RAPID_COMMIT, Option6.DNS_SERVERS,
        Option6.DOMAIN_LIST, Option6.ORO};

    public Dhcp6Message {
        Objects.requireNonNull(type, "type");
        if (transactionId < 0 || transactionId > 0xffffff) {
            throw new IllegalArgumentException("transactionId: " + transactionId + " (expected: 0..0xffffff)");
        }
        options = List.copyOf(options);
    }

    public static Dhcp6Message decode(byte[] data) throws DhcpParseException {
        WireReader r = new WireReader(data, "DHCPv6 message");
        MessageType6 type = MessageType6.of(r.u8("msg-type"));
        int xid = r.u24("transaction-id");
        List<Option6> options = decodeOptions(data, 4, data.length, "options of " + type);
        for (int code : SINGLETONS) {
            if (options.stream().filter(o -> o.code() == code).count() > 1) {
                throw new DhcpParseException(type + ": option " + code + " twice");
            }
        }
        return new Dhcp6Message(type, xid, options);
    }

    /** The options in {@code data[start, end)}: code, length, payload, to the last byte. */
    static List<Option6> decodeOptions(byte[] data, int start, int end, String what) throws DhcpParseException {
        WireReader r = new WireReader(data, start, end, what);
        List<Option6> out = new ArrayList<>();
        while (r.hasRemaining()) {
            int code = r.u16("option-code");
            int length = r.u16("option-len of option " + code);
            out.add(new Option6(code, r.bytes(length, "payload of option " + code)));
        }
        return out;
    }

    public byte[] encode() {
        byte[] tail = Option6.encodeAll(options);
        byte[] out = new byte[4 + tail.length];
        out[0] = (byte) type.code();
        out[1] = (byte) (transactionId >>> 16);
        out[2] = (byte) (transactionId >>> 8);
        out[3] = (byte) transactionId;
        System.arraycopy(tail, 0, out, 4, tail.length);
        return out;
    }

    /** The payload of the (single) option {@code code}, or null. */
    public byte[] option(int code) {
        for (Option6 o : options) {
            if (o.code() == code) {
                return o.data();
            }
        }
        return null;
    }

    public boolean has(int code) {
        return options.stream().anyMatch(o -> o.code() == code);
    }

    /** Option 1: the client's DUID, or null. */
    public byte[] clientId() throws DhcpParseException {
        return duid(Option6.CLIENTID, "client identifier");
    }

    /** Option 2: the server's DUID, or null. */
    public byte[] serverId() throws DhcpParseException {
        return duid(Option6.SERVERID, "server identifier");
    }

    private byte[] duid(int code, String what) throws DhcpParseException {
        byte[] d = option(code);
        if (d != null && (d.length < 3 || d.length > Duids.MAX_DUID)) {
            throw new DhcpParseException("option " + code + " (" + what + "): " + d.length + " bytes (expected: 3.."
                    + Duids.MAX_DUID + ")");
        }
        return d;
    }

    /** Option 7: the server's preference, 0 when absent (RFC 8415 section 18.2.9). */
    public int preference() throws DhcpParseException {
        byte[] d = option(Option6.PREFERENCE);
        if (d == null) {
            return 0;
        }
        if (d.length != 1) {
            throw new DhcpParseException("option 7 (preference): " + d.length + " bytes (expected: 1)");
        }
        return d[0] & 0xff;
    }

    /** Option 14: an empty option; anything inside is an error. */
    public boolean rapidCommit() throws DhcpParseException {
        byte[] d = option(Option6.RAPID_COMMIT);
        if (d != null && d.length != 0) {
            throw new DhcpParseException("option 14 (rapid commit): " + d.length + " bytes (expected: 0)");
        }
        return d != null;
    }

    /** Option 8: hundredths of a second, or -1 when absent. */
    public int elapsedTime() throws DhcpParseException {
        byte[] d = option(Option6.ELAPSED_TIME);
        if (d == null) {
            return -1;
        }
        if (d.length != 2) {
            throw new DhcpParseException("option 8 (elapsed time): " + d.length + " bytes (expected: 2)");
        }
        return ((d[0] & 0xff) << 8) | (d[1] & 0xff);
    }

    /** Option 12: the address the server accepts unicast at, or null. */
    public Inet6Address serverUnicast() throws DhcpParseException {
        byte[] d = option(Option6.UNICAST);
        if (d == null) {
            return null;
        }
        if (d.length != 16) {
            throw new DhcpParseException("option 12 (server unicast): " + d.length + " bytes (expected: 16)");
        }
        return Dhcp6Options.address(d);
    }

    /** Option 13 at the top level: Success when absent. */
    public StatusCode6 status() throws DhcpParseException {
        byte[] d = option(Option6.STATUS_CODE);
        return d == null ? new StatusCode6(StatusCode6.SUCCESS, "") : StatusCode6.decode(d);
    }

    /** Every IA_NA (option 3) of the message. */
    public List<IaNa> iaNas() throws DhcpParseException {
        List<IaNa> out = new ArrayList<>();
        for (Option6 o : options) {
            if (o.code() == Option6.IA_NA) {
                out.add(IaNa.decode(o.data()));
            }
        }
        return out;
    }

    /** The IA_NA with {@code iaid}, or null. */
    public IaNa iaNa(int iaid) throws DhcpParseException {
        for (IaNa ia : iaNas()) {
            if (ia.iaid() == iaid) {
                return ia;
            }
        }
        return null;
    }

    /** Option 23, empty when absent. */
    public List<Inet6Address> dnsServers() throws DhcpParseException {
        byte[] d = option(Option6.DNS_SERVERS);
        return d == null ? List.of() : Dhcp6Options.addresses(d, "option 23 (DNS recursive name servers)");
    }

    /** Option 24, empty when absent. */
    public List<String> domainList() throws DhcpParseException {
        byte[] d = option(Option6.DOMAIN_LIST);
        return d == null ? List.of() : Dhcp6Options.domainList(d);
    }

    @Override
    public String toString() {
        return type + " xid=0x" + Integer.toHexString(transactionId) + " " + options;
    }
}
