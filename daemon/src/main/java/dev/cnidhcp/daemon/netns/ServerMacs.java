package dev.cnidhcp.daemon.netns;

import dev.cnidhcp.daemon.lease.LeaseKey;

import java.net.Inet4Address;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The MAC each lease's server last answered from (the source of the frame that carried its reply:
 * the server itself, or the router towards it), so that a renewal can be framed for it without the
 * pod's ARP table. Learnt from every reply that grants or extends a lease, and from the ARP answer of
 * the next hop when a renewal starts without one ({@link ArpResolver}); forgotten on release; not
 * persisted, so after a daemon restart the first renewal asks by ARP first.
 *
 * <p>Thread-safe: namespace threads of different leases learn and read concurrently.
 */
final class ServerMacs {
    private record Entry(Inet4Address server, byte[] mac) {
    }

    private final Map<LeaseKey, Entry> macs = new ConcurrentHashMap<>();

    /** Remembers that {@code server} answered lease {@code key} from {@code mac}; a null MAC is ignored. */
    void learn(LeaseKey key, Inet4Address server, byte[] mac) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(server, "server");
        if (mac == null) {
            return;
        }
        if (mac.length != 6) {
            throw new IllegalArgumentException("mac: " + mac.length + " bytes (expected: 6)");
        }
        macs.put(key, new Entry(server, mac.clone()));
    }

    /** The MAC {@code server} last answered {@code key} from, or null when not known for that server. */
    byte[] of(LeaseKey key, Inet4Address server) {
        Entry e = macs.get(key);
        return e != null && e.server().equals(server) ? e.mac().clone() : null;
    }

    void forget(LeaseKey key) {
        macs.remove(key);
    }

    int size() {
        return macs.size();
    }
}
