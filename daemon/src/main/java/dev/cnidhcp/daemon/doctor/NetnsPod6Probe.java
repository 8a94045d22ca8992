package dev.cnidhcp.daemon.doctor;

import dev.cnidhcp.daemon.netns.IfInet6;
import dev.cnidhcp.daemon.netns.Links;
import dev.cnidhcp.daemon.netns.Namespaces;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeoutException;

/**
 * Looks into the pod's namespace as the daemon does ({@link Namespaces#call}: a fresh thread that
 * enters it and ends) for the interface, its IPv6 addresses with their flags ({@link IfInet6}, the
 * calling thread's namespace) and whether the kernel does duplicate address detection on it
 * ({@code /proc/sys/net/ipv6/conf/IF/accept_dad}, which also shows the reading thread's namespace).
 * Sends nothing. Needs root (CAP_SYS_ADMIN for setns).
 */
final class NetnsPod6Probe implements Pod6Probe {
    private static final long TIMEOUT_MILLIS = 5_000;

    @Override
    public Pod6State inspect(HeldLease6 lease) throws IOException {
        if (lease.netns().isEmpty() || !Files.exists(Path.of(lease.netns()))) {
            return Pod6State.noNamespace();
        }
        try {
            return Namespaces.call(Path.of(lease.netns()), "doctor6-" + lease.ifname(), TIMEOUT_MILLIS, handle -> {
                if (Links.index(lease.ifname()) == 0) {
                    return Pod6State.noInterface();
                }
                return new Pod6State(true, true, IfInet6.of(lease.ifname()), acceptDad(lease.ifname()));
            }, null);
        } catch (TimeoutException e) {
            throw new IOException("no answer from namespace " + lease.netns() + " within " + TIMEOUT_MILLIS + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
    }

    /**
     * Whether the kernel of the calling thread's namespace does duplicate address detection on
     * {@code ifname}: the larger of its {@code accept_dad} and {@code all}'s (the kernel runs it when
     * either is at least 1). The kernel's default when a file cannot be read (an interface name that
     * is no file name is never looked up).
     */
    static int acceptDad(String ifname) {
        if (ifname.isEmpty() || ifname.contains("/") || ifname.equals(".") || ifname.equals("..")) {
            return Pod6State.KERNEL_DEFAULT_ACCEPT_DAD;
        }
        return Math.max(readAcceptDad(ifname), readAcceptDad("all"));
    }

    private static int readAcceptDad(String conf) {
        try {
            return Math.max(0, Integer.parseInt(Files.readString(
                    Path.of("/proc/sys/net/ipv6/conf", conf, "accept_dad")).trim()));
        } catch (IOException | NumberFormatException e) {
            return Pod6State.KERNEL_DEFAULT_ACCEPT_DAD;
        }
    }
}
