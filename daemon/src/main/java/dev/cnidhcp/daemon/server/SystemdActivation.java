package dev.cnidhcp.daemon.server;

import dev.cnidhcp.daemon.netns.ProcessEnvironment;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.logging.Logger;

/**
 * systemd socket activation, as sd_listen_fds(3): when {@code LISTEN_PID} is this process's pid and
 * {@code LISTEN_FDS} is at least 1, the listening socket was passed as fd 3 (SD_LISTEN_FDS_START)
 * and the daemon serves it instead of binding {@code -socketpath}. systemd (or
 * {@code systemd-socket-activate}) made the socket file and owns it: the daemon does not remove it.
 */
public final class SystemdActivation {
    private static final Logger LOG = Logger.getLogger(SystemdActivation.class.getName());
    /** SD_LISTEN_FDS_START: the first passed descriptor. */
    public static final int LISTEN_FDS_START = 3;
    private static final List<String> VARIABLES = List.of("LISTEN_PID", "LISTEN_FDS", "LISTEN_FDNAMES");

    private SystemdActivation() {
    }

    /**
     * How many descriptors {@code env} passes to process {@code pid}: 0 when LISTEN_PID is unset or
     * names another process (the variables were meant for a parent), or LISTEN_FDS is unset or 0.
     *
     * @throws IOException when LISTEN_PID or (for this process) LISTEN_FDS is not a number
     */
    static int passedDescriptors(Map<String, String> env, long pid) throws IOException {
        String listenPid = env.get("LISTEN_PID");
        if (listenPid == null) {
            return 0;
        }
        if (number("LISTEN_PID", listenPid) != pid) {
            return 0;
        }
        String listenFds = env.get("LISTEN_FDS");
        return listenFds == null ? 0 : (int) Math.min(Integer.MAX_VALUE, number("LISTEN_FDS", listenFds));
    }

    private static long number(String name, String value) throws IOException {
        try {
            long n = Long.parseLong(value);
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IOException(name + "=\"" + value + "\" is not a non-negative number (systemd socket activation)");
    }

    /**
     * The descriptor of the listening socket passed to this process, or empty when none was (it is
     * checked when served: {@link SocketServer#startInherited}). The activation variables are removed
     * from the process environment either way, so that no process the daemon starts takes them for
     * its own.
     *
     * @throws IOException when the variables are malformed
     */
    public static OptionalInt passedSocket() throws IOException {
        Map<String, String> env = System.getenv();
        int passed;
        try {
            passed = passedDescriptors(env, ProcessHandle.current().pid());
        } finally {
            if (VARIABLES.stream().anyMatch(env::containsKey)) {
                VARIABLES.forEach(ProcessEnvironment::unset);
            }
        }
        if (passed == 0) {
            return OptionalInt.empty();
        }
        if (passed > 1) {
            LOG.warning("systemd passed " + passed + " descriptors; serving fd " + LISTEN_FDS_START
                    + " and ignoring the others (the socket unit should have one ListenStream=)");
        }
        return OptionalInt.of(LISTEN_FDS_START);
    }
}
