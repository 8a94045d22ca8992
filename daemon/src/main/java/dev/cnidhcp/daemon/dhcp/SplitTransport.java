package dev.cnidhcp.daemon.dhcp;

import java.io.IOException;
import java.net.Inet4Address;

/**
 * Sends through one transport and receives through another. RENEWING uses it: the REQUEST is
 * unicast through a kernel UDP socket (routing and ARP by the kernel), while replies are read from a
 * packet socket, which sees the server's unicast ACK and also a NAK it broadcasts (RFC 2131 4.1: a
 * server broadcasts DHCPNAK when giaddr is 0), which a UDP socket bound to the leased address never gets.
 */
public final class SplitTransport implements DhcpTransport {
    private final DhcpTransport sender;
    private final DhcpTransport receiver;

    public SplitTransport(DhcpTransport sender, DhcpTransport receiver) {
        this.sender = sender;
        this.receiver = receiver;
    }

    @Override
    public void send(byte[] dhcpPayload, Inet4Address source) throws IOException {
        sender.send(dhcpPayload, source);
    }

    @Override
    public byte[] receive(long timeoutMillis) throws IOException {
        return receiver.receive(timeoutMillis);
    }

    /** Closes neither: the caller owns both transports. */
    @Override
    public void close() {
    }
}
