package dev.cnidhcp.daemon.lease;

import dev.cnidhcp.daemon.dhcp6.Binding6;

/**
 * One DHCPv6 lease as listings, CHECK and metrics see it (a snapshot taken by {@link Lease6Machine#view()}).
 *
 * @param attachment whose lease it is
 * @param state      the machine's state
 * @param binding    the lease held, or last held while it is being regained; null before the first REPLY
 * @param lost       whether the lease's valid lifetime ended (or a server refused it, or it was declined)
 * @param declined   whether the address was declined after the kernel's duplicate address detection
 *                   failed: lost for good, not sought again (the pod must be recreated)
 * @param problem    why the lease is not usable, or "" when it is
 */
public record Lease6View(Attachment attachment, Lease6Machine.State state, Binding6 binding, boolean lost,
                         boolean declined, String problem) {

    /** Whether the lease is held and usable: granted, not lost, no problem, not still being solicited. */
    public boolean held() {
        return binding != null && !lost && problem.isEmpty() && state != Lease6Machine.State.INIT
                && state != Lease6Machine.State.SOLICITING;
    }
}
