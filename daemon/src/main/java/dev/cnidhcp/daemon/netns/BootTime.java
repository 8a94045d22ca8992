package dev.cnidhcp.daemon.netns;

import dev.cnidhcp.daemon.time.Ticker;
import jnr.ffi.LibraryLoader;
import jnr.ffi.annotations.Out;

import java.util.logging.Logger;

/**
 * {@code CLOCK_BOOTTIME} as a {@link Ticker}: monotonic like {@code CLOCK_MONOTONIC}, and it also
 * counts the time the machine was suspended, so a lease whose time ran out during a suspend is seen
 * as run out when the machine resumes (systemd-networkd and dhcpcd keep lease time the same way).
 */
public final class BootTime implements Ticker {
    private static final Logger LOG = Logger.getLogger(BootTime.class.getName());
    private static final int CLOCK_BOOTTIME = 7;

    /** The one libc call this needs. */
    public interface Rt {
        int clock_gettime(int clockId, @Out long[] timespec);
    }

    private final Rt rt;

    private BootTime(Rt rt) {
        this.rt = rt;
    }

    /** Boot time, or {@link Ticker#SYSTEM} (logged) where it cannot be read. */
    public static Ticker orMonotonic() {
        try {
            BootTime boot = new BootTime(LibraryLoader.create(Rt.class).load("c"));
            boot.nanos();
            return boot;
        } catch (RuntimeException | LinkageError e) {
            LOG.warning("CLOCK_BOOTTIME cannot be read (" + e + "); lease timers use CLOCK_MONOTONIC, which stops"
                    + " while the machine is suspended");
            return Ticker.SYSTEM;
        }
    }

    @Override
    public long nanos() {
        long[] timespec = new long[2];
        if (rt.clock_gettime(CLOCK_BOOTTIME, timespec) != 0) {
            throw new IllegalStateException("clock_gettime(CLOCK_BOOTTIME) failed");
        }
        return timespec[0] * 1_000_000_000L + timespec[1];
    }
}
