package dev.cnidhcp.daemon.dhcp;

import dev.cnidhcp.daemon.metrics.DaemonMetrics;

import java.net.Inet4Address;
import java.util.logging.Logger;

/**
 * What one exchange of {@link DhcpClient} does with replies of an accepted type: take them, or
 * refuse them and keep listening. Lives on the exchange's thread, for that exchange only.
 */
interface Screen {
    /** Takes every reply; never ends an exchange early. */
    Screen ALL = new Screen() {
        @Override
        public boolean passes(DhcpMessages.Reply reply) {
            return true;
        }

        @Override
        public boolean endsExchange() {
            return false;
        }
    };

    /**
     * Takes only replies from {@code server} (REQUESTING after an offer from it), and NAKs that name no
     * server; others are counted as {@link DropReason#NOT_SELECTED_SERVER}.
     */
    static Screen onlyFrom(Inet4Address server, DaemonMetrics metrics) {
        return new Screen() {
            @Override
            public boolean passes(DhcpMessages.Reply reply) {
                if (reply.serverId() == null || server.equals(reply.serverId())) {
                    return true; // a NAK without a server identifier cannot be told apart: taken
                }
                metrics.droppedPacket(DropReason.NOT_SELECTED_SERVER.label());
                Logger.getLogger(DhcpClient.class.getName()).fine(() -> "dropped a " + reply.type() + " from "
                        + reply.serverId().getHostAddress() + " (the offer taken is " + server.getHostAddress() + "'s)");
                return false;
            }

            @Override
            public boolean endsExchange() {
                return false;
            }
        };
    }

    /** Whether the exchange takes {@code reply}; a refused one has been counted and logged. */
    boolean passes(DhcpMessages.Reply reply);

    /**
     * Asked when a transmission's wait ended without a reply taken: whether the exchange ends there,
     * instead of retransmitting.
     */
    boolean endsExchange();
}
