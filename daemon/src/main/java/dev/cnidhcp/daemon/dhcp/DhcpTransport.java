package dev.cnidhcp.daemon.dhcp;

import java.io.Closeable;
import java.io.IOException;
import java.net.Inet4Address;

/**
 * Moves DHCP messages (the BOOTP payload, without IP and UDP headers) between a client and servers.
 * Implementations: a packet socket on the pod's interface (broadcast, or unicast to a server's MAC
 * for renewals), a kernel UDP socket for releases, and scripted peers in tests.
 */
public interface DhcpTransport extends Closeable {

    /**
     * Sends one message. {@code source} is the client's address for the IP header where the
     * transport builds one (0.0.0.0 while the client has none).
     */
    void send(byte[] dhcpPayload, Inet4Address source) throws IOException;

    /** The next message for the client, or null when none arrived within the timeout. */
    byte[] receive(long timeoutMillis) throws IOException;

    @Override
    void close() throws IOException;
}
