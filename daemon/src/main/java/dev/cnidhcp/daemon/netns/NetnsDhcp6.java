package dev.cnidhcp.daemon.netns;

import dev.cnidhcp.daemon.dhcp.ClientIdentity;
import dev.cnidhcp.daemon.dhcp.NoLeaseException;
import dev.cnidhcp.daemon.dhcp6.Binding6;
import dev.cnidhcp.daemon.dhcp6.Dhcp6Client;
import dev.cnidhcp.daemon.dhcp6.Dhcp6Options;
import dev.cnidhcp.daemon.dhcp6.Dhcp6Transport;
import dev.cnidhcp.daemon.dhcp6.Duids;
import dev.cnidhcp.daemon.dhcp6.Identity6;
import dev.cnidhcp.daemon.dhcp6.Lease6;
import dev.cnidhcp.daemon.dhcp6.NeighborDiscovery;
import dev.cnidhcp.daemon.dhcp6.Retransmission;
import dev.cnidhcp.daemon.dhcp6.RouterAdvertisement;
import dev.cnidhcp.daemon.lease.Address6State;
import dev.cnidhcp.daemon.lease.Attachment;
import dev.cnidhcp.daemon.lease.Lease6Transport;
import dev.cnidhcp.daemon.lease.LeaseKey;
import dev.cnidhcp.daemon.log.AttachmentLog;
import dev.cnidhcp.daemon.metrics.DaemonMetrics;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * DHCPv6 exchanges inside pod namespaces, each on a {@link Packet6Socket} on the pod's interface,
 * from its link-local address (the kernel's, tentative or not, else the MAC's EUI-64 one), so none
 * waits for the kernel's duplicate address detection or depends on the interface's IPv6 addresses.
 *
 * <p>Acquisition: the link is brought up, the bridge port behind a veth is awaited as for DHCPv4
 * ({@link BridgePortWait}: a bridge drops what a port that does not forward yet receives, and a lost
 * first SOLICIT costs the 1 s of its retransmission), a Router Solicitation goes out, then the exchange
 * ({@link Dhcp6Client#acquire}); the granted address is probed by duplicate address detection
 * (RFC 4862, one Neighbor Solicitation from :: and {@code dadWait} of listening; none when zero)
 * and DECLINEd when another node claims it (at most {@link #MAX_DECLINES} in a row); then the
 * Router Advertisement heard, or awaited until {@code raWait} after the solicitation, gives the
 * prefix length and the default router ({@link RouterAdvertisement#applyTo}).
 *
 * <p>After ADD the main plugin puts the address on the pod's interface and the kernel runs its own
 * duplicate address detection; {@link #addressState6} gives the kernel's verdict (the flags of
 * {@link IfInet6}, the same read as {@link #interfaceAddresses6}), which the lease machine looks at
 * {@link #DAD_VERDICT_AFTER} after ADD, and {@link #decline6} sends the DECLINE of an address the
 * kernel flagged dadfailed.
 *
 * <p>The binding also names the pod's uplink ({@link Uplink}): for a veth, the bridge of the daemon's
 * namespace that its far end is a port of, found at acquisition.
 *
 * <p>Renewals unicast to the server's Server Unicast address when it gave one (in a frame to the
 * MAC it last answered from), else multicast; rebinding multicasts. Releases leave from the pod's
 * interface when it exists. When it is gone (the bridge plugin deletes it before it calls IPAM DEL),
 * they leave from the runtime's namespace: out of the uplink, a frame as from the pod's interface
 * but from the uplink's link-local address (the server finds the lease by CLIENTID and IAID, not by
 * the source); without an uplink, by a kernel UDP socket to the Server Unicast address, the only
 * one routable from there. With neither, the release cannot be sent and the server keeps the lease
 * until its valid lifetime ends. The uplink's name is looked up in the runtime's namespace, which is
 * the daemon's (the host's) wherever the runtime and the daemon share the host's network.
 *
 * <p>Every call runs on a fresh thread inside the namespace ({@link Namespaces#call}); the sockets
 * live only as long as the call. A lease that an acquisition obtains after its caller gave up is
 * released from the namespace thread. The MAC each server answered from is kept per attachment.
 */
public final class NetnsDhcp6 implements Lease6Transport {
    private static final Logger LOG = Logger.getLogger(NetnsDhcp6.class.getName());
    /** RFC 4861 10: a router delays a solicited advertisement by up to 0.5 s (MAX_RA_DELAY_TIME). */
    public static final Duration RA_WAIT = Duration.ofSeconds(1);
    static final int MAX_DECLINES = 3;
    /** When the lease machine looks at the kernel's verdict on an address after ADD ({@link #dadVerdictAfter}). */
    static final Duration DAD_VERDICT_AFTER = Duration.ofSeconds(3);
    /**
     * How long DEL waits for the REPLY to a RELEASE sent out of the uplink; its retransmissions (RFC
     * 8415 18.2.7: up to 4 in all) go on afterwards on the namespace thread. The server answers the
     * uplink's link-local address at the MAC it has cached for it, and a Linux bridge without a MAC
     * of its own takes its lowest port's, which changes as pods come and go: the REPLY then goes to a
     * MAC the bridge no longer has, and DEL must not wait for it. A server on the link answers within
     * a few milliseconds. Measured: 50 dual-stack DELs in parallel after 50 others took 9-12 s when
     * each waited up to 3 s for a REPLY that never came, 0.4 s with this.
     */
    static final Duration RELEASE_HANDOVER = Duration.ofMillis(50);

    private final Dhcp6Client client;
    private final PodCalls calls;
    private final Duration raWait;
    private final Duration dadWait;
    private final BridgePortWait.Ports ports;
    private final LinkBringUp link;
    private final DaemonMetrics metrics;
    private final Map<LeaseKey, byte[]> serverMacs = new ConcurrentHashMap<>();

    /**
     * Call it on a thread of the daemon's own namespace: it opens what names that namespace's
     * interfaces ({@link HostBridgePorts}), to find pods' uplinks.
     *
     * @param raWait  how long after the Router Solicitation an advertisement is awaited
     * @param dadWait how long the duplicate address probe listens ({@link #dadWaitFor}); zero: no probe
     * @param metrics counts the addresses the probe finds in use (each declined)
     */
    public NetnsDhcp6(Dhcp6Client client, Clock clock, Duration raWait, Duration dadWait, DaemonMetrics metrics) {
        this(client, clock, raWait, dadWait, metrics, HostBridgePorts.openOrNone("a DHCPv6 RELEASE cannot be sent"
                + " at DEL once the main plugin deleted the pod's interface"));
    }

    /** With {@code ports} to find uplinks by (tests). */
    NetnsDhcp6(Dhcp6Client client, Clock clock, Duration raWait, Duration dadWait, DaemonMetrics metrics,
               BridgePortWait.Ports ports) {
        this.client = client;
        this.metrics = metrics;
        this.calls = new PodCalls(clock, "-v6");
        this.link = new LinkBringUp(calls, ports);
        this.raWait = raWait;
        this.dadWait = dadWait;
        this.ports = ports;
    }

    /**
     * The probe's wait for the daemon's {@code -arpcheck}: none with OFF, 100 ms with FAST (one
     * probe, as the ARP check), RFC 4862's RetransTimer of 1 s with FULL.
     */
    public static Duration dadWaitFor(ArpCheck check) {
        return switch (check) {
            case OFF -> Duration.ZERO;
            case FAST -> Duration.ofMillis(100);
            case FULL -> Duration.ofSeconds(1);
        };
    }

    @Override
    public Binding6 acquire(Attachment a, Inet6Address requested, Instant deadline) throws IOException, NoLeaseException {
        LeaseKey key = a.key();
        String ifname = key.ifname();
        AttachmentLog log = logOf(key);
        return calls.call(a.netns(), ifname, deadline, handle -> {
            int index = link.bringUp(a, deadline, log, "Router Solicitation and SOLICIT");
            byte[] mac = Links.mac(ifname);
            Identity6 id = identity(a, mac);
            try (Packet6Socket socket = Packet6Socket.open(index, mac, linkLocal(ifname, mac), handle)) {
                long raDeadline = System.nanoTime() + raWait.toNanos();
                socket.solicitRouters();
                Inet6Address ask = requested;
                for (int declined = 0; ; declined++) {
                    Lease6 lease = client.acquire(socket, id, ask, deadline, log);
                    byte[] serverMac = socket.serverMac(); // the REPLY's: later messages may come from others
                    String claimant;
                    try {
                        claimant = dadWait.isZero() ? null : socket.probe(lease.address(), dadWait.toMillis());
                    } catch (IOException | RuntimeException e) {
                        releaseQuietly(socket, id, lease, log, "the duplicate address probe failed: " + e.getMessage());
                        throw e;
                    }
                    if (claimant == null) {
                        RouterAdvertisement ra = socket.awaitRouterAdvertisement(raDeadline);
                        if (ra == null) {
                            log.fine(() -> "no Router Advertisement within " + raWait.toMillis()
                                    + " ms; the lease is a /128 without a router");
                        }
                        learn(key, serverMac);
                        return new Binding6(id, ra == null ? lease : ra.applyTo(lease), uplink(ifname, index, log));
                    }
                    log.warning(Dhcp6Options.text(lease.address()) + " from server " + Duids.text(lease.serverDuid())
                            + " is in use by " + claimant + " (duplicate address detection); sending DECLINE");
                    metrics.declined6();
                    client.decline(socket, id, lease, calls.shortDeadline());
                    if (declined + 1 >= MAX_DECLINES) {
                        throw new NoLeaseException("every IPv6 address granted was in use by another node (last: "
                                + Dhcp6Options.text(lease.address()) + " at " + claimant + ")");
                    }
                    ask = null;
                }
            }
        }, binding -> releaseOrphan(a, binding, log));
    }

    @Override
    public Lease6 renew(Attachment a, Binding6 binding, Instant deadline) throws IOException, NoLeaseException {
        return extend(a, binding, deadline, true);
    }

    @Override
    public Lease6 rebind(Attachment a, Binding6 binding, Instant deadline) throws IOException, NoLeaseException {
        return extend(a, binding, deadline, false);
    }

    private Lease6 extend(Attachment a, Binding6 binding, Instant deadline, boolean renew)
            throws IOException, NoLeaseException {
        LeaseKey key = a.key();
        return calls.call(a.netns(), key.ifname(), deadline, handle -> {
            int index = PodCalls.requireInterface(a);
            byte[] mac = Links.mac(key.ifname());
            try (Packet6Socket socket = Packet6Socket.open(index, mac, linkLocal(key.ifname(), mac), handle)) {
                socket.knowServerMac(serverMacs.get(key));
                Lease6 lease = binding.lease();
                Lease6 extended = renew ? client.renew(socket, binding.identity(), lease, true, deadline)
                        : client.rebind(socket, binding.identity(), lease, deadline);
                learn(key, socket.serverMac());
                return extended;
            }
        }, null);
    }

    private void learn(LeaseKey key, byte[] serverMac) {
        if (serverMac == null) {
            serverMacs.remove(key);
        } else {
            serverMacs.put(key, serverMac);
        }
    }

    @Override
    public String release6(Attachment a, Binding6 binding, Path fallbackNetns) throws IOException {
        LeaseKey key = a.key();
        String ifname = key.ifname();
        IOException podProblem = null;
        byte[] serverMac = serverMacs.remove(key);
        if (a.netns() != null && Files.exists(a.netns())) {
            try {
                Boolean sent = calls.shortCall(a.netns(), ifname, handle -> {
                    int index = Links.index(ifname);
                    if (index == 0) {
                        return false;
                    }
                    byte[] mac = Links.mac(ifname);
                    try (Packet6Socket socket = Packet6Socket.open(index, mac, linkLocal(ifname, mac), handle)) {
                        socket.knowServerMac(serverMac);
                        boolean confirmed = client.release(socket, binding.identity(), binding.lease(), calls.shortDeadline());
                        if (!confirmed) {
                            logOf(key).fine(() -> "no REPLY to RELEASE of " + binding.lease().cidr());
                        }
                    }
                    return true;
                });
                if (sent) {
                    return "the pod's namespace " + a.netns();
                }
            } catch (IOException e) {
                podProblem = e;
            }
        }
        String gone = "the pod's interface " + ifname + " is gone"
                + (podProblem == null ? "" : " (" + podProblem.getMessage() + ")");
        if (fallbackNetns == null) {
            throw new IOException(gone + " and the caller's namespace is unknown");
        }
        IOException uplinkProblem = null;
        if (binding.uplink() != null) {
            try {
                releaseFromUplink(key, binding, fallbackNetns, serverMac);
                return "the uplink " + binding.uplink() + " in the runtime's namespace " + fallbackNetns;
            } catch (IOException e) {
                uplinkProblem = e;
            }
        }
        Inet6Address unicast = binding.lease().serverUnicast();
        if (unicast == null) {
            throw new IOException(gone + (uplinkProblem != null ? ", " + uplinkProblem.getMessage()
                    : ", it had no uplink to send the RELEASE from") + ", and the server gave no unicast address");
        }
        calls.shortCall(fallbackNetns, ifname, handle -> {
            sendReleaseByUdp(binding, unicast);
            return null;
        });
        return "the runtime's namespace " + fallbackNetns;
    }

    /**
     * The RELEASE out of the binding's uplink in {@code netns}: to ff02::1:2 (or the Server Unicast
     * address, in a frame to the server's MAC when known, else to the servers' multicast MAC), from
     * the uplink's link-local address. Returns once the REPLY to the first transmission came or
     * {@link #RELEASE_HANDOVER} passed; in the second case the namespace thread keeps the socket and
     * sends the other three (a new transaction) until a REPLY or the short deadline, closing the socket
     * then (or at once when the caller gave up).
     */
    private void releaseFromUplink(LeaseKey key, Binding6 binding, Path netns, byte[] serverMac) throws IOException {
        String uplink = binding.uplink();
        calls.shortCall(netns, key.ifname(), handle -> {
            int index = Links.index(uplink);
            if (index == 0) {
                throw new IOException("its uplink " + uplink + " is not in the runtime's namespace " + netns);
            }
            byte[] mac = Links.mac(uplink);
            Packet6Socket socket = Packet6Socket.open(index, mac, linkLocal(uplink, mac), handle);
            boolean kept = false;
            try {
                socket.knowServerMac(serverMac);
                if (client.release(socket, binding.identity(), binding.lease(), calls.in(RELEASE_HANDOVER), 1)) {
                    return null;
                }
                handle.afterHandover(h -> {
                    try (socket) {
                        if (!client.release(socket, binding.identity(), binding.lease(), calls.shortDeadline(),
                                Retransmission.RELEASE.mrc() - 1)) {
                            logOf(key).fine(() -> "no REPLY to RELEASE of " + binding.lease().cidr() + " sent out of "
                                    + uplink);
                        }
                    }
                });
                kept = true;
                return socket; // the follow-up's to close, or the orphan handler's when the caller gave up
            } finally {
                if (!kept) {
                    socket.close();
                }
            }
        }, kept -> {
            if (kept != null) {
                kept.close();
            }
        });
    }

    /** The pod interface's uplink ({@link Uplink}), or null when it has none or it cannot be read. */
    private String uplink(String ifname, int index, AttachmentLog log) {
        try {
            String uplink = Uplink.of(ports, ifname, index);
            log.fine(() -> uplink == null ? "no uplink in the daemon's namespace (no veth on a bridge there)"
                    : "uplink " + uplink);
            return uplink;
        } catch (IOException e) {
            log.fine(() -> "cannot find the uplink: " + e.getMessage());
            return null;
        }
    }

    @Override
    public List<Inet6Address> interfaceAddresses6(Attachment a) throws IOException {
        return globalAddresses(a).stream().map(IfInet6.Entry::address).toList();
    }

    @Override
    public Address6State addressState6(Attachment a, Inet6Address address) throws IOException {
        return stateOf(globalAddresses(a), address);
    }

    /**
     * The kernel's default: one Neighbor Solicitation (DupAddrDetectTransmits 1) and RetransTimer
     * 1 s of listening after the main plugin adds the address; 3 s leave room for that plugin.
     */
    @Override
    public Duration dadVerdictAfter() {
        return DAD_VERDICT_AFTER;
    }

    @Override
    public boolean decline6(Attachment a, Binding6 binding) throws IOException {
        LeaseKey key = a.key();
        byte[] serverMac = serverMacs.remove(key); // a declined lease is neither renewed nor released
        return calls.shortCall(a.netns(), key.ifname(), handle -> {
            int index = PodCalls.requireInterface(a);
            byte[] mac = Links.mac(key.ifname());
            try (Packet6Socket socket = Packet6Socket.open(index, mac, linkLocal(key.ifname(), mac), handle)) {
                socket.knowServerMac(serverMac);
                return client.decline(socket, binding.identity(), binding.lease(), calls.shortDeadline());
            }
        });
    }

    /** The non-link-local entries of the pod's interface, with the kernel's flags: the one read of its addresses. */
    private List<IfInet6.Entry> globalAddresses(Attachment a) throws IOException {
        return calls.shortCall(a.netns(), a.key().ifname(), handle -> {
            PodCalls.requireInterface(a);
            return IfInet6.of(a.key().ifname()).stream().filter(e -> !e.linkLocal()).toList();
        });
    }

    /** Where {@code entries} (one interface's) stand with {@code address}: dadfailed before tentative, as the kernel keeps both flags. */
    static Address6State stateOf(List<IfInet6.Entry> entries, Inet6Address address) {
        for (IfInet6.Entry e : entries) {
            if (e.address().equals(address)) {
                if ((e.flags() & IfInet6.DAD_FAILED) != 0) {
                    return Address6State.DAD_FAILED;
                }
                return (e.flags() & IfInet6.TENTATIVE) != 0 ? Address6State.TENTATIVE : Address6State.CARRIED;
            }
        }
        return Address6State.ABSENT;
    }

    /**
     * The attachment's identity: DUID-LL of the MAC, or, when the client identifier is not the
     * default one (a template was set), the DUID derived from it ({@link Duids#identity}).
     */
    static Identity6 identity(Attachment a, byte[] mac) {
        LeaseKey key = a.key();
        byte[] clientId = a.clientId();
        byte[] standard = ClientIdentity.defaultClientId(key.containerId(), key.networkName(), key.ifname());
        return Duids.identity(key.containerId(), key.networkName(), key.ifname(), mac,
                Arrays.equals(clientId, standard) ? null : clientId);
    }

    /** The interface's link-local address as the kernel has it (tentative or not), else the MAC's EUI-64 one. */
    private static Inet6Address linkLocal(String ifname, byte[] mac) throws IOException {
        for (IfInet6.Entry e : IfInet6.of(ifname)) {
            if (e.linkLocal() && (e.flags() & IfInet6.DAD_FAILED) == 0) {
                return e.address();
            }
        }
        return NeighborDiscovery.linkLocal(mac);
    }

    /** A RELEASE by a kernel UDP socket from another namespace, to the server's unicast address; no REPLY awaited. */
    private void sendReleaseByUdp(Binding6 binding, Inet6Address unicast) throws IOException {
        byte[] message = dev.cnidhcp.daemon.dhcp6.Dhcp6Messages.release(
                java.util.concurrent.ThreadLocalRandom.current().nextInt(0x1000000), binding.identity(),
                binding.lease(), 0).encode();
        try (DatagramSocket udp = new DatagramSocket()) {
            udp.send(new DatagramPacket(message, message.length, new InetSocketAddress(unicast, Dhcp6Transport.SERVER_PORT)));
        }
    }

    private void releaseOrphan(Attachment a, Binding6 binding, AttachmentLog log) throws IOException {
        serverMacs.remove(a.key());
        int index = PodCalls.requireInterface(a);
        byte[] mac = Links.mac(a.key().ifname());
        try (Packet6Socket socket = Packet6Socket.open(index, mac, linkLocal(a.key().ifname(), mac),
                TaskHandle.uncancellable())) {
            client.release(socket, binding.identity(), binding.lease(), calls.shortDeadline());
        }
        log.warning("the IPv6 lease " + binding.lease().cidr() + " came after its caller stopped waiting;"
                + " released it (RELEASE)");
    }

    private void releaseQuietly(Packet6Socket socket, Identity6 id, Lease6 lease, AttachmentLog log, String why) {
        try {
            client.release(socket, id, lease, calls.shortDeadline());
            log.warning(why + "; released " + lease.cidr() + " (RELEASE)");
        } catch (IOException | RuntimeException e) {
            log.warning(why + "; releasing " + lease.cidr() + " failed too: " + e.getMessage());
        }
    }

    private static AttachmentLog logOf(LeaseKey key) {
        return new AttachmentLog(LOG, key.containerId(), key.ifname(), key.networkName());
    }
}
