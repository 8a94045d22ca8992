package dev.cnidhcp.daemon.dhcp6;

import java.util.Objects;

/**
 * A lease, the identity it was obtained with, and the pod's uplink.
 *
 * @param uplink the interface of the daemon's namespace through which the pod's interface reaches
 *               the link (for a veth, the bridge its peer is a port of), or null when not known
 *               (another kind of interface, or a record written before uplinks were kept). A RELEASE
 *               goes out of it when the pod's interface is already gone at DEL.
 */
public record Binding6(Identity6 identity, Lease6 lease, String uplink) {
    /** Linux's IFNAMSIZ less the terminating NUL. */
    private static final int MAX_IFNAME = 15;

    public Binding6 {
        Objects.requireNonNull(identity, "identity");
        Objects.requireNonNull(lease, "lease");
        if (uplink != null && !validInterfaceName(uplink)) {
            throw new IllegalArgumentException("uplink: '" + uplink + "' (expected: an interface name of 1.."
                    + MAX_IFNAME + " characters, no '/', ':' or white space)");
        }
    }

    /** A binding whose uplink is not known. */
    public Binding6(Identity6 identity, Lease6 lease) {
        this(identity, lease, null);
    }

    /** The same identity and uplink with {@code newLease} (after a RENEW, a REBIND, or on another clock). */
    public Binding6 withLease(Lease6 newLease) {
        return new Binding6(identity, newLease, uplink);
    }

    /** Whether {@code name} is a name the kernel accepts for an interface (dev_valid_name). */
    public static boolean validInterfaceName(String name) {
        if (name.isEmpty() || name.length() > MAX_IFNAME || name.equals(".") || name.equals("..")) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c <= ' ' || c > '~' || c == '/' || c == ':') {
                return false;
            }
        }
        return true;
    }
}
