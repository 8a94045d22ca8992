package dev.cnidhcp.daemon.doctor;

import dev.cnidhcp.daemon.dhcp6.Dhcp6Options;
import dev.cnidhcp.daemon.netns.IfInet6;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The checks of one held DHCPv6 lease against its pod: the lease is usable
 * ({@link Checks#LEASE6_STATE}), and the pod's interface carries the leased address, with duplicate
 * address detection not failed ({@link Checks#LEASE6_ADDRESS}: {@link IfInet6#DAD_FAILED}; still
 * {@link IfInet6#TENTATIVE} is a warning). A missing namespace or interface is the IPv4 checks'
 * ({@code lease.netns}, {@code lease.interface}) to explain; here it fails the address check. Where
 * the kernel does no duplicate address detection for the address (the interface's and
 * {@code all}'s {@code accept_dad} are 0, as the bridge plugin leaves them without
 * {@code "enabledad": true}, or the address is {@code nodad}) the check passes saying so, not that
 * detection passed: a duplicate would go unnoticed there.
 */
final class Pod6Check {
    /** IFA_F_NODAD: the address was added without duplicate address detection. */
    static final int NODAD = 0x02;

    private final Pod6Probe probe;

    Pod6Check(Pod6Probe probe) {
        this.probe = probe;
    }

    List<Finding> check(HeldLease6 lease) {
        List<Finding> out = new ArrayList<>();
        String who = lease.label();
        if (lease.address() == null) {
            out.add(Finding.warn(Checks.LEASE6_STATE, who, "no DHCPv6 lease granted yet (state " + lease.state() + ")",
                    "an ADD in progress or failing: 'journalctl -u cni-dhcp.service | grep " + lease.container() + "'"));
            return out;
        }
        if (lease.lost() || !lease.problem().isEmpty()) {
            out.add(Finding.fail(Checks.LEASE6_STATE, who, "the DHCPv6 lease of " + lease.cidr() + " is "
                            + (lease.lost() ? "lost (state " + lease.state() + "); the pod must not use the address"
                            + " until it is regained" : "unusable")
                            + (lease.problem().isEmpty() ? "" : ": " + lease.problem()),
                    "the DHCPv6 server does not confirm the address: check that it is reachable on the pod's link"
                            + " (ff02::1:2) and its log"));
            return out;
        }
        out.add(Finding.pass(Checks.LEASE6_STATE, who, lease.cidr() + " " + lease.state()));
        out.add(address(lease, who));
        return out;
    }

    private Finding address(HeldLease6 lease, String who) {
        Pod6State pod;
        try {
            pod = probe.inspect(lease);
        } catch (IOException | RuntimeException e) {
            return Finding.fail(Checks.LEASE6_ADDRESS, who, "cannot look into network namespace " + lease.netns() + ": "
                    + e.getMessage(), "run dhcp doctor as root on the node (it enters the pod's namespace)");
        }
        if (!pod.netnsExists() || !pod.interfaceExists()) {
            return Finding.fail(Checks.LEASE6_ADDRESS, who, (pod.netnsExists() ? "no interface " + lease.ifname()
                            + " in " + lease.netns() : "network namespace '" + lease.netns() + "' does not exist")
                            + ": nothing carries " + lease.cidr(),
                    "the pod is gone without DEL: a DEL or the runtime's CNI GC releases the lease");
        }
        String address = Dhcp6Options.text(lease.address());
        IfInet6.Entry entry = pod.addresses().stream().filter(e -> e.address().equals(lease.address())).findFirst()
                .orElse(null);
        String enter = "nsenter --net=" + lease.netns() + " ";
        if (entry == null) {
            return Finding.fail(Checks.LEASE6_ADDRESS, who, lease.ifname() + " does not carry " + address
                            + " (its IPv6 addresses: " + describe(pod.addresses()) + ")",
                    enter + "ip -6 addr add " + lease.cidr() + " dev " + lease.ifname() + " (or recreate the pod)");
        }
        if ((entry.flags() & IfInet6.DAD_FAILED) != 0) {
            return Finding.fail(Checks.LEASE6_ADDRESS, who, address + " on " + lease.ifname() + " failed duplicate"
                            + " address detection: another node on the link answers for it, and the kernel does not"
                            + " use it",
                    "find the node that uses " + address + " ('" + enter + "ip -6 neigh show " + address + "' after a"
                            + " ping6 from the pod), move it off the DHCPv6 pool, then recreate this pod");
        }
        if ((entry.flags() & IfInet6.TENTATIVE) != 0) {
            return Finding.warn(Checks.LEASE6_ADDRESS, who, address + " on " + lease.ifname() + " is still tentative"
                            + " (duplicate address detection has not finished)",
                    "run dhcp doctor again in a few seconds; if it stays tentative, check that " + lease.ifname()
                            + " is up (" + enter + "ip link show " + lease.ifname() + ")");
        }
        if (!pod.dadEnabled() || (entry.flags() & NODAD) != 0) {
            return Finding.pass(Checks.LEASE6_ADDRESS, who, lease.ifname() + " carries " + lease.cidr()
                    + "; the kernel does no duplicate address detection for it ("
                    + (pod.dadEnabled() ? "the address is nodad" : "accept_dad " + pod.acceptDad() + " on " + lease.ifname()
                    + " and all, the bridge plugin's default without \"enabledad\": true") + "), so a duplicate would not show here");
        }
        return Finding.pass(Checks.LEASE6_ADDRESS, who, lease.ifname() + " carries " + lease.cidr()
                + ", duplicate address detection passed");
    }

    private static String describe(List<IfInet6.Entry> entries) {
        List<String> out = new ArrayList<>();
        for (IfInet6.Entry e : entries) {
            out.add(Dhcp6Options.text(e.address()) + "/" + e.prefixLength());
        }
        return out.isEmpty() ? "none" : String.join(", ", out);
    }
}
