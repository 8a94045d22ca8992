package dev.cnidhcp.daemon.dhcp;

import org.dhcp4java.DHCPConstants;

import java.io.IOException;
import java.net.Inet4Address;
import java.time.Clock;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * The DHCPv4 exchanges of one client (RFC 2131): acquisition (DISCOVER, OFFER, REQUEST, ACK),
 * renewal and release, over a {@link DhcpTransport} given by the caller. Stateless between calls and
 * safe to share: each call runs on the caller's thread with the caller's transport.
 *
 * <p>Retransmission follows RFC 2131 4.1: the first after {@code firstRetransmit}, then doubling,
 * each randomised by up to one second either way, capped by {@code resendMax}, no single wait longer
 * than {@code replyTimeout}.
 */
public final class DhcpClient {
    private static final Logger LOG = Logger.getLogger(DhcpClient.class.getName());

    private final ClientSettings settings;
    private final Clock clock;
    private final AtomicLong dropped = new AtomicLong();

    public DhcpClient(ClientSettings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
    }

    /** Replies received and dropped because they were malformed or not for the exchange. */
    public long droppedReplies() {
        return dropped.get();
    }

    /**
     * Obtains a lease: DISCOVER until an OFFER, REQUEST it until an ACK; a NAK starts over.
     *
     * @param label names the client in logs (container id and interface)
     * @throws NoLeaseException when no lease was granted before {@code giveUpAfter} or the deadline
     */
    public Lease acquire(DhcpTransport transport, ClientIdentity id, long deadlineNanos, String label)
            throws IOException, NoLeaseException {
        long deadline = Math.min(deadlineNanos, System.nanoTime() + settings.giveUpAfter().toNanos());
        boolean broadcast = settings.broadcastFlag();
        String lastProblem = "no DHCPOFFER received";
        while (System.nanoTime() < deadline) {
            int xid = ThreadLocalRandom.current().nextInt();
            DhcpMessages.Reply offer = exchange(transport, id, xid,
                    DhcpMessages.discover(xid, id, DhcpMessages.DEFAULT_REQUEST_LIST, broadcast),
                    Set.of(DHCPConstants.DHCPOFFER), deadline, Ipv4Udp.ANY);
            if (offer == null) {
                break;
            }
            byte[] request = DhcpMessages.requestOffer(xid, id, DhcpMessages.DEFAULT_REQUEST_LIST, broadcast,
                    offer.yiaddr(), offer.serverId());
            DhcpMessages.Reply answer = exchange(transport, id, xid, request,
                    Set.of(DHCPConstants.DHCPACK, DHCPConstants.DHCPNAK), deadline, Ipv4Udp.ANY);
            if (answer == null) {
                lastProblem = "no DHCPACK for " + offer.yiaddr().getHostAddress() + " from "
                        + offer.serverId().getHostAddress();
                continue;
            }
            if (answer.type() == DHCPConstants.DHCPNAK) {
                lastProblem = "DHCPNAK for " + offer.yiaddr().getHostAddress() + " from "
                        + answer.packet().getAddress();
                LOG.warning(label + ": " + lastProblem + "; starting over with DHCPDISCOVER");
                continue;
            }
            try {
                return DhcpMessages.leaseOf(answer, clock.instant());
            } catch (DhcpParseException e) {
                lastProblem = "unusable DHCPACK: " + e.getMessage();
                LOG.warning(label + ": " + lastProblem);
            }
        }
        throw new NoLeaseException(lastProblem);
    }

    /**
     * Renews a lease with a REQUEST carrying ciaddr and no options 50/54 (RENEWING when the transport
     * unicasts to the server, REBINDING when it broadcasts).
     *
     * @throws NoLeaseException on NAK or when no answer came before the deadline
     */
    public Lease renew(DhcpTransport transport, ClientIdentity id, Lease lease, long deadlineNanos)
            throws IOException, NoLeaseException {
        int xid = ThreadLocalRandom.current().nextInt();
        byte[] request = DhcpMessages.requestRenewal(xid, id, DhcpMessages.DEFAULT_REQUEST_LIST, lease.address());
        DhcpMessages.Reply answer = exchange(transport, id, xid, request,
                Set.of(DHCPConstants.DHCPACK, DHCPConstants.DHCPNAK), deadlineNanos, lease.address());
        if (answer == null) {
            throw new NoLeaseException("no answer to the renewal of " + lease.address().getHostAddress());
        }
        if (answer.type() == DHCPConstants.DHCPNAK) {
            throw new NoLeaseException("DHCPNAK for the renewal of " + lease.address().getHostAddress(), true);
        }
        try {
            return DhcpMessages.leaseOf(answer, clock.instant());
        } catch (DhcpParseException e) {
            throw new NoLeaseException("unusable DHCPACK to the renewal: " + e.getMessage());
        }
    }

    /** Sends one DHCPRELEASE (servers do not answer it). */
    public void release(DhcpTransport transport, ClientIdentity id, Lease lease) throws IOException {
        int xid = ThreadLocalRandom.current().nextInt();
        transport.send(DhcpMessages.release(xid, id, lease.address(), lease.serverId()), lease.address());
    }

    /** Sends and retransmits {@code message} until an accepted reply arrives; null at the deadline. */
    private DhcpMessages.Reply exchange(DhcpTransport transport, ClientIdentity id, int xid, byte[] message,
                                        Set<Byte> accepted, long deadline, Inet4Address source) throws IOException {
        long delayMillis = settings.firstRetransmit().toMillis();
        while (true) {
            long now = System.nanoTime();
            if (now >= deadline) {
                return null;
            }
            transport.send(message, source);
            long jitter = ThreadLocalRandom.current().nextLong(-1000, 1001);
            long wait = Math.max(100, Math.min(delayMillis + jitter, settings.replyTimeout().toMillis()));
            long waitEnd = Math.min(deadline, now + wait * 1_000_000L);
            DhcpMessages.Reply reply = awaitReply(transport, id, xid, accepted, waitEnd);
            if (reply != null) {
                return reply;
            }
            delayMillis = Math.min(delayMillis * 2, settings.resendMax().toMillis());
        }
    }

    private DhcpMessages.Reply awaitReply(DhcpTransport transport, ClientIdentity id, int xid, Set<Byte> accepted,
                                          long waitEnd) throws IOException {
        while (true) {
            long left = (waitEnd - System.nanoTime()) / 1_000_000L;
            if (left <= 0) {
                return null;
            }
            byte[] payload = transport.receive(left);
            if (payload == null) {
                return null;
            }
            try {
                DhcpMessages.Reply reply = DhcpMessages.parseReply(payload, xid, id);
                if (accepted.contains(reply.type())) {
                    return reply;
                }
                dropped.incrementAndGet();
            } catch (DhcpParseException e) {
                dropped.incrementAndGet();
                LOG.fine(() -> "dropped a reply: " + e.getMessage());
            }
        }
    }
}
