package dev.cnidhcp.daemon.dhcp6;

import dev.cnidhcp.daemon.dhcp.DhcpParseException;
import dev.cnidhcp.daemon.dhcp.WireReader;

import java.net.Inet6Address;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * An IA Address option (RFC 8415 section 21.6): one address with its preferred and valid lifetimes
 * in seconds (0xffffffff is infinity) and the status code among its options, if any. A client sends
 * it with lifetimes 0 as a hint or to name the address it renews, releases or declines.
 */
public record IaAddress(Inet6Address address, long preferredLifetime, long validLifetime, StatusCode6 status) {
    public IaAddress {
        Objects.requireNonNull(address, "address");
        checkU32("preferredLifetime", preferredLifetime);
        checkU32("validLifetime", validLifetime);
    }

    /** The address alone, lifetimes 0: what a client puts in its IA_NA. */
    public static IaAddress of(Inet6Address address) {
        return new IaAddress(address, 0, 0, null);
    }

    static void checkU32(String name, long value) {
        if (value < 0 || value > 0xffffffffL) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: 0..4294967295)");
        }
    }

    /** Decodes the option's payload (24 bytes and its options). */
    public static IaAddress decode(byte[] data) throws DhcpParseException {
        WireReader r = new WireReader(data, "option 5 (IA address)");
        Inet6Address address = r.address6("IPv6-address");
        long preferred = r.u32("preferred-lifetime");
        long valid = r.u32("valid-lifetime");
        StatusCode6 status = null;
        for (Option6 o : Dhcp6Message.decodeOptions(data, 24, data.length, "options of IA address")) {
            if (o.code() == Option6.STATUS_CODE) {
                if (status != null) {
                    throw new DhcpParseException("option 5 (IA address): two status codes");
                }
                status = StatusCode6.decode(o.data());
            }
        }
        return new IaAddress(address, preferred, valid, status);
    }

    public Option6 toOption() {
        List<Option6> inner = new ArrayList<>();
        if (status != null) {
            inner.add(new Option6(Option6.STATUS_CODE, status.encode()));
        }
        byte[] tail = Option6.encodeAll(inner);
        byte[] out = new byte[24 + tail.length];
        System.arraycopy(address.getAddress(), 0, out, 0, 16);
        IaNa.put32(out, 16, preferredLifetime);
        IaNa.put32(out, 20, validLifetime);
        System.arraycopy(tail, 0, out, 24, tail.length);
        return new Option6(Option6.IAADDR, out);
    }

    /**
     * RFC 8415 section 18.2.10.1: an address whose preferred lifetime exceeds its valid one is
     * discarded, and one with valid lifetime 0 is being taken away.
     */
    public boolean usable() {
        return validLifetime > 0 && preferredLifetime <= validLifetime && (status == null || status.success());
    }
}
