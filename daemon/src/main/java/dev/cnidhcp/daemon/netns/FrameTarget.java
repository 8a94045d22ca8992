package dev.cnidhcp.daemon.netns;

import dev.cnidhcp.daemon.dhcp.Lease;

import java.net.Inet4Address;
import java.util.Objects;

/**
 * The MAC a unicast to a lease's server (a renewal or a DHCPRELEASE) is framed for on the pod's
 * interface, chosen without the pod's neighbour table: the MAC the server's last reply came from
 * when it is known; else the next hop towards the server ({@link ArpResolver#nextHop}), to be asked
 * by ARP before the frame is sent; else (no next hop: the server is off the link and the lease names
 * no router) the broadcast MAC. A frame so addressed leaves the interface when the packet socket's
 * send returns, so nothing waits in a neighbour queue that dies with the interface.
 *
 * <p>A value: exactly one of {@link #mac} and {@link #arpFor} is set, or neither (broadcast).
 *
 * @param mac    the destination MAC, known already; null when it must be asked for or broadcast
 * @param arpFor the address to ask by ARP first; null when the MAC is known or there is nobody to ask
 */
record FrameTarget(byte[] mac, Inet4Address arpFor) {

    FrameTarget {
        if (mac != null && mac.length != 6) {
            throw new IllegalArgumentException("mac: " + mac.length + " bytes (expected: 6)");
        }
        if (mac != null && arpFor != null) {
            throw new IllegalArgumentException("mac and arpFor " + arpFor.getHostAddress() + " (expected: one of them)");
        }
        mac = mac == null ? null : mac.clone();
    }

    /** The target for a unicast to {@code lease}'s server, given the MAC its last reply came from (or null). */
    static FrameTarget of(Lease lease, byte[] knownMac) {
        Objects.requireNonNull(lease, "lease");
        if (knownMac != null) {
            return new FrameTarget(knownMac, null);
        }
        return new FrameTarget(null, ArpResolver.nextHop(lease));
    }

    /** Whether the frame goes to the broadcast MAC because there is nobody to ask for a MAC. */
    boolean broadcast() {
        return mac == null && arpFor == null;
    }

    @Override
    public byte[] mac() {
        return mac == null ? null : mac.clone();
    }
}
