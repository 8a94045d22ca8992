package dev.cnidhcp.daemon.lease;

/**
 * What a lease machine counts as it goes ({@link LeaseEvents} for IPv4, {@link Lease6Events} for
 * IPv6), apart from the protocol.
 *
 * <p>Threads: called by one machine under its lock; the counters behind take any thread.
 */
interface LeaseCounter {
    /** The first lease of an ADD was obtained. */
    void acquired();

    /** A lease lost was obtained again. */
    void regained();

    /** An attempt to obtain a lease (at ADD or after a loss) failed with {@code e}. */
    void acquisitionFailed(Exception e);

    /** A lease held was extended (RENEWING, REBINDING, or its confirmation after a restart). */
    void renewed();

    /** An attempt to extend a lease held was refused, unanswered, or failed otherwise. */
    void renewalFailed();
}
