package dev.cnidhcp.daemon.lease;

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
}
