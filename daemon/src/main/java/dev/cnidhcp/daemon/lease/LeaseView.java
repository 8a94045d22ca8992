package dev.cnidhcp.daemon.lease;

import dev.cnidhcp.daemon.dhcp.Route;

import java.util.List;

/**
 * One lease as listings and metrics see it (a snapshot taken by {@link LeaseMachine#view()}).
 *
 * @param attachment whose lease it is
 * @param state      the machine's state
 * @param binding    the lease held, or last held while it is being regained; null before the first ACK
 * @param lost       whether the lease expired or was refused and is being regained (the pod's link is down)
 * @param problem    why the lease is not usable, or "" when it is
 */
public record LeaseView(Attachment attachment, LeaseMachine.State state, Binding binding, boolean lost,
                        String problem) {

    /** The routes the pod was given with the lease held ({@link PodLink#podRoutes}); empty before the first ACK. */
    public List<Route> podRoutes() {
        return binding == null ? List.of() : PodLink.podRoutes(attachment, binding.lease());
    }
}
