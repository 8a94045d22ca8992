package dev.cnidhcp.daemon.netns;

import dev.cnidhcp.daemon.dhcp.ClientIdentity;
import dev.cnidhcp.daemon.dhcp.DhcpClient;
import dev.cnidhcp.daemon.dhcp.DhcpTransport;
import dev.cnidhcp.daemon.dhcp.Lease;
import dev.cnidhcp.daemon.dhcp.NoLeaseException;
import dev.cnidhcp.daemon.dhcp.Route;
import dev.cnidhcp.daemon.lease.Attachment;
import dev.cnidhcp.daemon.lease.Binding;
import dev.cnidhcp.daemon.lease.LeaseKey;
import dev.cnidhcp.daemon.lease.LeaseTransport;
import dev.cnidhcp.daemon.log.AttachmentLog;
import dev.cnidhcp.daemon.metrics.DaemonMetrics;

import java.io.IOException;
import java.net.Inet4Address;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.logging.Logger;

/**
 * DHCP exchanges carried out inside pod namespaces, every one on a packet socket on the pod's
 * interface ({@link PacketSocket}), so none depends on the address the interface carries, its
 * routes or its neighbour table: INIT, INIT-REBOOT and REBINDING broadcast; RENEWING unicasts from
 * the leased address to the server in a frame to the MAC the server last answered from
 * ({@link ServerMacs}); when that is unknown (after a daemon restart), to the MAC of the next hop
 * towards the server, asked by ARP before the first send ({@link ArpResolver}), or to the broadcast
 * MAC when nobody answers. While a renewal or rebinding runs on an
 * interface that lacks the leased address, an {@link ArpResponder} answers the server's ARP request
 * for it, so that its unicast DHCPACK can be delivered. Releases leave the pod's interface the same
 * way, as frames on a packet socket to the server's MAC, so a release has left when DEL returns even
 * if the main plugin deletes the interface right after (macvlan); when the pod's interface is already
 * gone, they leave from the runtime's namespace (a kernel UDP socket).
 *
 * <p>After a lease is bound (acquisition whose ARP probe passed, or INIT-REBOOT), two RFC 5227
 * announcements go out: the first before the result is returned, the second 2 s later from the same
 * namespace thread, after the result was handed over, so ADD does not wait for it. After a
 * DHCPDECLINE the next attempt waits {@link DeclinePause} (10 s).
 *
 * <p>Every call runs on a fresh thread inside the namespace ({@link Namespaces#call}); the sockets
 * live only as long as the call. A caller that gives up cancels it; a lease that acquisition still
 * obtains after that is released from the namespace thread.
 */
public final class NetnsDhcp implements LeaseTransport {
    private static final Logger LOG = Logger.getLogger(NetnsDhcp.class.getName());

    /** Addresses declined in a row before ADD gives up. */
    private static final int MAX_DECLINES = 3;

    private final DhcpClient client;
    private final PodCalls calls;
    private final ArpCheck arpCheck;
    private final DaemonMetrics metrics;
    private final DeclinePause declinePause;
    private final ServerMacs serverMacs = new ServerMacs();
    private final LinkBringUp link;

    /**
     * @param metrics counts the addresses declined because another host uses them
     */
    public NetnsDhcp(DhcpClient client, Clock clock, ArpCheck arpCheck, DaemonMetrics metrics) {
        this(client, clock, arpCheck, metrics, DeclinePause.RFC_2131, homeBridgePorts());
    }

    /** With another pause after a DHCPDECLINE than the RFC's 10 s (tests). */
    NetnsDhcp(DhcpClient client, Clock clock, ArpCheck arpCheck, DaemonMetrics metrics, Duration declinePause,
              BridgePortWait.Ports ports) {
        this.client = client;
        this.calls = new PodCalls(clock, "");
        this.link = new LinkBringUp(calls, ports);
        this.arpCheck = arpCheck;
        this.metrics = metrics;
        this.declinePause = new DeclinePause(declinePause, clock);
    }

    @Override
    public Binding acquire(Attachment a, Inet4Address requested, Instant deadline) throws IOException, NoLeaseException {
        String ifname = a.key().ifname();
        LeaseKey key = a.key();
        AttachmentLog log = new AttachmentLog(LOG, key.containerId(), ifname, key.networkName());
        return calls.call(a.netns(), ifname, deadline, handle -> {
            int index = link.bringUp(a, deadline, log, "DHCPDISCOVER");
            byte[] mac = Links.mac(ifname);
            ClientIdentity id = new ClientIdentity(mac, a.clientId());
            try (PacketSocket socket = PacketSocket.open(index, handle)) {
                Inet4Address ask = requested;
                for (int declined = 0; ; declined++) {
                    Lease lease = client.acquire(socket, id, a.options(), a.exclude(), ask, deadline, log);
                    byte[] serverMac = socket.lastSenderMac();
                    String claimant;
                    try {
                        claimant = arpCheck.probe(index, mac, lease.address(), handle);
                    } catch (IOException | RuntimeException e) {
                        // the server granted the lease: never leave it there unrecorded
                        sendReleaseQuietly(socket, id, lease, serverMac, log, "the ARP probe failed: " + e.getMessage());
                        throw e;
                    }
                    if (claimant == null) {
                        serverMacs.learn(key, lease.serverId(), serverMac);
                        announce(handle, index, mac, lease.address(), ifname);
                        return new Binding(id, lease);
                    }
                    metrics.declined();
                    log.warning(lease.address().getHostAddress() + " from server "
                            + lease.serverId().getHostAddress() + " is in use by " + claimant
                            + " (ARP); sending DHCPDECLINE");
                    client.decline(socket, id, lease);
                    if (declined + 1 >= MAX_DECLINES) {
                        throw new NoLeaseException("every address offered was in use by another host (last: "
                                + lease.address().getHostAddress() + " at " + claimant + ")");
                    }
                    declinePause.await(deadline, lease.address(), handle::sleep);
                    ask = null;
                }
            }
        }, binding -> releaseOrphan(a, binding, log));
    }

    @Override
    public Lease renew(Attachment a, Binding binding, Instant deadline) throws IOException, NoLeaseException {
        return extend(a, binding, deadline, true);
    }

    @Override
    public Lease rebind(Attachment a, Binding binding, Instant deadline) throws IOException, NoLeaseException {
        return extend(a, binding, deadline, false);
    }

    /**
     * RENEWING ({@code unicast}: to the server, in a frame to the MAC it last answered from) or
     * REBINDING (broadcast), both on a packet socket; ARP for the leased address is answered during
     * the exchange when the interface does not carry it.
     */
    private Lease extend(Attachment a, Binding binding, Instant deadline, boolean unicast)
            throws IOException, NoLeaseException {
        Lease lease = binding.lease();
        LeaseKey key = a.key();
        return calls.call(a.netns(), key.ifname(), deadline, handle -> {
            int index = PodCalls.requireInterface(a);
            boolean carried = lease.address().equals(Links.address(key.ifname()));
            try (PacketSocket socket = PacketSocket.open(index, handle);
                 ArpResponder responder = carried ? null : responder(key.ifname(), index, lease.address())) {
                socket.answerArpWith(responder);
                DhcpTransport path = unicast
                        ? socket.toServer(lease.serverId(), serverMac(key, lease, index, carried, deadline, handle))
                        : socket;
                Lease renewed = client.renew(path, binding.identity(), a.options(), a.exclude(), lease, deadline,
                        logOf(key));
                serverMacs.learn(key, renewed.serverId(), socket.lastSenderMac());
                return renewed;
            }
        }, null);
    }

    @Override
    public Lease reboot(Attachment a, Binding binding, Instant deadline) throws IOException, NoLeaseException {
        LeaseKey key = a.key();
        return calls.call(a.netns(), key.ifname(), deadline, handle -> {
            int index = PodCalls.requireInterface(a);
            try (PacketSocket socket = PacketSocket.open(index, handle)) {
                Lease regained = client.reboot(socket, binding.identity(), a.options(), a.exclude(),
                        binding.lease().address(), deadline, logOf(key));
                serverMacs.learn(key, regained.serverId(), socket.lastSenderMac());
                announce(handle, index, Links.mac(key.ifname()), regained.address(), key.ifname());
                return regained;
            }
        }, null);
    }

    private static AttachmentLog logOf(LeaseKey key) {
        return new AttachmentLog(LOG, key.containerId(), key.ifname(), key.networkName());
    }

    @Override
    public String release(Attachment a, Binding binding, Path fallbackNetns) throws IOException {
        LeaseKey key = a.key();
        String ifname = key.ifname();
        Lease lease = binding.lease();
        IOException podProblem = null;
        try {
            if (a.netns() != null && Files.exists(a.netns())) {
                try {
                    boolean sent = calls.shortCall(a.netns(), ifname, handle -> {
                        int index = Links.index(ifname);
                        if (index == 0) {
                            return false;
                        }
                        sendReleaseFrame(key, binding, index, handle);
                        return true;
                    });
                    if (sent) {
                        return "the pod's namespace " + a.netns();
                    }
                } catch (IOException e) {
                    podProblem = e;
                }
            }
        } finally {
            serverMacs.forget(key);
        }
        if (fallbackNetns == null) {
            throw new IOException("the pod's interface " + ifname + " is gone"
                    + (podProblem == null ? "" : " (" + podProblem.getMessage() + ")")
                    + " and the caller's namespace is unknown");
        }
        calls.shortCall(fallbackNetns, ifname, handle -> {
            sendRelease(binding);
            return null;
        });
        return "the runtime's namespace " + fallbackNetns;
    }

    @Override
    public void setLinkUp(Attachment a, boolean up) throws IOException {
        calls.shortCall(a.netns(), a.key().ifname(), handle -> {
            PodCalls.requireInterface(a);
            Links.setUp(a.key().ifname(), up);
            return null;
        });
    }

    @Override
    public void restoreRoutes(Attachment a, List<Route> routes) throws IOException {
        calls.shortCall(a.netns(), a.key().ifname(), handle -> {
            PodCalls.requireInterface(a);
            // routes on the link first: a gateway must be reachable before a route can use it
            for (Route r : routes) {
                if (r.gateway() == null) {
                    Links.addRoute(a.key().ifname(), r);
                }
            }
            for (Route r : routes) {
                if (r.gateway() != null) {
                    Links.addRoute(a.key().ifname(), r);
                }
            }
            return null;
        });
    }

    @Override
    public Inet4Address interfaceAddress(Attachment a) throws IOException {
        return calls.shortCall(a.netns(), a.key().ifname(), handle -> {
            PodCalls.requireInterface(a);
            return Links.address(a.key().ifname());
        });
    }

    /**
     * A DHCPRELEASE from the pod's interface as a complete Ethernet frame on a packet socket, to the
     * MAC the server last answered from (or, unknown, the one ARP names now, else the broadcast MAC;
     * {@link FrameTarget}): it has left the interface when this returns, whatever the pod's
     * neighbour table holds, so a main plugin that deletes the interface right after DEL (macvlan)
     * cannot drop it in a neighbour queue. Needs no address on the interface.
     */
    private void sendReleaseFrame(LeaseKey key, Binding binding, int index, TaskHandle handle) throws IOException {
        Lease lease = binding.lease();
        boolean carried = lease.address().equals(Links.address(key.ifname()));
        byte[] mac = serverMac(key, lease, index, carried, calls.shortDeadline(), handle);
        try (PacketSocket socket = PacketSocket.open(index, handle)) {
            client.release(socket.toServer(lease.serverId(), mac), binding.identity(), lease);
        }
    }

    /** A DHCPRELEASE by a kernel UDP socket, from a namespace other than the pod's (its interface is gone). */
    private void sendRelease(Binding binding) throws IOException {
        Lease lease = binding.lease();
        try (UdpTransport udp = UdpTransport.open(null, lease.serverId())) {
            client.release(udp, binding.identity(), lease);
        }
    }

    /**
     * An acquisition finished after its caller gave up (the caller saw a failure and recorded
     * nothing): release the lease from the pod's interface, on the namespace thread.
     */
    private void releaseOrphan(Attachment a, Binding binding, AttachmentLog log) throws IOException {
        Lease lease = binding.lease();
        byte[] serverMac = serverMacs.of(a.key(), lease.serverId());
        serverMacs.forget(a.key());
        int index = PodCalls.requireInterface(a);
        try (PacketSocket socket = PacketSocket.open(index, TaskHandle.uncancellable())) {
            client.release(socket.toServer(lease.serverId(), serverMac), binding.identity(), lease);
        }
        log.warning("the lease " + lease.cidr() + " from server " + lease.serverId().getHostAddress()
                + " came after its caller stopped waiting; released it (DHCPRELEASE)");
    }

    /** Releases a lease held by an exchange that is failing; a failure to send is logged, not thrown. */
    private void sendReleaseQuietly(PacketSocket socket, ClientIdentity id, Lease lease, byte[] serverMac,
                                    AttachmentLog log, String why) {
        try {
            client.release(socket.toServer(lease.serverId(), serverMac), id, lease);
            log.warning(why + "; released " + lease.cidr() + " (DHCPRELEASE)");
        } catch (IOException | RuntimeException e) {
            log.warning(why + "; releasing " + lease.cidr() + " failed too: " + e.getMessage());
        }
    }

    /**
     * Announces {@code address} now and {@link ArpAnnounce#INTERVAL_MILLIS} later, the second after the
     * result was handed over (RFC 5227 2.3); not with {@code -arpcheck off}. A failure is logged only.
     */
    private void announce(TaskHandle handle, int index, byte[] mac, Inet4Address address, String ifname) {
        if (!arpCheck.announces()) {
            return;
        }
        announceQuietly(index, mac, address, ifname);
        for (int i = 1; i < ArpAnnounce.COUNT; i++) {
            handle.afterHandover(h -> {
                h.sleep(ArpAnnounce.INTERVAL_MILLIS);
                if (Links.index(ifname) == index) {
                    announceQuietly(index, mac, address, ifname);
                }
            });
        }
    }

    private static void announceQuietly(int index, byte[] mac, Inet4Address address, String ifname) {
        try {
            ArpAnnounce.send(index, mac, address);
        } catch (IOException e) {
            LOG.fine(() -> "ARP announcement of " + address.getHostAddress() + " on " + ifname + " failed: "
                    + e.getMessage());
        }
    }

    /**
     * The MAC a renewal to the lease's server is framed for: the one its last reply came from; else,
     * resolved now by ARP and remembered, the MAC of the next hop towards it ({@link ArpResolver});
     * else null (the broadcast MAC: a server on the link takes it, a router does not).
     *
     * @param carried whether the interface carries the leased address (the ARP request's sender)
     */
    private byte[] serverMac(LeaseKey key, Lease lease, int index, boolean carried, Instant deadline,
                             TaskHandle handle) throws IOException {
        FrameTarget target = FrameTarget.of(lease, serverMacs.of(key, lease.serverId()));
        if (target.mac() != null) {
            return target.mac();
        }
        String ifname = key.ifname();
        String server = lease.serverId().getHostAddress();
        Inet4Address hop = target.arpFor();
        if (target.broadcast()) {
            LOG.fine(() -> "server " + server + " is off " + lease.cidr() + " on " + ifname
                    + " and the lease names no router; framing the unicast for the broadcast MAC");
            return null;
        }
        byte[] ownMac = Links.mac(ifname);
        byte[] request = ArpResolver.request(ownMac, lease.address(), carried, hop);
        byte[] mac;
        try {
            mac = ArpResolver.resolve(index, ownMac, request, hop, Math.min(ArpResolver.WAIT_MILLIS, calls.millisUntil(deadline)),
                    handle);
        } catch (CancelledException e) {
            throw e;
        } catch (IOException e) {
            LOG.fine(() -> "ARP for " + hop.getHostAddress() + " on " + ifname + " failed (" + e.getMessage()
                    + "); framing the unicast for the broadcast MAC");
            return null;
        }
        if (mac == null) {
            LOG.fine(() -> hop.getHostAddress() + " (next hop to server " + server + ") did not answer ARP on " + ifname
                    + " within " + ArpResolver.WAIT_MILLIS + " ms; framing the unicast for the broadcast MAC");
            return null;
        }
        serverMacs.learn(key, lease.serverId(), mac);
        return mac;
    }

    /**
     * An ARP responder for {@code address}, which the interface does not carry (else the kernel
     * answers). Only the interface's first IPv4 address is compared ({@code SIOCGIFADDR}); with
     * the leased address as a secondary one, the answer is given twice, by the kernel and by the
     * responder, with the same MAC.
     */
    private static ArpResponder responder(String ifname, int index, Inet4Address address) throws IOException {
        LOG.fine(() -> ifname + " does not carry " + address.getHostAddress() + "; answering ARP for it during the exchange");
        return ArpResponder.open(index, Links.mac(ifname), address);
    }


    /** The bridge ports of the daemon's own namespace (called there, at start-up). */
    private static BridgePortWait.Ports homeBridgePorts() {
        return HostBridgePorts.openOrNone("a pod's first DHCPDISCOVER may be dropped by a bridge port that"
                + " does not forward yet");
    }


}
