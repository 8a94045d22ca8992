package dev.cnidhcp.daemon.lease;

import dev.cnidhcp.daemon.dhcp.Lease;

/**
 * What a change of a lease means outside the DHCP protocol: for the pod's link and routes
 * ({@link PodLink}) and for the lease's record ({@link LeaseRecorder}). The {@link LeaseMachine}
 * tells its listeners, in order, on the thread of the transition and under the machine's lock; a
 * listener must not call back into the machine.
 */
public interface LeaseListener {

    /**
     * The first lease of an ADD was granted; the ADD is answered only when every listener returns.
     *
     * @throws java.io.IOException to refuse it (the machine releases the lease and fails the ADD)
     */
    default void acquired(Attachment attachment, Binding binding) throws java.io.IOException {
    }

    /**
     * The lease is bound again after a renewal, a rebinding or a regain ({@code how} says which, for
     * the log); {@code regained} after a loss, {@code problem} non-empty when the server gave an
     * address other than the pod's.
     */
    default void bound(Binding binding, String how, boolean regained, String problem) {
    }

    /** Before each attempt to get a lost lease back. */
    default void regaining(Lease lost) {
    }

    /** The lease expired or was refused: the pod must stop using the address. */
    default void lost(Lease lease, String why) {
    }

    /** A regain attempt failed; another follows later. */
    default void regainFailed() {
    }

    /** The machine ended (DEL, a failed ADD, or the pod vanished): nothing of it is kept. */
    default void ended(LeaseKey key) {
    }
}
