package dev.cnidhcp.daemon.doctor;

import java.io.IOException;

/** The daemon's admin answers ({@link SocketDaemonQuery}; a fake in tests). */
interface DaemonQuery {
    /** The DAEMON-STATUS answer's JSON text. */
    String status() throws IOException;

    /** The LEASES answer's JSON text. */
    String leases() throws IOException;
}
