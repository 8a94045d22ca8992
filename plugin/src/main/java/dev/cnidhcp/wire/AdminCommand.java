package dev.cnidhcp.wire;

/**
 * The read-only admin requests of {@code dhcp leases} and {@code dhcp status}: a {@link WireRequest}
 * whose CNI_COMMAND is one of these names (and stdin empty), answered with exit code 0 and a JSON
 * document. A CNI runtime cannot send them: the plugin forwards every CNI call with its network
 * configuration on stdin, and the daemon answers an admin name with a configuration as the unknown CNI
 * command it is (error 4, from {@code CniRequest.parse}).
 */
public final class AdminCommand {
    /** Every lease the daemon holds, as a JSON array. */
    public static final String LEASES = "LEASES";
    /** The daemon's health and the reasons for it, as a JSON object. */
    public static final String DAEMON_STATUS = "DAEMON-STATUS";

    private AdminCommand() {
    }

    /** Whether a CNI_COMMAND value names an admin request (exact spelling). */
    public static boolean isAdmin(String command) {
        return LEASES.equals(command) || DAEMON_STATUS.equals(command);
    }

    /** The request for an admin command. */
    public static WireRequest request(String command) {
        if (!isAdmin(command)) {
            throw new IllegalArgumentException("command: " + command + " (expected: LEASES or DAEMON-STATUS)");
        }
        return new WireRequest(java.util.Map.of("CNI_COMMAND", command), "");
    }
}
