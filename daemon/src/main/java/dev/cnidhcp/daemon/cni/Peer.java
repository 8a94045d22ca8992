package dev.cnidhcp.daemon.cni;

/**
 * The process at the other end of the socket, from SO_PEERCRED: the plugin, which runs in the
 * runtime's (the calling main plugin's) network namespace.
 *
 * @param pid the peer's process id, or -1 when unknown
 */
public record Peer(long pid, int uid, int gid) {
    public static final Peer UNKNOWN = new Peer(-1, -1, -1);

    public boolean known() {
        return pid > 0;
    }
}
