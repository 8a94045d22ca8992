package dev.cnidhcp.daemon.doctor;

import dev.cnidhcp.daemon.dhcp.Route;
import dev.cnidhcp.daemon.dhcp.Suppression;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The checks of one held lease against its pod: the lease is usable ({@link Checks#LEASE_STATE}),
 * the namespace and interface exist, the interface carries the leased address, the routing table
 * has the lease's routes, and no other host answers ARP for the address. A check whose premise
 * failed (no namespace: no interface to look at) is not reported.
 */
final class PodCheck {
    private final PodProbe probe;

    PodCheck(PodProbe probe) {
        this.probe = probe;
    }

    List<Finding> check(HeldLease lease) {
        List<Finding> out = new ArrayList<>();
        String who = lease.label();
        if (lease.address() == null) {
            out.add(Finding.warn(Checks.LEASE_STATE, who, "no lease granted yet (state " + lease.state() + ")",
                    "an ADD in progress or failing: see network.failures and 'journalctl -u cni-dhcp.service | grep "
                            + lease.container() + "'"));
            return out;
        }
        if (lease.lost() || !lease.problem().isEmpty()) {
            out.add(Finding.fail(Checks.LEASE_STATE, who, "the lease of " + cidr(lease) + " is "
                            + (lease.lost() ? "lost (state " + lease.state() + "); the pod's link is down until it is regained" : "unusable")
                            + (lease.problem().isEmpty() ? "" : ": " + lease.problem()),
                    lease.problem().contains("CHANGED") ? "recreate the pod"
                            : "the DHCP server does not confirm the address: see network.failures and the server's log"));
            return out;
        }
        out.add(Finding.pass(Checks.LEASE_STATE, who, cidr(lease) + " " + lease.state()));
        PodState pod;
        try {
            pod = probe.inspect(lease);
        } catch (IOException | RuntimeException e) {
            out.add(Finding.fail(Checks.LEASE_NETNS, who, "cannot look into network namespace " + lease.netns() + ": "
                    + e.getMessage(), "run dhcp doctor as root on the node (it enters the pod's namespace)"));
            return out;
        }
        if (!pod.netnsExists()) {
            out.add(Finding.fail(Checks.LEASE_NETNS, who, "network namespace '" + lease.netns() + "' does not exist:"
                            + " the pod is gone without DEL",
                    "the daemon releases the lease at its next renewal; the runtime's CNI GC (cniVersion 1.1.0) or"
                            + " a DEL releases it now"));
            return out;
        }
        out.add(Finding.pass(Checks.LEASE_NETNS, who, lease.netns() + " exists"));
        String enter = "nsenter --net=" + lease.netns() + " ";
        if (!pod.interfaceExists()) {
            out.add(Finding.fail(Checks.LEASE_INTERFACE, who, "no interface " + lease.ifname() + " in " + lease.netns(),
                    "the main plugin's interface is gone: recreate the pod (a DEL releases the lease)"));
            return out;
        }
        out.add(Finding.pass(Checks.LEASE_INTERFACE, who, lease.ifname() + " exists in " + lease.netns()));
        if (!lease.address().equals(pod.address())) {
            out.add(Finding.fail(Checks.LEASE_ADDRESS, who, lease.ifname() + " carries "
                            + (pod.address() == null ? "no IPv4 address" : pod.address().getHostAddress())
                            + ", the lease is " + cidr(lease),
                    enter + "ip addr add " + cidr(lease) + " dev " + lease.ifname() + " (or recreate the pod)"));
        } else {
            out.add(Finding.pass(Checks.LEASE_ADDRESS, who, lease.ifname() + " carries " + cidr(lease)));
        }
        out.add(routes(lease, pod, enter));
        out.add(arp(lease, pod));
        return out;
    }

    private static Finding routes(HeldLease lease, PodState pod, String enter) {
        String who = lease.label();
        List<Route> expected = expectedRoutes(lease);
        List<Route> missing = new ArrayList<>();
        for (Route r : expected) {
            if (!pod.routes().contains(r)) {
                missing.add(r);
            }
        }
        String note = lease.routes() == null ? " (the daemon does not report the lease's routes: checked the default route only)" : "";
        if (missing.isEmpty()) {
            return Finding.pass(Checks.LEASE_ROUTES, who, expected.isEmpty() ? "the lease gives no routes" + note
                    : "has " + describe(expected) + note);
        }
        StringBuilder fix = new StringBuilder();
        for (Route r : missing) {
            fix.append(fix.length() == 0 ? "" : "; ").append(enter).append("ip route add ")
                    .append(r.prefixLength() == 0 ? "default" : r.cidr())
                    .append(r.gateway() == null ? "" : " via " + r.gateway().getHostAddress()).append(" dev ").append(lease.ifname());
        }
        return Finding.fail(Checks.LEASE_ROUTES, who, "missing " + describe(missing) + " on " + lease.ifname() + note,
                fix.toString());
    }

    /** The routes the pod should have: those the daemon reports, else the default route via the gateway. */
    static List<Route> expectedRoutes(HeldLease lease) {
        if (lease.routes() != null) {
            return lease.routes();
        }
        if (lease.gateway() == null || lease.suppress().contains(Suppression.GATEWAY_NAME)) {
            return List.of();
        }
        return List.of(Route.parse("0.0.0.0/0", lease.gateway().getHostAddress()));
    }

    private static Finding arp(HeldLease lease, PodState pod) {
        String who = lease.label();
        String address = lease.address().getHostAddress();
        if (pod.arpClaimant() != null) {
            return Finding.fail(Checks.LEASE_ARP, who, address + " is answered for by another host, " + pod.arpClaimant()
                            + " (ARP probe from the pod's namespace)",
                    "find the host with MAC " + pod.arpClaimant() + " (a static address in the DHCP pool?) and move it"
                            + " off " + address + ", or exclude the address from the pool; then recreate this pod");
        }
        if (!pod.arpError().isEmpty()) {
            return Finding.warn(Checks.LEASE_ARP, who, "could not probe " + address + ": " + pod.arpError(),
                    "run dhcp doctor as root on the node");
        }
        return Finding.pass(Checks.LEASE_ARP, who, "no other host answers ARP for " + address);
    }

    private static String cidr(HeldLease lease) {
        return lease.address().getHostAddress() + "/" + lease.prefix();
    }

    private static String describe(List<Route> routes) {
        StringBuilder out = new StringBuilder();
        for (Route r : routes) {
            out.append(out.length() == 0 ? "" : ", ").append(r.cidr())
                    .append(r.gateway() == null ? " (on link)" : " via " + r.gateway().getHostAddress());
        }
        return out.toString();
    }
}
