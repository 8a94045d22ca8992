package dev.cnidhcp.daemon.lease;

import dev.cnidhcp.daemon.dhcp.Lease;
import dev.cnidhcp.daemon.dhcp.NoLeaseException;
import dev.cnidhcp.daemon.dhcp.Route;

import java.io.IOException;
import java.net.Inet4Address;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * The lease state machine's view of the network: each DHCP exchange carried out on the pod's
 * interface, inside its namespace. The real one ({@code NetnsDhcp}) enters namespaces; tests pass
 * one backed by an in-process scripted server.
 */
public interface LeaseTransport {

    /** INIT: a new lease (DISCOVER...ACK), asking for {@code requested} again when not null. */
    Binding acquire(Attachment attachment, Inet4Address requested, Instant deadline)
            throws IOException, NoLeaseException;

    /** RENEWING: REQUEST unicast to the lease's server from the leased address. */
    Lease renew(Attachment attachment, Binding binding, Instant deadline) throws IOException, NoLeaseException;

    /** REBINDING: REQUEST with ciaddr, broadcast to any server. */
    Lease rebind(Attachment attachment, Binding binding, Instant deadline) throws IOException, NoLeaseException;

    /** INIT-REBOOT: REQUEST for the address held before, broadcast, no server identifier. */
    Lease reboot(Attachment attachment, Binding binding, Instant deadline) throws IOException, NoLeaseException;

    /**
     * Sends a DHCPRELEASE from the pod's namespace when the interface still carries the address,
     * else from {@code fallbackNetns} (the namespace of the runtime that called DEL), when given.
     *
     * @return where the release left from, for the log
     * @throws IOException when it could be sent from neither
     */
    String release(Attachment attachment, Binding binding, Path fallbackNetns) throws IOException;

    /** Sets the pod's interface up or down. */
    void setLinkUp(Attachment attachment, boolean up) throws IOException;

    /**
     * Adds routes through the pod's interface again (the kernel drops them when the link goes down);
     * a route that exists already is fine.
     */
    void restoreRoutes(Attachment attachment, List<Route> routes) throws IOException;

    /** The IPv4 address the pod's interface carries, or null when it has none. */
    Inet4Address interfaceAddress(Attachment attachment) throws IOException;
}
