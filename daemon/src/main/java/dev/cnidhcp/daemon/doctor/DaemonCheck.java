package dev.cnidhcp.daemon.doctor;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;

/**
 * The daemon's own checks: it answers STATUS and is healthy ({@link Checks#DAEMON_STATUS}), its
 * socket's type, mode and owner ({@link Checks#DAEMON_SOCKET}), and whether its state directory
 * takes a lease record ({@link Checks#DAEMON_STATEDIR}, as STATUS reports it).
 */
final class DaemonCheck {
    /** S_IFMT and S_IFSOCK of stat(2). */
    private static final int TYPE_MASK = 0170000;
    private static final int SOCKET_TYPE = 0140000;

    /** What stat(2) says of the socket path ({@code exists} false: the other fields are 0). */
    record SocketFile(boolean exists, int mode, int uid, int gid) {
    }

    private DaemonCheck() {
    }

    static Finding unreachable(String socket, String why) {
        return Finding.fail(Checks.DAEMON_STATUS, socket, "no answer from the DHCP lease daemon: " + why,
                "start it: 'systemctl start cni-dhcp.socket cni-dhcp.service' (or 'dhcp daemon -socketpath " + socket
                        + "'); why it stopped: 'journalctl -u cni-dhcp.service | tail'; compare -socketpath with"
                        + " ipam.daemonSocketPath");
    }

    static List<Finding> status(String socket, JsonNode status) {
        List<Finding> out = new ArrayList<>();
        List<String> problems = texts(status.path("problems"));
        List<String> warnings = texts(status.path("warnings"));
        if (!status.path("healthy").asBoolean(false)) {
            out.add(Finding.fail(Checks.DAEMON_STATUS, socket, "the daemon answers but is unhealthy: "
                    + String.join("; ", problems), "fix what the problems name ('dhcp status -socketpath " + socket + "')"));
        } else {
            out.add(Finding.pass(Checks.DAEMON_STATUS, socket, "the daemon answers and is healthy"
                    + (warnings.isEmpty() ? "" : " (warnings: " + String.join("; ", warnings) + ")")));
        }
        JsonNode dir = status.get("stateDir");
        if (dir == null || !dir.isObject()) {
            out.add(Finding.pass(Checks.DAEMON_STATEDIR, socket, "the daemon does not report its state directory (not reported)"));
        } else if (dir.path("writable").asBoolean(false)) {
            out.add(Finding.pass(Checks.DAEMON_STATEDIR, dir.path("path").asText(), "writable"));
        } else {
            out.add(Finding.fail(Checks.DAEMON_STATEDIR, dir.path("path").asText(), "cannot take a lease record: "
                            + dir.path("error").asText() + " (ADD fails)",
                    "free space or fix the mount and permissions of " + dir.path("path").asText()
                            + " ('df -h', 'ls -ld'); if it could not be opened at start-up, restart the daemon"));
        }
        return out;
    }

    static Finding socket(String path, SocketFile file) {
        if (!file.exists()) {
            return Finding.fail(Checks.DAEMON_SOCKET, path, "no socket file", "start the daemon with -socketpath " + path
                    + " (or point ipam.daemonSocketPath and -socketpath at the same path)");
        }
        String seen = String.format("mode %04o, owner uid %d gid %d", file.mode() & 07777, file.uid(), file.gid());
        if ((file.mode() & TYPE_MASK) != SOCKET_TYPE) {
            return Finding.fail(Checks.DAEMON_SOCKET, path, "not a socket (" + seen + ")",
                    "remove it and restart the daemon: 'systemctl restart cni-dhcp.socket cni-dhcp.service'");
        }
        if (file.uid() != 0) {
            return Finding.warn(Checks.DAEMON_SOCKET, path, seen + ": not owned by root",
                    "run the daemon as root (it enters pod namespaces); the socket is created by it");
        }
        if ((file.mode() & 0007) != 0) {
            return Finding.warn(Checks.DAEMON_SOCKET, path, seen + ": other users may connect (the daemon refuses"
                    + " them with error 105, but the mode should not invite them)",
                    "chmod 0600 " + path + ", or -socketgroup GROUP for a group (docs/security.md)");
        }
        return Finding.pass(Checks.DAEMON_SOCKET, path, "a socket, " + seen);
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
