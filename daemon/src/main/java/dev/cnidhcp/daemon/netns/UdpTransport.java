package dev.cnidhcp.daemon.netns;

import dev.cnidhcp.daemon.dhcp.DhcpTransport;
import dev.cnidhcp.daemon.dhcp.Ipv4Udp;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.Arrays;

/**
 * A kernel UDP socket that unicasts to one DHCP server: used for DHCPRELEASE (renewals go through
 * {@link PacketSocket#toServer}, which needs no address on the interface). Open it on a thread inside the namespace the datagrams must leave
 * from ({@link Namespaces#call}); the socket stays in that namespace.
 */
public final class UdpTransport implements DhcpTransport {
    private final DatagramSocket socket;
    private final InetSocketAddress server;
    private final byte[] buffer = new byte[1500];

    private UdpTransport(DatagramSocket socket, InetSocketAddress server) {
        this.socket = socket;
        this.server = server;
    }

    /**
     * Binds to {@code local}:68 when given (so that the server's unicast answer to ciaddr reaches
     * us), else to an ephemeral port (enough for a release, which gets no answer).
     */
    public static UdpTransport open(Inet4Address local, Inet4Address server) throws IOException {
        DatagramSocket socket = new DatagramSocket(null);
        try {
            socket.setReuseAddress(true);
            socket.bind(local == null ? new InetSocketAddress(0) : new InetSocketAddress(local, Ipv4Udp.CLIENT_PORT));
            return new UdpTransport(socket, new InetSocketAddress(server, Ipv4Udp.SERVER_PORT));
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    @Override
    public void send(byte[] dhcpPayload, Inet4Address source) throws IOException {
        socket.send(new DatagramPacket(dhcpPayload, dhcpPayload.length, server));
    }

    @Override
    public byte[] receive(long timeoutMillis) throws IOException {
        if (timeoutMillis <= 0) {
            return null;
        }
        socket.setSoTimeout((int) Math.min(timeoutMillis, Integer.MAX_VALUE));
        DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
        try {
            socket.receive(packet);
        } catch (SocketTimeoutException e) {
            return null;
        }
        return Arrays.copyOf(packet.getData(), packet.getLength());
    }

    @Override
    public void close() {
        socket.close();
    }
}
