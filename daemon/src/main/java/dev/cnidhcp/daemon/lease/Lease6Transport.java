package dev.cnidhcp.daemon.lease;

import dev.cnidhcp.daemon.dhcp.NoLeaseException;
import dev.cnidhcp.daemon.dhcp6.Binding6;
import dev.cnidhcp.daemon.dhcp6.Lease6;

import java.io.IOException;
import java.net.Inet6Address;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/** The v6 lease machine's view of the network (the v4 one is LeaseTransport). */
public interface Lease6Transport {
    /** SOLICIT/ADVERTISE/REQUEST/REPLY (or SOLICIT+Rapid Commit/REPLY), asking for requested when not null. */
    Binding6 acquire(Attachment attachment, Inet6Address requested, Instant deadline) throws IOException, NoLeaseException;

    /** RENEW to the lease's server (unicast when it sent Server Unicast, else multicast ff02::1:2). */
    Lease6 renew(Attachment attachment, Binding6 binding, Instant deadline) throws IOException, NoLeaseException;

    /** REBIND, multicast, to any server. Also used after a daemon restart to confirm a recorded lease. */
    Lease6 rebind(Attachment attachment, Binding6 binding, Instant deadline) throws IOException, NoLeaseException;

    /** RELEASE from the pod's interface when it still exists, else from fallbackNetns; returns where from. */
    String release6(Attachment attachment, Binding6 binding, Path fallbackNetns) throws IOException;

    /** The IPv6 (non-link-local) addresses the pod's interface carries. */
    List<Inet6Address> interfaceAddresses6(Attachment attachment) throws IOException;
}
