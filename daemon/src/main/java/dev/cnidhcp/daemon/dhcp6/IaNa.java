package dev.cnidhcp.daemon.dhcp6;

import dev.cnidhcp.daemon.dhcp.DhcpParseException;
import dev.cnidhcp.daemon.dhcp.WireReader;

import java.util.ArrayList;
import java.util.List;

/**
 * An Identity Association for Non-temporary Addresses (RFC 8415 section 21.4): the IAID, T1 and T2
 * in seconds, its addresses and its status code, if any.
 */
public record IaNa(int iaid, long t1, long t2, List<IaAddress> addresses, StatusCode6 status) {
    public IaNa {
        IaAddress.checkU32("t1", t1);
        IaAddress.checkU32("t2", t2);
        addresses = List.copyOf(addresses);
    }

    /** What a client sends: its IAID, T1 and T2 0 (no preference), and the addresses it names. */
    public static IaNa request(int iaid, List<IaAddress> addresses) {
        return new IaNa(iaid, 0, 0, addresses, null);
    }

    public static IaNa decode(byte[] data) throws DhcpParseException {
        WireReader r = new WireReader(data, "option 3 (IA_NA)");
        int iaid = (int) r.u32("IAID");
        long t1 = r.u32("T1");
        long t2 = r.u32("T2");
        List<IaAddress> addresses = new ArrayList<>();
        StatusCode6 status = null;
        for (Option6 o : Dhcp6Message.decodeOptions(data, 12, data.length, "options of IA_NA")) {
            if (o.code() == Option6.IAADDR) {
                addresses.add(IaAddress.decode(o.data()));
            } else if (o.code() == Option6.STATUS_CODE) {
                if (status != null) {
                    throw new DhcpParseException("option 3 (IA_NA): two status codes");
                }
                status = StatusCode6.decode(o.data());
            }
        }
        return new IaNa(iaid, t1, t2, addresses, status);
    }

    public Option6 toOption() {
        List<Option6> inner = new ArrayList<>();
        for (IaAddress a : addresses) {
            inner.add(a.toOption());
        }
        if (status != null) {
            inner.add(new Option6(Option6.STATUS_CODE, status.encode()));
        }
        byte[] tail = Option6.encodeAll(inner);
        byte[] out = new byte[12 + tail.length];
        put32(out, 0, Integer.toUnsignedLong(iaid));
        put32(out, 4, t1);
        put32(out, 8, t2);
        System.arraycopy(tail, 0, out, 12, tail.length);
        return new Option6(Option6.IA_NA, out);
    }

    /** The status of the IA itself, Success when it carries none. */
    public StatusCode6 statusOrSuccess() {
        return status == null ? new StatusCode6(StatusCode6.SUCCESS, "") : status;
    }

    static void put32(byte[] out, int at, long v) {
        out[at] = (byte) (v >>> 24);
        out[at + 1] = (byte) (v >>> 16);
        out[at + 2] = (byte) (v >>> 8);
        out[at + 3] = (byte) v;
    }
}
