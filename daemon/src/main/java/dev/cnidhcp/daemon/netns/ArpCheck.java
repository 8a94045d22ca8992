package dev.cnidhcp.daemon.netns;

import java.io.IOException;
import java.net.Inet4Address;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How an offered address is checked for another user before the pod gets it (RFC 5227, the
 * {@code -arpcheck} flag). FAST, the default, sends one probe and listens briefly, which keeps ADD
 * fast and catches a host that is up and answering; FULL follows the RFC's timing (0-1 s wait, three
 * probes 1-2 s apart, 2 s more), about 5 s per ADD. FAST and FULL also announce a bound address
 * ({@link ArpAnnounce}); OFF sends no ARP at all.
 */
public enum ArpCheck {
    OFF(0, 0, 0, 0),
    FAST(0, 1, 0, 25),
    FULL(1000, 3, 1500, 2000);

    private final long maxInitialWaitMillis;
    private final int probes;
    private final long intervalMillis;
    private final long finalWaitMillis;

    ArpCheck(long maxInitialWaitMillis, int probes, long intervalMillis, long finalWaitMillis) {
        this.maxInitialWaitMillis = maxInitialWaitMillis;
        this.probes = probes;
        this.intervalMillis = intervalMillis;
        this.finalWaitMillis = finalWaitMillis;
    }

    /** Parses off, fast or full; throws {@link IllegalArgumentException} naming the value. */
    public static ArpCheck parse(String text) {
        try {
            return valueOf(text.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid value \"" + text + "\" for -arpcheck (expected: off, fast, full)");
        }
    }

    /**
     * Probes for {@code address} on the interface, in the calling thread's namespace.
     *
     * @return the MAC of a host that claims the address, or null (always null when OFF)
     * @throws CancelledException when the handle is cancelled meanwhile
     */
    String probe(int ifindex, byte[] ownMac, Inet4Address address, TaskHandle handle) throws IOException {
        if (probes == 0) {
            return null;
        }
        if (maxInitialWaitMillis > 0) {
            handle.sleep(ThreadLocalRandom.current().nextLong(maxInitialWaitMillis + 1));
        }
        return ArpProbe.probe(ifindex, ownMac, address, probes, intervalMillis, finalWaitMillis, handle);
    }

    /**
     * Whether bound addresses are announced (RFC 5227 2.3): with every mode but OFF, which sends no
     * ARP at all.
     */
    boolean announces() {
        return this != OFF;
    }
}
