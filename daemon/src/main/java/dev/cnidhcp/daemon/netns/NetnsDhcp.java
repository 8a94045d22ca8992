package dev.cnidhcp.daemon.netns;

import dev.cnidhcp.daemon.dhcp.ClientIdentity;
import dev.cnidhcp.daemon.dhcp.DhcpClient;
import dev.cnidhcp.daemon.dhcp.Lease;
import dev.cnidhcp.daemon.dhcp.NoLeaseException;
import dev.cnidhcp.daemon.lease.Attachment;
import dev.cnidhcp.daemon.lease.Binding;
import dev.cnidhcp.daemon.lease.LeaseTransport;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeoutException;
import java.util.logging.Logger;

/**
 * DHCP exchanges carried out inside pod namespaces: a packet socket while the interface has no
 * address, a kernel UDP socket for renewals, and releases from the pod's namespace or, when the pod's
 * interface is already gone, from the runtime's.
 */
public final class NetnsDhcp implements LeaseTransport {
    private static final Logger LOG = Logger.getLogger(NetnsDhcp.class.getName());
    private static final long LINK_WAIT_NANOS = 3_000_000_000L;
    private static final long RELEASE_TIMEOUT_MILLIS = 3_000;

    private final DhcpClient client;

    public NetnsDhcp(DhcpClient client) {
        this.client = client;
    }

    @Override
    public Binding acquire(Attachment a, long deadlineNanos) throws IOException, NoLeaseException {
        String ifname = a.key().ifname();
        String label = a.key().toString();
        return inNamespace(a.netns(), a.key().ifname(), deadlineNanos, () -> {
            int index = Links.index(ifname);
            if (index == 0) {
                throw new IOException("no interface " + ifname + " in network namespace " + a.netns());
            }
            byte[] mac = Links.mac(ifname);
            long linkDeadline = Math.min(deadlineNanos, System.nanoTime() + LINK_WAIT_NANOS);
            if (!Links.bringUp(ifname, linkDeadline)) {
                LOG.warning(label + ": link has no carrier after " + LINK_WAIT_NANOS / 1_000_000 + " ms; trying anyway");
            }
            ClientIdentity id = new ClientIdentity(mac, a.clientId());
            try (PacketSocket socket = PacketSocket.open(index)) {
                return new Binding(id, client.acquire(socket, id, deadlineNanos, label));
            }
        });
    }

    @Override
    public Lease renew(Attachment a, Binding binding, long deadlineNanos) throws IOException, NoLeaseException {
        Lease lease = binding.lease();
        return inNamespace(a.netns(), a.key().ifname(), deadlineNanos, () -> {
            try (UdpTransport udp = UdpTransport.open(lease.address(), lease.serverId())) {
                return client.renew(udp, binding.identity(), lease, deadlineNanos);
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
                boolean sent = inNamespace(a.netns(), ifname, deadline(RELEASE_TIMEOUT_MILLIS), () -> {
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
            } catch (NoLeaseException e) {
                throw new AssertionError(e);
            }
        }
        if (fallbackNetns == null) {
            throw new IOException("the pod's interface no longer carries " + lease.address().getHostAddress()
                    + (podProblem == null ? "" : " (" + podProblem.getMessage() + ")")
                    + " and the caller's namespace is unknown");
        }
        try {
            inNamespace(fallbackNetns, ifname, deadline(RELEASE_TIMEOUT_MILLIS), () -> {
                sendRelease(binding);
                return null;
            });
        } catch (NoLeaseException e) {
            throw new AssertionError(e);
        }
        return "the runtime's namespace " + fallbackNetns;
    }

    private void sendRelease(Binding binding) throws IOException {
        Lease lease = binding.lease();
        try (UdpTransport udp = UdpTransport.open(null, lease.serverId())) {
            client.release(udp, binding.identity(), lease);
        }
    }

    private static long deadline(long millis) {
        return System.nanoTime() + millis * 1_000_000L;
    }

    /** Runs a task in a namespace, unwrapping what it threw. */
    private static <T> T inNamespace(Path netns, String ifname, long deadlineNanos, Callable<T> task)
            throws IOException, NoLeaseException {
        if (netns == null) {
            throw new IOException("no network namespace given");
        }
        long waitMillis = Math.max(0, (deadlineNanos - System.nanoTime()) / 1_000_000L) + 2_000;
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
