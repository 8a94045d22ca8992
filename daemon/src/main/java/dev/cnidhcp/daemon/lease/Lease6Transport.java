package dev.cnidhcp.daemon.lease;

import dev.cnidhcp.daemon.dhcp.NoLeaseException;
import dev.cnidhcp.daemon.dhcp6.Binding6;
import dev.cnidhcp.daemon.dhcp6.Lease6;

import java.io.IOException;
import java.net.Inet6Address;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** The v6 lease machine's view of the network (the v4 one is {@link LeaseTransport}). */
public interface Lease6Transport {
    /** SOLICIT/ADVERTISE/REQUEST/REPLY (or SOLICIT+Rapid Commit/REPLY), asking for requested when not null. */
    Binding6 acquire(Attachment attachment, Inet6Address requested, Instant deadline)
            throws IOException, NoLeaseException;

    /** RENEW to the lease's server (unicast when it sent Server Unicast, else multicast ff02::1:2). */
    Lease6 renew(Attachment attachment, Binding6 binding, Instant deadline) throws IOException, NoLeaseException;

    /** REBIND, multicast, to any server. Also used after a daemon restart to confirm a recorded lease. */
    Lease6 rebind(Attachment attachment, Binding6 binding, Instant deadline) throws IOException, NoLeaseException;

    /** RELEASE from the pod's interface when it still exists, else from fallbackNetns; returns where from. */
    String release6(Attachment attachment, Binding6 binding, Path fallbackNetns) throws IOException;

    /** The IPv6 (non-link-local) addresses the pod's interface carries. */
    List<Inet6Address> interfaceAddresses6(Attachment attachment) throws IOException;

    /**
     * Where the pod's interface stands with {@code address}, by the kernel's flags. This default,
     * for a transport that has no kernel flags to read: carried when {@link #interfaceAddresses6}
     * lists it, else absent.
     */
    default Address6State addressState6(Attachment attachment, Inet6Address address) throws IOException {
        return interfaceAddresses6(attachment).contains(address) ? Address6State.CARRIED : Address6State.ABSENT;
    }

    /**
     * How long after an ADD the kernel's duplicate address detection of the leased address has
     * ended, when the machine first looks at its verdict ({@link #addressState6}); null (this
     * default): the transport has no kernel that runs it, and the machine never looks.
     */
    default Duration dadVerdictAfter() {
        return null;
    }

    /**
     * DECLINE of the binding's address, from the pod's interface (RFC 8415 18.2.8: the kernel found
     * it a duplicate); true when the server confirmed it with a REPLY. Only called by a machine
     * whose transport gives {@link #dadVerdictAfter}; this default refuses.
     */
    default boolean decline6(Attachment attachment, Binding6 binding) throws IOException {
        throw new IOException("this transport cannot send a DHCPv6 DECLINE");
    }
}
