package dev.cnidhcp.daemon.dhcp;

import java.time.Duration;

/**
 * How persistently the client talks to servers (the daemon's {@code -timeout}, {@code -resendmax},
 * {@code -resendtimeout} and {@code -broadcast} flags).
 *
 * @param replyTimeout   the longest wait for a reply after one send
 * @param resendMax      the cap of the exponential retransmission delay
 * @param giveUpAfter    how long one acquisition keeps trying before it fails
 * @param broadcastFlag  ask servers to broadcast their replies (BOOTP flag)
 * @param firstRetransmit the first retransmission delay (RFC 2131 4.1: 4 s), doubled each time
 */
public record ClientSettings(Duration replyTimeout, Duration resendMax, Duration giveUpAfter, boolean broadcastFlag,
                             Duration firstRetransmit) {
    public ClientSettings {
        for (Duration d : new Duration[] {replyTimeout, resendMax, giveUpAfter, firstRetransmit}) {
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("duration: " + d + " (expected: positive)");
            }
        }
    }

    public static ClientSettings defaults() {
        return new ClientSettings(Duration.ofSeconds(10), Duration.ofSeconds(62), Duration.ofSeconds(208), false,
                Duration.ofSeconds(4));
    }
}
