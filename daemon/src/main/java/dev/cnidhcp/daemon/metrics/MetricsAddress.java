package dev.cnidhcp.daemon.metrics;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Where the Prometheus endpoint listens ({@code -metrics ADDR:PORT}): {@code 127.0.0.1:9563},
 * {@code [::1]:9563}, {@code localhost:9563}, or {@code :9563} for every address.
 *
 * @param host the address or name to bind, "" for every address
 * @param port 1..65535
 */
public record MetricsAddress(String host, int port) {
    public MetricsAddress {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port: " + port + " (expected: 1..65535)");
        }
    }

    /** Parses {@code ADDR:PORT}; throws naming the value when it is not one. */
    public static MetricsAddress parse(String value) {
        int colon = value.lastIndexOf(':');
        String host = colon < 0 ? "" : value.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.indexOf(':') >= 0) {
            colon = -1; // an IPv6 address without brackets: ambiguous
        }
        int port = -1;
        if (colon >= 0) {
            try {
                port = Integer.parseInt(value.substring(colon + 1));
            } catch (NumberFormatException e) {
                // reported below
            }
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("invalid value \"" + value + "\" for -metrics (expected: ADDR:PORT"
                    + " such as 127.0.0.1:9563, [::1]:9563 or :9563)");
        }
        return new MetricsAddress(host, port);
    }

    /** Whether only the node itself can connect (a loopback address or a name that resolves to one). */
    public boolean loopback() {
        if (host.isEmpty()) {
            return false;
        }
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    @Override
    public String toString() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
