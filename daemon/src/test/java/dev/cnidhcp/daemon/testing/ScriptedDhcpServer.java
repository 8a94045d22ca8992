package dev.cnidhcp.daemon.testing;

import dev.cnidhcp.daemon.dhcp.DhcpTransport;
import dev.cnidhcp.daemon.dhcp.Route;
import org.dhcp4java.DHCPConstants;
import org.dhcp4java.DHCPPacket;

import java.net.Inet4Address;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Queue;
import java.util.stream.Collectors;

/**
 * A scripted in-process DHCP server peer with fault injection. As a {@link DhcpTransport} it sits where
 * the client's socket would: {@link #send} hands it a client message, which it records and answers per
 * RFC 2131 section 4.3 from a small pool (10.1.0.10 - 10.1.0.20); {@link #receive} returns the next
 * reply. When no reply is queued, {@code receive(t)} advances the {@link FakeClock} by {@code t} and
 * returns null: a wait costs no real time. All times (lease expiry, delays) come from that clock.
 *
 * <p>What the server answers:
 * <ul>
 *   <li>DISCOVER: an OFFER of the client's current address, else of the requested one (option 50)
 *       when it is free, else of the next free one; silence when the pool is exhausted.</li>
 *   <li>REQUEST with option 54 (SELECTING): an ACK when 54 is this server and 50 is what was offered
 *       (NAK otherwise); silence when 54 names another server (the client took another offer).</li>
 *   <li>REQUEST with 50, without 54, ciaddr 0 (INIT-REBOOT): an ACK when the client (by option 61, else
 *       chaddr) holds that address, else a NAK.</li>
 *   <li>REQUEST with ciaddr, without 50/54 (RENEWING when unicast, REBINDING when broadcast): an ACK
 *       extending the lease when the client holds ciaddr, else a NAK.</li>
 *   <li>RELEASE with this server's id: frees the client's binding; never answered.</li>
 * </ul>
 * A binding stays the client's after it expires (until released or {@link #takeAway taken away}), as
 * most servers keep an expired lease for its last holder.
 *
 * <p>Scripting: faults apply to replies the server actually produces (not to messages it ignores or
 * drops while down). {@code next(f...)} applies faults to the next reply, each call to one more reply;
 * {@code whenType(DHCPREQUEST).reply(f...)} applies to every reply to a REQUEST,
 * {@code whenType(t).once().reply(f)} / {@code times(n)} to that many. Both combine.
 * <pre>
 *   server.next(Fault.DROP);                                  // lose the first OFFER
 *   server.whenType(DHCPConstants.DHCPREQUEST).once().reply(Fault.NAK);
 *   server.down();                                            // nobody answers anything
 *   server.otherServerAnswers();                              // primary silent, 10.1.0.3 answers
 * </pre>
 * Broadcast and unicast: {@link #send} is a broadcast; {@link #unicastTo(Inet4Address)} gives a
 * transport whose messages go to one server id (RENEWING, RELEASE).
 */
public final class ScriptedDhcpServer implements DhcpTransport {
    public static final Inet4Address SERVER_ID = ip("10.1.0.2");
    public static final Inet4Address OTHER_SERVER_ID = ip("10.1.0.3");
    public static final Inet4Address ROUTER = ip("10.1.0.1");
    public static final Inet4Address DNS = ip("10.1.0.53");
    public static final Inet4Address MASK = ip("255.255.255.0");
    public static final Inet4Address POOL_FIRST = ip("10.1.0.10");
    public static final Inet4Address POOL_LAST = ip("10.1.0.20");
    public static final String DOMAIN = "example.test";
    /** Length a {@link Fault#TRUNCATE}d reply is cut to: inside the fixed BOOTP header. */
    public static final int TRUNCATED_LENGTH = 100;
    /** The client identifier of a {@link Fault#WRONG_CLIENT_ID} reply and of {@link #takeAway} bindings. */
    public static final byte[] SOMEONE_ELSE = "someone-else".getBytes(StandardCharsets.US_ASCII);
    /**
     * More client messages than this at one instant of the fake clock means the client is spinning
     * (resending without waiting): {@link #send} throws an {@link AssertionError} instead of letting
     * the test run out of memory.
     */
    public static final int SPIN_LIMIT = 1000;

    // ------------------------------------------------------------------ faults

    /** What happens to one reply. */
    public enum FaultKind { DROP, DELAY, DUPLICATE, WRONG_XID, WRONG_CHADDR, WRONG_CLIENT_ID, NAK, RACE_LOST, TRUNCATE, GARBAGE }

    /** One fault; {@link #delay} carries a duration, the others are constants. */
    public static final class Fault {
        /** The reply is never delivered. */
        public static final Fault DROP = new Fault(FaultKind.DROP, 0);
        /** The reply is delivered twice. */
        public static final Fault DUPLICATE = new Fault(FaultKind.DUPLICATE, 0);
        /** The reply carries another transaction id. */
        public static final Fault WRONG_XID = new Fault(FaultKind.WRONG_XID, 0);
        /** The reply carries another hardware address. */
        public static final Fault WRONG_CHADDR = new Fault(FaultKind.WRONG_CHADDR, 0);
        /** The reply echoes another client identifier (RFC 6842). */
        public static final Fault WRONG_CLIENT_ID = new Fault(FaultKind.WRONG_CLIENT_ID, 0);
        /** A DHCPNAK is sent instead of the reply (the server's bindings do not change). */
        public static final Fault NAK = new Fault(FaultKind.NAK, 0);
        /**
         * A DHCPNAK instead of the ACK, and the address goes to another client: a race lost to a client
         * that REQUESTed the same offer first (dnsmasq on a busy pool). The next DISCOVER gets the next
         * free address.
         */
        public static final Fault RACE_LOST = new Fault(FaultKind.RACE_LOST, 0);
        /** The reply is cut to {@link #TRUNCATED_LENGTH} bytes. */
        public static final Fault TRUNCATE = new Fault(FaultKind.TRUNCATE, 0);
        /** An unrelated non-DHCP packet arrives just before the reply. */
        public static final Fault GARBAGE = new Fault(FaultKind.GARBAGE, 0);

        private final FaultKind kind;
        private final long millis;

        private Fault(FaultKind kind, long millis) {
            this.kind = kind;
            this.millis = millis;
        }

        /** The reply arrives {@code millis} later (on the fake clock). */
        public static Fault delay(long millis) {
            return new Fault(FaultKind.DELAY, millis);
        }

        public static Fault delay(Duration d) {
            return delay(d.toMillis());
        }

        public FaultKind kind() {
            return kind;
        }

        @Override
        public String toString() {
            return kind == FaultKind.DELAY ? "DELAY(" + millis + " ms)" : kind.name();
        }
    }

    /** A standing fault for the replies to one client message type; see {@link #whenType}. */
    public final class Rule {
        private final byte type;
        private int remaining = -1;
        private List<Fault> faults = List.of();

        private Rule(byte type) {
            this.type = type;
        }

        /** Applies to the next {@code n} replies to that type only. */
        public Rule times(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("times: " + n + " (expected: at least 1)");
            }
            remaining = n;
            return this;
        }

        public Rule once() {
            return times(1);
        }

        /** Installs the rule; without {@link #times}, for every reply to that type. */
        public ScriptedDhcpServer reply(Fault... faultsForEachReply) {
            synchronized (ScriptedDhcpServer.this) {
                faults = List.of(faultsForEachReply);
                rules.add(this);
            }
            return ScriptedDhcpServer.this;
        }
    }

    // ------------------------------------------------------------------ what was seen

    /** How the server classified a client message (RFC 2131 4.3.2 for REQUESTs). */
    public enum Kind { DISCOVER, SELECTING, INIT_REBOOT, RENEWING, REBINDING, RELEASE, MALFORMED, OTHER }

    /**
     * One message from the client.
     *
     * @param unicastTo the server id it was unicast to, or null for a broadcast
     * @param source    the source address the client gave the transport
     * @param at        the fake clock's time when it was sent
     */
    public record Received(Kind kind, byte type, DHCPPacket packet, Inet4Address unicastTo, Inet4Address source,
                           Instant at) {
        public int xid() {
            return packet.getXid();
        }

        public Inet4Address ciaddr() {
            return (Inet4Address) packet.getCiaddr();
        }

        /** Option 50, or null. */
        public Inet4Address requested() {
            return address(packet, DHCPConstants.DHO_DHCP_REQUESTED_ADDRESS);
        }

        /** Option 54, or null. */
        public Inet4Address serverId() {
            return address(packet, DHCPConstants.DHO_DHCP_SERVER_IDENTIFIER);
        }

        /** Option 61, or null. */
        public byte[] clientId() {
            return packet.getOptionRaw(DHCPConstants.DHO_DHCP_CLIENT_IDENTIFIER);
        }

        /** Option 55, or null. */
        public byte[] requestList() {
            return packet.getOptionRaw(DHCPConstants.DHO_DHCP_PARAMETER_REQUEST_LIST);
        }

        public byte[] option(int code) {
            return packet.getOptionRaw((byte) code);
        }

        public boolean has(int code) {
            return packet.containsOption((byte) code);
        }

        public byte[] chaddr() {
            return Arrays.copyOf(packet.getChaddr(), 6);
        }

        public boolean broadcastFlag() {
            return (packet.getFlags() & 0x8000) != 0;
        }

        public boolean unicast() {
            return unicastTo != null;
        }

        @Override
        public String toString() {
            if (kind == Kind.MALFORMED) {
                return "MALFORMED at " + at;
            }
            return kind + String.format(" xid=0x%08x", xid()) + " ciaddr=" + ciaddr().getHostAddress()
                    + (requested() == null ? "" : " 50=" + requested().getHostAddress())
                    + (serverId() == null ? "" : " 54=" + serverId().getHostAddress())
                    + (unicast() ? " unicast to " + unicastTo.getHostAddress() : " broadcast") + " at " + at;
        }
    }

    /**
     * One reply the server produced.
     *
     * @param delivered false when a fault dropped it
     */
    public record Sent(byte type, Inet4Address serverId, Inet4Address yiaddr, List<Fault> faults, Instant at,
                       boolean delivered) {
    }

    // ------------------------------------------------------------------ state

    private static final class ServerBinding {
        final String client;
        final Inet4Address address;
        boolean bound;
        Instant expires;

        ServerBinding(String client, Inet4Address address) {
            this.client = client;
            this.address = address;
        }
    }

    private record Delivery(byte[] payload, Instant at, long seq) {
    }

    private final FakeClock clock;
    private final List<Received> received = new ArrayList<>();
    private final List<Sent> sent = new ArrayList<>();
    private final Queue<List<Fault>> nextFaults = new ArrayDeque<>();
    private final List<Rule> rules = new ArrayList<>();
    private final PriorityQueue<Delivery> deliveries = new PriorityQueue<>(
            Comparator.comparing(Delivery::at).thenComparingLong(Delivery::seq));
    private final Map<String, ServerBinding> bindings = new LinkedHashMap<>();
    private long deliverySeq;
    private int closes;
    private Instant burstAt;
    private int burst;

    private Duration leaseTime = Duration.ofSeconds(60);
    private Duration renewalTime;
    private Duration rebindingTime;
    private byte[] classlessRoutes;
    private boolean echoClientId = true;
    private boolean sendLeaseTime = true;
    private boolean down;
    private boolean otherServerAnswers;

    public ScriptedDhcpServer(FakeClock clock) {
        this.clock = clock;
    }

    // ------------------------------------------------------------------ configuration

    /** Option 51 of every ACK and OFFER (default 60 s). */
    public synchronized ScriptedDhcpServer leaseTime(Duration d) {
        leaseTime = d;
        return this;
    }

    /** Option 58, or null to leave it out (the default: the client computes half the lease). */
    public synchronized ScriptedDhcpServer renewalTime(Duration d) {
        renewalTime = d;
        return this;
    }

    /** Option 59, or null to leave it out (the default: the client computes 7/8 of the lease). */
    public synchronized ScriptedDhcpServer rebindingTime(Duration d) {
        rebindingTime = d;
        return this;
    }

    /**
     * Raw option 121 sent when requested, or null to leave it out (the default). A value longer than
     * 255 bytes is sent as several instances of at most 255 (RFC 3396), as real servers do.
     */
    public synchronized ScriptedDhcpServer classlessRoutes(byte[] raw) {
        classlessRoutes = raw == null ? null : raw.clone();
        return this;
    }

    /** Whether replies echo the client's option 61 (RFC 6842; default true). */
    public synchronized ScriptedDhcpServer echoClientId(boolean echo) {
        echoClientId = echo;
        return this;
    }

    /** Whether OFFERs and ACKs carry option 51 (default true; without it a client cannot use the ACK). */
    public synchronized ScriptedDhcpServer sendLeaseTime(boolean send) {
        sendLeaseTime = send;
        return this;
    }

    public synchronized Duration leaseTime() {
        return leaseTime;
    }

    // ------------------------------------------------------------------ script

    /** Faults for the next reply; each call scripts one more reply. */
    public synchronized ScriptedDhcpServer next(Fault... faultsForOneReply) {
        nextFaults.add(List.of(faultsForOneReply));
        return this;
    }

    /** As {@link #whenType(byte)}. */
    public Rule whenType(dev.cnidhcp.daemon.dhcp.MessageType clientMessageType) {
        return whenType(clientMessageType.toByte());
    }

    /** Starts a rule for the replies to client messages of {@code clientMessageType} (DHCPConstants). */
    public Rule whenType(byte clientMessageType) {
        return new Rule(clientMessageType);
    }

    /** Forgets every scripted fault (not the up/down switches). */
    public synchronized ScriptedDhcpServer clearFaults() {
        nextFaults.clear();
        rules.clear();
        return this;
    }

    /** No server answers anything; messages are still recorded. */
    public synchronized ScriptedDhcpServer down() {
        down = true;
        return this;
    }

    public synchronized ScriptedDhcpServer up() {
        down = false;
        return this;
    }

    /**
     * The primary server ({@link #SERVER_ID}) falls silent and a second one, {@link #OTHER_SERVER_ID},
     * sharing its bindings, answers broadcasts and unicasts to its own id (a failover partner).
     */
    public synchronized ScriptedDhcpServer otherServerAnswers() {
        otherServerAnswers = true;
        return this;
    }

    public synchronized ScriptedDhcpServer primaryAnswers() {
        otherServerAnswers = false;
        return this;
    }

    /** Gives {@code address} to another client: its holder loses it (INIT-REBOOT NAKs, DISCOVER gets another). */
    public synchronized ScriptedDhcpServer takeAway(Inet4Address address) {
        bindings.values().removeIf(b -> b.address.equals(address));
        String other = key(SOMEONE_ELSE);
        ServerBinding b = new ServerBinding(other, address);
        b.bound = true;
        b.expires = clock.instant().plus(leaseTime);
        bindings.put(other, b);
        return this;
    }

    /** Queues a raw packet for the client now, whatever it is. */
    public synchronized ScriptedDhcpServer inject(byte[] raw) {
        enqueue(raw.clone(), clock.instant());
        return this;
    }

    // ------------------------------------------------------------------ inspection

    public synchronized List<Received> received() {
        return List.copyOf(received);
    }

    public synchronized List<Received> received(Kind kind) {
        return received.stream().filter(r -> r.kind() == kind).collect(Collectors.toList());
    }

    /** The kinds of every message received, in order. */
    public synchronized List<Kind> kinds() {
        return received.stream().map(Received::kind).collect(Collectors.toList());
    }

    public synchronized int count(Kind kind) {
        return received(kind).size();
    }

    /** The last message of that kind; fails when there is none. */
    public synchronized Received last(Kind kind) {
        List<Received> all = received(kind);
        if (all.isEmpty()) {
            throw new AssertionError("no " + kind + " received; got " + received);
        }
        return all.get(all.size() - 1);
    }

    public synchronized List<Sent> sent() {
        return List.copyOf(sent);
    }

    /** The address the server has bound (or offered) to the client with this id, or null. */
    public synchronized Inet4Address bindingOf(byte[] clientId) {
        ServerBinding b = bindings.get(key(clientId));
        return b == null ? null : b.address;
    }

    /** When the server thinks the client's lease ends, or null when not bound. */
    public synchronized Instant expiryOf(byte[] clientId) {
        ServerBinding b = bindings.get(key(clientId));
        return b == null || !b.bound ? null : b.expires;
    }

    /** Replies queued and not yet received. */
    public synchronized int pendingReplies() {
        return deliveries.size();
    }

    /** How often a transport over this server was closed. */
    public synchronized int closes() {
        return closes;
    }

    // ------------------------------------------------------------------ DhcpTransport

    /** A broadcast from the client. */
    @Override
    public synchronized void send(byte[] dhcpPayload, Inet4Address source) {
        handle(dhcpPayload, source, null);
    }

    /**
     * The next queued reply whose time has come within {@code timeoutMillis}; the clock moves to its
     * arrival. With none, the clock advances by the whole timeout and the answer is null.
     */
    @Override
    public synchronized byte[] receive(long timeoutMillis) {
        Delivery head = deliveries.peek();
        Instant limit = clock.instant().plusMillis(Math.max(0, timeoutMillis));
        if (head != null && !head.at().isAfter(limit)) {
            deliveries.poll();
            clock.advanceTo(head.at());
            return head.payload().clone();
        }
        if (timeoutMillis > 0) {
            clock.advanceMillis(timeoutMillis);
        }
        return null;
    }

    /** Replies not yet received are lost, as with a closed socket; the server itself stays. */
    @Override
    public synchronized void close() {
        deliveries.clear();
        closes++;
    }

    /** A transport whose messages are unicast to {@code serverId}; replies come through this server. */
    public DhcpTransport unicastTo(Inet4Address serverId) {
        return new DhcpTransport() {
            @Override
            public void send(byte[] dhcpPayload, Inet4Address source) {
                synchronized (ScriptedDhcpServer.this) {
                    handle(dhcpPayload, source, serverId);
                }
            }

            @Override
            public byte[] receive(long timeoutMillis) {
                return ScriptedDhcpServer.this.receive(timeoutMillis);
            }

            @Override
            public void close() {
                ScriptedDhcpServer.this.close();
            }
        };
    }

    // ------------------------------------------------------------------ the server

    private void handle(byte[] payload, Inet4Address source, Inet4Address unicastTo) {
        checkSpinning();
        DHCPPacket p;
        try {
            p = DHCPPacket.getPacket(payload, 0, payload.length, true);
        } catch (RuntimeException e) {
            received.add(new Received(Kind.MALFORMED, (byte) 0, null, unicastTo, source, clock.instant()));
            return;
        }
        Byte type = p.getDHCPMessageType();
        Received r = new Received(classify(p, type, unicastTo != null), type == null ? 0 : type, p, unicastTo,
                source, clock.instant());
        received.add(r);
        if (p.getOp() != DHCPConstants.BOOTREQUEST) {
            return;
        }
        Inet4Address server = responder(unicastTo);
        if (server == null) {
            return;
        }
        DHCPPacket reply = answer(r, server);
        if (reply != null) {
            deliver(reply, r, server);
        }
    }

    private void checkSpinning() {
        Instant now = clock.instant();
        if (now.equals(burstAt)) {
            if (++burst > SPIN_LIMIT) {
                throw new AssertionError("the client sent more than " + SPIN_LIMIT + " messages at " + now
                        + " without any time passing (a busy loop); last: " + received.get(received.size() - 1));
            }
        } else {
            burstAt = now;
            burst = 1;
        }
    }

    private static Kind classify(DHCPPacket p, Byte type, boolean unicast) {
        if (type == null) {
            return Kind.OTHER;
        }
        boolean has50 = p.containsOption(DHCPConstants.DHO_DHCP_REQUESTED_ADDRESS);
        boolean has54 = p.containsOption(DHCPConstants.DHO_DHCP_SERVER_IDENTIFIER);
        boolean ciaddr = Route.toInt((Inet4Address) p.getCiaddr()) != 0;
        switch (type) {
            case DHCPConstants.DHCPDISCOVER:
                return Kind.DISCOVER;
            case DHCPConstants.DHCPRELEASE:
                return Kind.RELEASE;
            case DHCPConstants.DHCPREQUEST:
                if (has54) {
                    return Kind.SELECTING;
                }
                if (has50 && !ciaddr) {
                    return Kind.INIT_REBOOT;
                }
                if (ciaddr && !has50) {
                    return unicast ? Kind.RENEWING : Kind.REBINDING;
                }
                return Kind.OTHER;
            default:
                return Kind.OTHER;
        }
    }

    /** The id of the server that hears a message, or null when none does. */
    private Inet4Address responder(Inet4Address unicastTo) {
        if (down) {
            return null;
        }
        Inet4Address answering = otherServerAnswers ? OTHER_SERVER_ID : SERVER_ID;
        return unicastTo == null || unicastTo.equals(answering) ? answering : null;
    }

    private DHCPPacket answer(Received r, Inet4Address server) {
        String client = clientKey(r.packet());
        ServerBinding b = bindings.get(client);
        switch (r.kind()) {
            case DISCOVER: {
                Inet4Address address = b != null ? b.address : null;
                if (address == null) {
                    Inet4Address wanted = r.requested();
                    address = wanted != null && inPool(wanted) && isFree(wanted, client) ? wanted : nextFree(client);
                }
                if (address == null) {
                    return null; // pool exhausted: silence
                }
                if (b == null) {
                    bindings.put(client, new ServerBinding(client, address));
                }
                return lease(DHCPConstants.DHCPOFFER, r, server, address);
            }
            case SELECTING:
                if (!server.equals(r.serverId())) {
                    if (b != null && !b.bound) {
                        bindings.remove(client); // the client took another server's offer
                    }
                    return null;
                }
                if (b != null && b.address.equals(r.requested())) {
                    return bind(b, r, server);
                }
                return nak(r, server, "requested address was not offered");
            case INIT_REBOOT:
                if (b != null && b.bound && b.address.equals(r.requested())) {
                    return bind(b, r, server);
                }
                return nak(r, server, "requested address is not yours");
            case RENEWING:
            case REBINDING:
                if (b != null && b.bound && b.address.equals(r.ciaddr())) {
                    return bind(b, r, server);
                }
                return nak(r, server, "ciaddr is not yours");
            case RELEASE:
                if (b != null && b.address.equals(r.ciaddr()) && server.equals(r.serverId())) {
                    bindings.remove(client);
                }
                return null;
            default:
                return null;
        }
    }

    private DHCPPacket bind(ServerBinding b, Received r, Inet4Address server) {
        b.bound = true;
        b.expires = clock.instant().plus(leaseTime);
        return lease(DHCPConstants.DHCPACK, r, server, b.address);
    }

    private DHCPPacket lease(byte type, Received r, Inet4Address server, Inet4Address address) {
        DHCPPacket q = base(type, r, server);
        q.setYiaddr(address);
        if (r.kind() == Kind.RENEWING || r.kind() == Kind.REBINDING) {
            q.setCiaddr(r.ciaddr());
        }
        if (sendLeaseTime) {
            q.setOptionAsInt(DHCPConstants.DHO_DHCP_LEASE_TIME, (int) leaseTime.toSeconds());
        }
        if (renewalTime != null) {
            q.setOptionAsInt(DHCPConstants.DHO_DHCP_RENEWAL_TIME, (int) renewalTime.toSeconds());
        }
        if (rebindingTime != null) {
            q.setOptionAsInt(DHCPConstants.DHO_DHCP_REBINDING_TIME, (int) rebindingTime.toSeconds());
        }
        if (wants(r, 1)) {
            q.setOptionAsInetAddress(DHCPConstants.DHO_SUBNET_MASK, MASK);
        }
        if (wants(r, 3)) {
            q.setOptionAsInetAddress(DHCPConstants.DHO_ROUTERS, ROUTER);
        }
        if (wants(r, 6)) {
            q.setOptionAsInetAddress(DHCPConstants.DHO_DOMAIN_NAME_SERVERS, DNS);
        }
        if (wants(r, 15)) {
            q.setOptionAsString(DHCPConstants.DHO_DOMAIN_NAME, DOMAIN);
        }
        if (classlessRoutes != null && classlessRoutes.length <= 255 && wants(r, 121)) {
            q.setOptionRaw((byte) 121, classlessRoutes);
        }
        return q;
    }

    private DHCPPacket nak(Received r, Inet4Address server, String why) {
        DHCPPacket q = base(DHCPConstants.DHCPNAK, r, server);
        q.setOptionAsString(DHCPConstants.DHO_DHCP_MESSAGE, why);
        return q;
    }

    private DHCPPacket base(byte type, Received r, Inet4Address server) {
        DHCPPacket req = r.packet();
        DHCPPacket q = new DHCPPacket();
        q.setOp(DHCPConstants.BOOTREPLY);
        q.setHtype(req.getHtype());
        q.setHlen(req.getHlen());
        q.setXid(req.getXid());
        q.setFlags(req.getFlags());
        q.setGiaddrRaw(req.getGiaddrRaw());
        q.setChaddr(req.getChaddr());
        q.setDHCPMessageType(type);
        q.setOptionAsInetAddress(DHCPConstants.DHO_DHCP_SERVER_IDENTIFIER, server);
        byte[] clientId = r.clientId();
        if (echoClientId && clientId != null) {
            q.setOptionRaw(DHCPConstants.DHO_DHCP_CLIENT_IDENTIFIER, clientId);
        }
        return q;
    }

    /** RFC 2132 9.8: send what the parameter request list asks for (all of it when there is none). */
    private static boolean wants(Received r, int code) {
        byte[] list = r.requestList();
        if (list == null) {
            return true;
        }
        for (byte b : list) {
            if ((b & 0xff) == code) {
                return true;
            }
        }
        return false;
    }

    private void deliver(DHCPPacket reply, Received r, Inet4Address server) {
        List<Fault> faults = claimFaults(r.type());
        if (has(faults, FaultKind.NAK) && reply.getDHCPMessageType() != DHCPConstants.DHCPNAK) {
            reply = nak(r, server, "scripted NAK");
        }
        if (has(faults, FaultKind.RACE_LOST) && reply.getDHCPMessageType() == DHCPConstants.DHCPACK) {
            Inet4Address lost = (Inet4Address) reply.getYiaddr();
            bindings.remove(clientKey(r.packet()));
            ServerBinding winner = new ServerBinding("race:" + lost.getHostAddress(), lost);
            winner.bound = true;
            winner.expires = clock.instant().plus(leaseTime);
            bindings.put(winner.client, winner);
            reply = nak(r, server, "address in use");
        }
        if (has(faults, FaultKind.WRONG_XID)) {
            reply.setXid(reply.getXid() ^ 0x5a5a5a5a);
        }
        if (has(faults, FaultKind.WRONG_CHADDR)) {
            byte[] chaddr = reply.getChaddr();
            chaddr[5] ^= 0x55;
            reply.setChaddr(chaddr);
        }
        if (has(faults, FaultKind.WRONG_CLIENT_ID)) {
            reply.setOptionRaw(DHCPConstants.DHO_DHCP_CLIENT_IDENTIFIER, SOMEONE_ELSE);
        }
        byte[] bytes = reply.serialize();
        Byte replyType = reply.getDHCPMessageType();
        if (classlessRoutes != null && classlessRoutes.length > 255 && wants(r, 121) && replyType != null
                && replyType != DHCPConstants.DHCPNAK) {
            bytes = withSplitOption(bytes, 121, classlessRoutes);
        }
        if (has(faults, FaultKind.TRUNCATE)) {
            bytes = Arrays.copyOf(bytes, TRUNCATED_LENGTH);
        }
        long delay = faults.stream().filter(f -> f.kind == FaultKind.DELAY).mapToLong(f -> f.millis).sum();
        boolean dropped = has(faults, FaultKind.DROP);
        Instant now = clock.instant();
        sent.add(new Sent(reply.getDHCPMessageType(), server, (Inet4Address) reply.getYiaddr(), faults, now,
                !dropped));
        if (has(faults, FaultKind.GARBAGE)) {
            enqueue(garbage(), now);
        }
        if (dropped) {
            return;
        }
        enqueue(bytes, now.plusMillis(delay));
        if (has(faults, FaultKind.DUPLICATE)) {
            enqueue(bytes.clone(), now.plusMillis(delay));
        }
    }

    /** {@code message} with {@code value} as instances of at most 255 bytes inserted before its end option. */
    private static byte[] withSplitOption(byte[] message, int code, byte[] value) {
        int end = 240;
        while ((message[end] & 0xff) != 255) {
            end += (message[end] & 0xff) == 0 ? 1 : 2 + (message[end + 1] & 0xff);
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.write(message, 0, end);
        for (int at = 0; at < value.length; at += 255) {
            int n = Math.min(255, value.length - at);
            out.write(code);
            out.write(n);
            out.write(value, at, n);
        }
        out.write(255);
        return out.toByteArray();
    }

    private List<Fault> claimFaults(byte type) {
        List<Fault> faults = new ArrayList<>();
        List<Fault> next = nextFaults.poll();
        if (next != null) {
            faults.addAll(next);
        }
        for (Iterator<Rule> it = rules.iterator(); it.hasNext(); ) {
            Rule rule = it.next();
            if (rule.type != type) {
                continue;
            }
            faults.addAll(rule.faults);
            if (rule.remaining > 0 && --rule.remaining == 0) {
                it.remove();
            }
        }
        return faults;
    }

    private static boolean has(List<Fault> faults, FaultKind kind) {
        return faults.stream().anyMatch(f -> f.kind == kind);
    }

    private void enqueue(byte[] payload, Instant at) {
        deliveries.add(new Delivery(payload, at, deliverySeq++));
    }

    /** 64 bytes that are not a DHCP message (too short, no magic cookie). */
    private static byte[] garbage() {
        byte[] g = new byte[64];
        for (int i = 0; i < g.length; i++) {
            g[i] = (byte) (0xa5 ^ i);
        }
        return g;
    }

    private boolean isFree(Inet4Address address, String client) {
        return bindings.values().stream().noneMatch(b -> b.address.equals(address) && !b.client.equals(client));
    }

    private Inet4Address nextFree(String client) {
        for (int a = Route.toInt(POOL_FIRST); a <= Route.toInt(POOL_LAST); a++) {
            Inet4Address candidate = Route.fromInt(a);
            if (isFree(candidate, client)) {
                return candidate;
            }
        }
        return null;
    }

    private static boolean inPool(Inet4Address a) {
        int v = Route.toInt(a);
        return v >= Route.toInt(POOL_FIRST) && v <= Route.toInt(POOL_LAST);
    }

    private static String clientKey(DHCPPacket p) {
        byte[] id = p.getOptionRaw(DHCPConstants.DHO_DHCP_CLIENT_IDENTIFIER);
        return id != null ? key(id) : "chaddr:" + HexFormat.of().formatHex(p.getChaddr(), 0, 6);
    }

    private static String key(byte[] clientId) {
        return "id:" + HexFormat.of().formatHex(clientId);
    }

    private static Inet4Address address(DHCPPacket p, byte option) {
        byte[] raw = p.getOptionRaw(option);
        return raw == null || raw.length != 4 ? null : Route.fromInt(
                ((raw[0] & 0xff) << 24) | ((raw[1] & 0xff) << 16) | ((raw[2] & 0xff) << 8) | (raw[3] & 0xff));
    }

    private static Inet4Address ip(String text) {
        return Route.parseAddress(text, "test address");
    }
}
