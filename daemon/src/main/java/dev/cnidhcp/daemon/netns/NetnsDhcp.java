package dev.cnidhcp.daemon.netns;

import dev.cnidhcp.daemon.dhcp.ClientIdentity;
import dev.cnidhcp.daemon.dhcp.DhcpClient;
import dev.cnidhcp.daemon.dhcp.Lease;
import dev.cnidhcp.daemon.dhcp.NoLeaseException;
import dev.cnidhcp.daemon.dhcp.Route;
import dev.cnidhcp.daemon.dhcp.SplitTransport;
import dev.cnidhcp.daemon.lease.Attachment;
import dev.cnidhcp.daemon.lease.AttachmentGoneException;
import dev.cnidhcp.daemon.lease.Binding;
import dev.cnidhcp.daemon.lease.LeaseKey;
import dev.cnidhcp.daemon.lease.LeaseTransport;
import dev.cnidhcp.daemon.log.AttachmentLog;
import dev.cnidhcp.daemon.metrics.DaemonMetrics;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.Inet4Address;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeoutException;
import java.util.logging.Logger;

/**
 * DHCP exchanges carried out inside pod namespaces: a packet socket while the client has no usable
 * address or must broadcast (INIT, INIT-REBOOT, REBINDING), for RENEWING a kernel UDP socket bound to
 * the leased address to send and a packet socket to hear the answer (a NAK may come broadcast), and releases from the pod's namespace or, when the pod's interface is
 * already gone, from the runtime's. Every call runs on a fresh thread inside the namespace
 * ({@link Namespaces#call}); the sockets live only as long as the call.
 */
public final class NetnsDhcp implements LeaseTransport {
    private static final Logger LOG = Logger.getLogger(NetnsDhcp.class.getName());
    private static final Duration LINK_WAIT = Duration.ofSeconds(3);
    private static final Duration SHORT_CALL = Duration.ofSeconds(3);

    /** Addresses declined in a row before ADD gives up. */
    private static final int MAX_DECLINES = 3;

    private final DhcpClient client;
    private final Clock clock;
    private final ArpCheck arpCheck;
    private final DaemonMetrics metrics;

    /**
     * @param metrics counts the addresses declined because another host uses them
     */
    public NetnsDhcp(DhcpClient client, Clock clock, ArpCheck arpCheck, DaemonMetrics metrics) {
        this.client = client;
        this.clock = clock;
        this.arpCheck = arpCheck;
        this.metrics = metrics;
    }

    @Override
    public Binding acquire(Attachment a, Inet4Address requested, Instant deadline) throws IOException, NoLeaseException {
        String ifname = a.key().ifname();
        LeaseKey key = a.key();
        AttachmentLog log = new AttachmentLog(LOG, key.containerId(), ifname, key.networkName());
        return inNamespace(a.netns(), ifname, deadline, () -> {
            int index = requireInterface(a);
            byte[] mac = Links.mac(ifname);
            long linkDeadline = System.nanoTime() + Math.min(LINK_WAIT.toNanos(), millisUntil(deadline) * 1_000_000L);
            if (!Links.bringUp(ifname, linkDeadline)) {
                log.warning("link has no carrier after " + LINK_WAIT.toMillis() + " ms; trying anyway");
            }
            ClientIdentity id = new ClientIdentity(mac, a.clientId());
            try (PacketSocket socket = PacketSocket.open(index)) {
                Inet4Address ask = requested;
                for (int declined = 0; ; declined++) {
                    Lease lease = client.acquire(socket, id, a.options(), ask, deadline, log);
                    String claimant = arpCheck.probe(index, mac, lease.address());
                    if (claimant == null) {
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
                    ask = null;
                }
            }
        });
    }

    @Override
    public Lease renew(Attachment a, Binding binding, Instant deadline) throws IOException, NoLeaseException {
        Lease lease = binding.lease();
        return inNamespace(a.netns(), a.key().ifname(), deadline, () -> {
            try (PacketSocket replies = PacketSocket.open(requireInterface(a));
                 UdpTransport udp = UdpTransport.open(lease.address(), lease.serverId())) {
                return client.renew(new SplitTransport(udp, replies), binding.identity(), a.options(), lease, deadline);
            }
        });
    }

    @Override
    public Lease rebind(Attachment a, Binding binding, Instant deadline) throws IOException, NoLeaseException {
        return inNamespace(a.netns(), a.key().ifname(), deadline, () -> {
            try (PacketSocket socket = PacketSocket.open(requireInterface(a))) {
                return client.renew(socket, binding.identity(), a.options(), binding.lease(), deadline);
            }
        });
    }

    @Override
    public Lease reboot(Attachment a, Binding binding, Instant deadline) throws IOException, NoLeaseException {
        return inNamespace(a.netns(), a.key().ifname(), deadline, () -> {
            try (PacketSocket socket = PacketSocket.open(requireInterface(a))) {
                return client.reboot(socket, binding.identity(), a.options(), binding.lease().address(), deadline);
            }
        });
    }

    @Override
    public String release(Attachment a, Binding binding, Path fallbackNetns) throws IOException {
        String ifname = a.key().ifname();
        Lease lease = binding.lease();
        IOException podProblem = null;
        if (a.netns() != null && Files.exists(a.netns())) {
            try {
                boolean sent = shortCall(a.netns(), ifname, () -> {
                    if (Links.index(ifname) == 0 || !lease.address().equals(Links.address(ifname))) {
                        return false;
                    }
                    sendRelease(binding);
                    return true;
                });
                if (sent) {
                    return "the pod's namespace " + a.netns();
                }
            } catch (IOException e) {
                podProblem = e;
            }
        }
        if (fallbackNetns == null) {
            throw new IOException("the pod's interface no longer carries " + lease.address().getHostAddress()
                    + (podProblem == null ? "" : " (" + podProblem.getMessage() + ")")
                    + " and the caller's namespace is unknown");
        }
        shortCall(fallbackNetns, ifname, () -> {
            sendRelease(binding);
            return null;
        });
        return "the runtime's namespace " + fallbackNetns;
    }

    @Override
    public void setLinkUp(Attachment a, boolean up) throws IOException {
        shortCall(a.netns(), a.key().ifname(), () -> {
            requireInterface(a);
            Links.setUp(a.key().ifname(), up);
            return null;
        });
    }

    @Override
    public void restoreRoutes(Attachment a, List<Route> routes) throws IOException {
        shortCall(a.netns(), a.key().ifname(), () -> {
            requireInterface(a);
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
        return shortCall(a.netns(), a.key().ifname(), () -> {
            requireInterface(a);
            return Links.address(a.key().ifname());
        });
    }

    private void sendRelease(Binding binding) throws IOException {
        Lease lease = binding.lease();
        try (UdpTransport udp = UdpTransport.open(null, lease.serverId())) {
            client.release(udp, binding.identity(), lease);
        }
    }

    private static int requireInterface(Attachment a) throws IOException {
        int index = Links.index(a.key().ifname());
        if (index == 0) {
            throw new AttachmentGoneException("no interface " + a.key().ifname() + " in network namespace " + a.netns());
        }
        return index;
    }

    /** A short task in a namespace that obtains no lease (releases, link and address queries). */
    private <T> T shortCall(Path netns, String ifname, Callable<T> task) throws IOException {
        try {
            return inNamespace(netns, ifname, shortDeadline(), task);
        } catch (NoLeaseException e) {
            throw new AssertionError("a short namespace task does not acquire leases", e);
        }
    }

    private Instant shortDeadline() {
        return clock.instant().plus(SHORT_CALL);
    }

    private long millisUntil(Instant deadline) {
        return Math.max(0, deadline.toEpochMilli() - clock.millis());
    }

    /** Runs a task in a namespace, unwrapping what it threw. */
    private <T> T inNamespace(Path netns, String ifname, Instant deadline, Callable<T> task)
            throws IOException, NoLeaseException {
        if (netns == null) {
            throw new IOException("no network namespace given");
        }
        if (!Files.exists(netns)) {
            throw new AttachmentGoneException("network namespace " + netns + " no longer exists");
        }
        long waitMillis = millisUntil(deadline) + 2_000;
        try {
            return Namespaces.call(netns, ifname, waitMillis, task);
        } catch (IOException e) {
            if (e.getCause() instanceof NoLeaseException nle) {
                throw nle;
            }
            throw e;
        } catch (TimeoutException e) {
            throw new IOException("no result from namespace " + netns + " within " + waitMillis + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while working in " + netns);
        }
    }
}
