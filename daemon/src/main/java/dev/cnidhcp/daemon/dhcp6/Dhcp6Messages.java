package dev.cnidhcp.daemon.dhcp6;

import dev.cnidhcp.daemon.dhcp.DhcpParseException;
import dev.cnidhcp.daemon.dhcp.DropReason;

import java.net.Inet6Address;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The messages a client sends (RFC 8415 section 18.2, which options each carries) and what a REPLY
 * grants. Pure functions.
 *
 * <p>Every message carries the client identifier and an Elapsed Time; SOLICIT, REQUEST, RENEW and
 * REBIND carry an Option Request for DNS servers (23), the search list (24) and SOL_MAX_RT (82, which
 * section 21.24 asks every client to request; this client reads no SOL_MAX_RT and keeps its own).
 */
public final class Dhcp6Messages {
    /** RFC 8415 section 21.24. */
    static final int SOL_MAX_RT_OPTION = 82;
    private static final byte[] ORO = {0, Option6.DNS_SERVERS, 0, Option6.DOMAIN_LIST, 0, SOL_MAX_RT_OPTION};

    private Dhcp6Messages() {
    }

    /** SOLICIT for one IA_NA, with {@code requested} as a hint when not null, and Rapid Commit when asked. */
    public static Dhcp6Message solicit(int xid, Identity6 id, Inet6Address requested, boolean rapidCommit,
                                       int elapsed) {
        List<Option6> o = common(id, elapsed);
        o.add(new Option6(Option6.ORO, ORO));
        if (rapidCommit) {
            o.add(new Option6(Option6.RAPID_COMMIT, new byte[0]));
        }
        o.add(IaNa.request(id.iaid(), requested == null ? List.of() : List.of(IaAddress.of(requested))).toOption());
        return new Dhcp6Message(MessageType6.SOLICIT, xid, o);
    }

    /** REQUEST to the server of an ADVERTISE, for the addresses it advertised (section 18.2.2). */
    public static Dhcp6Message request(int xid, Identity6 id, byte[] serverDuid, List<Inet6Address> addresses,
                                       int elapsed) {
        List<Option6> o = common(id, elapsed);
        o.add(new Option6(Option6.SERVERID, serverDuid));
        o.add(new Option6(Option6.ORO, ORO));
        o.add(IaNa.request(id.iaid(), addresses.stream().map(IaAddress::of).toList()).toOption());
        return new Dhcp6Message(MessageType6.REQUEST, xid, o);
    }

    /** RENEW to the lease's server (section 18.2.4). */
    public static Dhcp6Message renew(int xid, Identity6 id, Lease6 lease, int elapsed) {
        return extend(MessageType6.RENEW, xid, id, lease.serverDuid(), lease.address(), elapsed);
    }

    /** REBIND, without a server identifier (section 18.2.5). */
    public static Dhcp6Message rebind(int xid, Identity6 id, Lease6 lease, int elapsed) {
        return extend(MessageType6.REBIND, xid, id, null, lease.address(), elapsed);
    }

    private static Dhcp6Message extend(MessageType6 type, int xid, Identity6 id, byte[] serverDuid,
                                       Inet6Address address, int elapsed) {
        List<Option6> o = common(id, elapsed);
        if (serverDuid != null) {
            o.add(new Option6(Option6.SERVERID, serverDuid));
        }
        o.add(new Option6(Option6.ORO, ORO));
        o.add(IaNa.request(id.iaid(), List.of(IaAddress.of(address))).toOption());
        return new Dhcp6Message(type, xid, o);
    }

    /** RELEASE of the lease's address to its server (section 18.2.7). */
    public static Dhcp6Message release(int xid, Identity6 id, Lease6 lease, int elapsed) {
        return giveBack(MessageType6.RELEASE, xid, id, lease, elapsed);
    }

    /** DECLINE of an address found in use on the link (section 18.2.8). */
    public static Dhcp6Message decline(int xid, Identity6 id, Lease6 lease, int elapsed) {
        return giveBack(MessageType6.DECLINE, xid, id, lease, elapsed);
    }

    private static Dhcp6Message giveBack(MessageType6 type, int xid, Identity6 id, Lease6 lease, int elapsed) {
        List<Option6> o = common(id, elapsed);
        o.add(new Option6(Option6.SERVERID, lease.serverDuid()));
        o.add(IaNa.request(id.iaid(), List.of(IaAddress.of(lease.address()))).toOption());
        return new Dhcp6Message(type, xid, o);
    }

    private static List<Option6> common(Identity6 id, int elapsed) {
        if (elapsed < 0 || elapsed > 0xffff) {
            throw new IllegalArgumentException("elapsed: " + elapsed + " (expected: 0..65535)");
        }
        List<Option6> o = new ArrayList<>();
        o.add(new Option6(Option6.CLIENTID, id.duid()));
        o.add(new Option6(Option6.ELAPSED_TIME, new byte[] {(byte) (elapsed >>> 8), (byte) elapsed}));
        return o;
    }

    /**
     * Whether {@code m} answers the exchange: the transaction id and the client identifier match and a
     * server identifier is there (section 16.10/16.11: a client discards anything else).
     *
     * @throws DhcpParseException with the drop reason otherwise
     */
    public static void checkAnswers(Dhcp6Message m, int xid, Identity6 id) throws DhcpParseException {
        if (m.transactionId() != xid) {
            throw new DhcpParseException(DropReason.WRONG_XID, m.type() + " for transaction 0x"
                    + Integer.toHexString(m.transactionId()) + " (expected: 0x" + Integer.toHexString(xid) + ")");
        }
        byte[] client = m.clientId();
        if (client == null || !id.hasDuid(client)) {
            throw new DhcpParseException(DropReason.WRONG_CLIENT_ID, m.type() + " for another client identifier");
        }
        if (m.serverId() == null) {
            throw new DhcpParseException(DropReason.NO_SERVER_ID, m.type() + " without a server identifier");
        }
    }

    /** The usable addresses of our IA_NA in an ADVERTISE or REPLY (none when the IA has a status other than Success). */
    public static List<Inet6Address> offered(Dhcp6Message m, int iaid) throws DhcpParseException {
        IaNa ia = m.iaNa(iaid);
        if (ia == null || !ia.statusOrSuccess().success() || !m.status().success()) {
            return List.of();
        }
        validTimes(ia);
        return ia.addresses().stream().filter(IaAddress::usable).map(IaAddress::address).toList();
    }

    /**
     * The lease a REPLY grants for the IA_NA {@code iaid}: its first usable address, with T1 and T2
     * (0 resolved to 0.5 and 0.8 of the preferred lifetime, as section 21.4 leaves the client to
     * choose), the server's identifier and unicast address, DNS servers and search list; prefix
     * length 128 and no router (the Router Advertisement adds them, {@link Lease6#withLink}).
     *
     * @throws DhcpParseException when the IA_NA is missing, has a status other than Success, T1 &gt; T2,
     *                            or holds no usable address
     */
    public static Lease6 leaseOf(Dhcp6Message reply, int iaid, Instant acquired) throws DhcpParseException {
        IaNa ia = reply.iaNa(iaid);
        if (ia == null) {
            throw new DhcpParseException(reply.type() + " without an IA_NA for IAID " + Integer.toUnsignedString(iaid));
        }
        if (!ia.statusOrSuccess().success()) {
            throw new DhcpParseException(reply.type() + ": IA_NA status " + ia.status());
        }
        validTimes(ia);
        IaAddress granted = ia.addresses().stream().filter(IaAddress::usable).findFirst()
                .orElseThrow(() -> new DhcpParseException(reply.type() + ": IA_NA without a usable address"));
        Duration preferred = Duration.ofSeconds(granted.preferredLifetime());
        Duration t1 = ia.t1() == 0 ? preferred.dividedBy(2) : Duration.ofSeconds(ia.t1());
        Duration t2 = ia.t2() == 0 ? preferred.multipliedBy(4).dividedBy(5) : Duration.ofSeconds(ia.t2());
        if (t2.compareTo(t1) < 0) {
            t2 = t1; // only when one of them was left to the client
        }
        return new Lease6(granted.address(), 128, null, reply.serverId(), reply.serverUnicast(), reply.dnsServers(),
                reply.domainList(), t1, t2, preferred, Duration.ofSeconds(granted.validLifetime()), acquired);
    }

    /** Section 21.4: an IA_NA with T1 &gt; T2 (T2 not 0) is discarded. */
    private static void validTimes(IaNa ia) throws DhcpParseException {
        if (ia.t2() != 0 && ia.t1() > ia.t2()) {
            throw new DhcpParseException("IA_NA with T1 " + ia.t1() + " > T2 " + ia.t2());
        }
    }
}
