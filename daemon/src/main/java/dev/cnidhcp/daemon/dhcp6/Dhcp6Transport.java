package dev.cnidhcp.daemon.dhcp6;

import java.io.Closeable;
import java.io.IOException;
import java.net.Inet6Address;

/**
 * Moves DHCPv6 messages (the UDP payload) between the client on one interface and servers:
 * from the client's link-local address, port 546, to {@link #ALL_SERVERS} or a server's unicast
 * address, port 547. Implementations: a packet socket on the pod's interface, scripted peers in tests.
 */
public interface Dhcp6Transport extends Closeable {
    /** All_DHCP_Relay_Agents_and_Servers (RFC 8415 section 7.1). */
    Inet6Address ALL_SERVERS = Dhcp6Options.parse("ff02::1:2");
    int CLIENT_PORT = 546;
    int SERVER_PORT = 547;

    void send(byte[] message, Inet6Address destination) throws IOException;

    /** The next message to the client's port, or null when none arrived within the timeout. */
    byte[] receive(long timeoutMillis) throws IOException;

    @Override
    void close() throws IOException;
}
