package dev.cnidhcp.daemon.lease;

import dev.cnidhcp.daemon.dhcp.Lease;
import dev.cnidhcp.daemon.dhcp.NoLeaseException;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The lease manager's view of the network: DHCP exchanges carried out in the right namespace. The
 * real one enters network namespaces; tests pass a scripted one.
 */
public interface LeaseTransport {

    /** Obtains a new lease on the attachment's interface, inside its namespace. */
    Binding acquire(Attachment attachment, long deadlineNanos) throws IOException, NoLeaseException;

    /** Renews by unicast to the lease's server, from inside the attachment's namespace. */
    Lease renew(Attachment attachment, Binding binding, long deadlineNanos) throws IOException, NoLeaseException;

    /**
     * Sends a DHCPRELEASE from the pod's namespace when the interface still carries the address,
     * else from {@code fallbackNetns} (the namespace of the runtime that called DEL), when given.
     *
     * @return where the release left from, for the log
     * @throws IOException when it could be sent from neither
     */
    String release(Attachment attachment, Binding binding, Path fallbackNetns) throws IOException;
}
