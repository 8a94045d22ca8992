package dev.cnidhcp.daemon.netns;

import java.io.IOException;

/**
 * The interface of the daemon's namespace through which a pod's interface reaches its link: for a
 * veth whose far end is a bridge port there, that bridge. A RELEASE sent out of it reaches the same
 * servers as one from the pod's interface, so it stands in for that interface once the main plugin
 * has deleted it (the bridge plugin does so before it calls IPAM DEL).
 *
 * <p>Other interfaces (macvlan, ipvlan: their DEL asks IPAM first; a veth routed by the node, or
 * whose far end is in another namespace) have no uplink here. Stateless; call it on a thread in the
 * pod's namespace, as {@link BridgePortWait.Ports#vethPeerIndex} needs.
 */
final class Uplink {
    private Uplink() {
    }

    /** The uplink of the pod's {@code ifname} (index {@code podIndex} there), or null when it has none. */
    static String of(BridgePortWait.Ports ports, String ifname, int podIndex) throws IOException {
        String peer = BridgePortWait.homePeer(ports, ifname, podIndex);
        return peer == null ? null : ports.masterOf(peer);
    }
}
