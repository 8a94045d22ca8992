package dev.cnidhcp.daemon.lease;

import dev.cnidhcp.daemon.dhcp.NoLeaseException;
import dev.cnidhcp.daemon.dhcp6.Binding6;
import dev.cnidhcp.daemon.dhcp6.Lease6;

import java.io.IOException;
import java.net.Inet6Address;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * A {@link Lease6Transport} for a daemon without a DHCPv6 client: every exchange fails with a
 * {@link NoLeaseException} saying so, so an ADD with {@code ipam.dhcpv6} fails (code 100) and holds
 * no IPv4 lease either. A release has nothing to send (no v6 lease was ever obtained through it).
 */
public final class NoDhcp6 implements Lease6Transport {
    /** What every refused exchange says. */
    public static final String MESSAGE = "DHCPv6 is not available in this build";

    @Override
    public Binding6 acquire(Attachment attachment, Inet6Address requested, Instant deadline) throws NoLeaseException {
        throw new NoLeaseException(MESSAGE);
    }

    @Override
    public Lease6 renew(Attachment attachment, Binding6 binding, Instant deadline) throws NoLeaseException {
        throw new NoLeaseException(MESSAGE);
    }

    @Override
    public Lease6 rebind(Attachment attachment, Binding6 binding, Instant deadline) throws NoLeaseException {
        throw new NoLeaseException(MESSAGE);
    }

    @Override
    public String release6(Attachment attachment, Binding6 binding, Path fallbackNetns) throws IOException {
        throw new IOException(MESSAGE);
    }

    @Override
    public List<Inet6Address> interfaceAddresses6(Attachment attachment) throws IOException {
        throw new IOException(MESSAGE);
    }
}
