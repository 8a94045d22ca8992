package dev.cnidhcp.daemon.dhcp;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * Who a lease belongs to on the wire: the interface's hardware address (chaddr) and the client
 * identifier (option 61).
 */
public final class ClientIdentity {
    private final byte[] mac;
    private final byte[] clientId;

    public ClientIdentity(byte[] mac, byte[] clientId) {
        if (mac.length != 6) {
            throw new IllegalArgumentException("mac: " + mac.length + " bytes (expected: 6)");
        }
        if (clientId.length < 2 || clientId.length > 255) {
            throw new IllegalArgumentException("clientId: " + clientId.length + " bytes (expected: 2..255)");
        }
        this.mac = mac.clone();
        this.clientId = clientId.clone();
    }

    /**
     * The reference plugin's identifier: type 0 followed by {@code containerID/networkName/ifName}, so
     * that two interfaces of one pod get two leases and a server sees the same identity as before.
     */
    public static byte[] defaultClientId(String containerId, String networkName, String ifname) {
        byte[] text = (containerId + "/" + networkName + "/" + ifname).getBytes(StandardCharsets.UTF_8);
        int n = Math.min(text.length, 254);
        byte[] id = new byte[n + 1];
        System.arraycopy(text, 0, id, 1, n);
        return id;
    }

    public byte[] mac() {
        return mac.clone();
    }

    public byte[] clientId() {
        return clientId.clone();
    }

    /** Whether a reply's chaddr (16 bytes or more) starts with this hardware address. */
    boolean matchesChaddr(byte[] chaddr) {
        return chaddr != null && chaddr.length >= 6 && Arrays.equals(chaddr, 0, 6, mac, 0, 6);
    }

    boolean matchesClientId(byte[] id) {
        return Arrays.equals(id, clientId);
    }

    public String macText() {
        return HexFormat.ofDelimiter(":").formatHex(mac);
    }
}
