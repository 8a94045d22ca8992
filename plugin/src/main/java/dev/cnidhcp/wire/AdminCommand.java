package dev.cnidhcp.wire;

/**
 * The read-only admin requests of {@code dhcp leases} and {@code dhcp status}: a {@link WireRequest}
 * whose CNI_COMMAND is one of these names, with {@link #MARKER} set to "1" (and stdin empty),
 * answered with exit code 0 and a JSON document. A CNI runtime cannot send them: the plugin forwards
 * only the {@code CNI_*} variables of its environment, and {@link #MARKER} is not one, so a
 * CNI_COMMAND=LEASES from a runtime reaches the daemon without it and is refused there as any
 * command outside the CNI specification is (error 4), whatever forwards it.
 */
public final class AdminCommand {
    /** Every lease the daemon holds, as a JSON array. */
    public static final String LEASES = "LEASES";
    /** The daemon's health and the reasons for it, as a JSON object. */
    public static final String DAEMON_STATUS = "DAEMON-STATUS";

    /**
     * The environment key that makes a request an admin request: outside {@code CNI_*}, so that no
     * CNI invocation can carry it (docs/wire-protocol.md).
     */
    public static final String MARKER = "DHCP_ADMIN";

    private AdminCommand() {
    }

    /** Whether a CNI_COMMAND value names an admin request (exact spelling). */
    public static boolean isAdmin(String command) {
        return LEASES.equals(command) || DAEMON_STATUS.equals(command);
    }

    /** Whether a request is an admin request: an admin command name, and {@link #MARKER} set to "1". */
    public static boolean isAdmin(WireRequest request) {
        return "1".equals(request.env().get(MARKER)) && isAdmin(request.env().get("CNI_COMMAND"));
    }

    /** The request for an admin command. */
    public static WireRequest request(String command) {
        if (!isAdmin(command)) {
            throw new IllegalArgumentException("command: " + command + " (expected: LEASES or DAEMON-STATUS)");
        }
        return new WireRequest(java.util.Map.of("CNI_COMMAND", command, MARKER, "1"), "");
    }
}
