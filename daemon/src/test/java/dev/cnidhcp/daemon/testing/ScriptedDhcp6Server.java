package dev.cnidhcp.daemon.testing;

import dev.cnidhcp.daemon.dhcp.DhcpParseException;
import dev.cnidhcp.daemon.dhcp6.Dhcp6Message;
import dev.cnidhcp.daemon.dhcp6.Dhcp6Options;
import dev.cnidhcp.daemon.dhcp6.Dhcp6Transport;
import dev.cnidhcp.daemon.dhcp6.IaAddress;
import dev.cnidhcp.daemon.dhcp6.IaNa;
import dev.cnidhcp.daemon.dhcp6.MessageType6;
import dev.cnidhcp.daemon.dhcp6.Option6;
import dev.cnidhcp.daemon.dhcp6.StatusCode6;

import java.net.Inet6Address;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * DHCPv6 servers on one link, in process, as a {@link Dhcp6Transport}: every message the client sends
 * reaches each {@link Peer} (a unicast one only the peer it names), and the peers' answers are queued
 * for {@link #receive}, which advances the {@link FakeClock} to their arrival, or by the whole
 * timeout when none is due. Addresses come from one pool (fd99::10 on), bound per DUID and IAID.
 * Faults per peer: drop the next messages of a type, answer with a status, advertise no address,
 * answer late, send a reply of another transaction first. Not thread-safe: one test thread.
 */
public final class ScriptedDhcp6Server implements Dhcp6Transport {
    public static final Inet6Address DNS = Dhcp6Options.parse("fd99::53");
    public static final String DOMAIN = "lab.test";

    /** One message the client sent: when, what, to where. */
    public record Received(Instant at, Dhcp6Message message, Inet6Address to) {
        public MessageType6 type() {
            return message.type();
        }
    }

    private record Queued(Instant at, long order, byte[] bytes) {
    }

    private final FakeClock clock;
    private final List<Peer> peers = new ArrayList<>();
    private final List<Received> received = new ArrayList<>();
    private final PriorityQueue<Queued> queue = new PriorityQueue<>(
            Comparator.comparing(Queued::at).thenComparingLong(Queued::order));
    private final Map<String, Inet6Address> bindings = new HashMap<>();
    private long order;
    private int nextHost = 0x10;

    public ScriptedDhcp6Server(FakeClock clock) {
        this.clock = clock;
    }

    /** A server on the link with DUID-LL 02:00:00:00:00:{@code n}. */
    public Peer addPeer(int n) {
        Peer p = new Peer(new byte[] {0, 3, 0, 1, 2, 0, 0, 0, 0, (byte) n});
        peers.add(p);
        return p;
    }

    public List<Received> received() {
        return List.copyOf(received);
    }

    public List<MessageType6> types() {
        return received.stream().map(Received::type).toList();
    }

    public List<Received> received(MessageType6 type) {
        return received.stream().filter(r -> r.type() == type).toList();
    }

    /** The address bound to a DUID and IAID, or null. */
    public Inet6Address bindingOf(byte[] duid, int iaid) {
        return bindings.get(key(duid, iaid));
    }

    @Override
    public void send(byte[] bytes, Inet6Address to) {
        Dhcp6Message m;
        try {
            m = Dhcp6Message.decode(bytes);
        } catch (DhcpParseException e) {
            throw new AssertionError("the client sent a malformed message: " + e.getMessage(), e);
        }
        received.add(new Received(clock.instant(), m, to));
        for (Peer p : peers) {
            if (!to.isMulticastAddress() && !to.equals(p.unicast)) {
                continue;
            }
            p.answer(m, !to.isMulticastAddress());
        }
    }

    @Override
    public byte[] receive(long timeoutMillis) {
        Instant until = clock.instant().plusMillis(timeoutMillis);
        Queued head = queue.peek();
        if (head != null && !head.at().isAfter(until)) {
            queue.poll();
            clock.advanceTo(head.at());
            return head.bytes();
        }
        clock.advanceTo(until);
        return null;
    }

    @Override
    public void close() {
    }

    private static String key(byte[] duid, int iaid) {
        return HexFormat.of().formatHex(duid) + "/" + iaid;
    }

    /** One server. Its settings are plain fields a test sets before the exchange. */
    public final class Peer {
        public final byte[] duid;
        public int preference;
        public boolean rapidCommit;
        public Inet6Address unicast;
        public long t1 = 1800;
        public long t2 = 2880;
        public long preferred = 3000;
        public long valid = 3600;
        public long delayMillis;
        public boolean advertiseNothing;
        /** Before each answer, a copy of it for another transaction. */
        public boolean wrongXidFirst;
        private final Map<MessageType6, Integer> drops = new EnumMap<>(MessageType6.class);
        private final Map<MessageType6, StatusCode6> topStatus = new EnumMap<>(MessageType6.class);
        private final Map<MessageType6, StatusCode6> iaStatus = new EnumMap<>(MessageType6.class);
        private final Map<MessageType6, StatusCode6> alwaysTop = new EnumMap<>(MessageType6.class);

        private Peer(byte[] duid) {
            this.duid = duid;
        }

        /** Ignores the next {@code n} messages of {@code type} (Integer.MAX_VALUE: all). */
        public Peer drop(MessageType6 type, int n) {
            drops.put(type, n);
            return this;
        }

        /** Answers the next {@code type} with {@code status} at the top level. */
        public Peer topStatusOnce(MessageType6 type, int code) {
            topStatus.put(type, new StatusCode6(code, "scripted"));
            return this;
        }

        /** Answers every {@code type} with {@code status} at the top level. */
        public Peer topStatusAlways(MessageType6 type, int code) {
            alwaysTop.put(type, new StatusCode6(code, "scripted"));
            return this;
        }

        /** Answers the next {@code type} with an IA_NA holding only {@code status}. */
        public Peer iaStatusOnce(MessageType6 type, int code) {
            iaStatus.put(type, new StatusCode6(code, "scripted"));
            return this;
        }

        private void answer(Dhcp6Message m, boolean unicastReceived) {
            int left = drops.getOrDefault(m.type(), 0);
            if (left > 0) {
                drops.put(m.type(), left == Integer.MAX_VALUE ? left : left - 1);
                return;
            }
            try {
                byte[] client = m.clientId();
                byte[] server = m.serverId();
                boolean forMe = server == null || Arrays.equals(server, duid);
                IaNa asked = m.iaNas().get(0);
                switch (m.type()) {
                    case SOLICIT -> {
                        if (advertiseNothing) {
                            queue(m, MessageType6.ADVERTISE, client, new IaNa(asked.iaid(), 0, 0, List.of(),
                                    new StatusCode6(StatusCode6.NO_ADDRS_AVAIL, "none left")), false);
                        } else if (rapidCommit && m.rapidCommit()) {
                            queue(m, MessageType6.REPLY, client, bind(client, asked), true);
                        } else {
                            queue(m, MessageType6.ADVERTISE, client, granted(asked.iaid(), peek(client, asked)), false);
                        }
                    }
                    case REQUEST -> {
                        if (forMe) {
                            queue(m, MessageType6.REPLY, client, bind(client, asked), false);
                        }
                    }
                    case RENEW, REBIND -> {
                        if (forMe) {
                            Inet6Address bound = bindingOf(client, asked.iaid());
                            queue(m, MessageType6.REPLY, client, bound == null
                                    ? new IaNa(asked.iaid(), 0, 0, List.of(), new StatusCode6(StatusCode6.NO_BINDING, "unknown"))
                                    : granted(asked.iaid(), bound), false);
                        }
                    }
                    case RELEASE, DECLINE -> {
                        if (forMe) {
                            bindings.remove(key(client, asked.iaid()));
                            queue(m, MessageType6.REPLY, client, null, false);
                        }
                    }
                    default -> {
                    }
                }
            } catch (DhcpParseException e) {
                throw new AssertionError(e);
            }
        }

        private Inet6Address peek(byte[] client, IaNa asked) {
            Inet6Address bound = bindingOf(client, asked.iaid());
            return bound != null ? bound : address(nextHost);
        }

        private IaNa bind(byte[] client, IaNa asked) {
            Inet6Address bound = bindingOf(client, asked.iaid());
            if (bound == null) {
                bound = address(nextHost++);
                bindings.put(key(client, asked.iaid()), bound);
            }
            return granted(asked.iaid(), bound);
        }

        private IaNa granted(int iaid, Inet6Address address) {
            return new IaNa(iaid, t1, t2, List.of(new IaAddress(address, preferred, valid, null)), null);
        }

        private void queue(Dhcp6Message m, MessageType6 type, byte[] client, IaNa ia, boolean withRapidCommit) {
            List<Option6> o = new ArrayList<>();
            o.add(new Option6(Option6.SERVERID, duid));
            o.add(new Option6(Option6.CLIENTID, client));
            StatusCode6 top = topStatus.containsKey(m.type()) ? topStatus.remove(m.type()) : alwaysTop.get(m.type());
            StatusCode6 inIa = iaStatus.remove(m.type());
            if (top != null) {
                o.add(new Option6(Option6.STATUS_CODE, top.encode()));
            } else if (ia != null) {
                o.add((inIa == null ? ia : new IaNa(ia.iaid(), 0, 0, List.of(), inIa)).toOption());
            }
            if (withRapidCommit) {
                o.add(new Option6(Option6.RAPID_COMMIT, new byte[0]));
            }
            if (preference > 0) {
                o.add(new Option6(Option6.PREFERENCE, new byte[] {(byte) preference}));
            }
            if (unicast != null) {
                o.add(new Option6(Option6.UNICAST, unicast.getAddress()));
            }
            o.add(new Option6(Option6.DNS_SERVERS, Dhcp6Options.encodeAddresses(List.of(DNS))));
            o.add(new Option6(Option6.DOMAIN_LIST, Dhcp6Options.encodeDomainList(List.of(DOMAIN))));
            Instant at = clock.instant().plusMillis(delayMillis);
            if (wrongXidFirst) {
                byte[] other = new Dhcp6Message(type, (m.transactionId() + 1) & 0xffffff, o).encode();
                queue.add(new Queued(at, order++, other));
            }
            queue.add(new Queued(at, order++, new Dhcp6Message(type, m.transactionId(), o).encode()));
        }
    }

    private static Inet6Address address(int host) {
        byte[] a = Dhcp6Options.parse("fd99::").getAddress();
        a[14] = (byte) (host >>> 8);
        a[15] = (byte) host;
        try {
            return (Inet6Address) java.net.InetAddress.getByAddress(a);
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
