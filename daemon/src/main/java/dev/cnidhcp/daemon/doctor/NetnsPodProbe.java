package dev.cnidhcp.daemon.doctor;

import dev.cnidhcp.daemon.netns.ArpProbe;
import dev.cnidhcp.daemon.netns.CancelledException;
import dev.cnidhcp.daemon.netns.Links;
import dev.cnidhcp.daemon.netns.Namespaces;
import dev.cnidhcp.daemon.netns.TaskHandle;

import java.io.IOException;
import java.net.Inet4Address;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeoutException;

/**
 * Looks into the pod's namespace as the daemon does ({@link Namespaces#call}: a fresh thread that
 * enters it and ends): the interface, its address, the routes through it
 * ({@code /proc/thread-self/net/route}, the calling thread's namespace), and an ARP probe for the
 * leased address (RFC 5227, sender 0.0.0.0: {@link ArpProbe}, which ignores the pod's own
 * interfaces). Needs root (CAP_SYS_ADMIN for setns, CAP_NET_RAW for the probe).
 */
final class NetnsPodProbe implements PodProbe {
    /** ARP probes sent, their spacing, and how long to listen after the last one. */
    static final int PROBES = 2;
    static final long PROBE_INTERVAL_MILLIS = 200;
    static final long PROBE_WAIT_MILLIS = 600;
    private static final long TIMEOUT_MILLIS = 5_000;

    @Override
    public PodState inspect(HeldLease lease) throws IOException {
        if (lease.netns().isEmpty() || !Files.exists(Path.of(lease.netns()))) {
            return PodState.noNamespace();
        }
        try {
            return Namespaces.call(Path.of(lease.netns()), "doctor-" + lease.ifname(), TIMEOUT_MILLIS,
                    handle -> inside(lease, handle), null);
        } catch (TimeoutException e) {
            throw new IOException("no answer from namespace " + lease.netns() + " within " + TIMEOUT_MILLIS + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
    }

    private static PodState inside(HeldLease lease, TaskHandle handle) throws IOException {
        String ifname = lease.ifname();
        int index = Links.index(ifname);
        if (index == 0) {
            return PodState.noInterface();
        }
        Inet4Address address = Links.address(ifname);
        String table = Files.readString(Path.of("/proc/thread-self/net/route"), StandardCharsets.US_ASCII);
        String claimant = null;
        String arpError = "";
        if (lease.address() != null) {
            try {
                claimant = ArpProbe.probe(index, Links.mac(ifname), lease.address(), PROBES, PROBE_INTERVAL_MILLIS,
                        PROBE_WAIT_MILLIS, handle);
            } catch (CancelledException e) {
                throw e;
            } catch (IOException | RuntimeException e) {
                arpError = e.getMessage() == null ? e.toString() : e.getMessage();
            }
        }
        return new PodState(true, true, address, ProcRoutes.parse(table, ifname), claimant, arpError);
    }
}
