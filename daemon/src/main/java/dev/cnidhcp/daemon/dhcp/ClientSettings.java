package dev.cnidhcp.daemon.dhcp;

import java.time.Duration;
import java.util.Objects;

/**
 * How persistently the client talks to servers (the daemon's {@code -timeout}, {@code -resendmax},
 * {@code -resendtimeout} and {@code -broadcast} flags), and what it never takes ({@code -exclude}).
 *
 * @param replyTimeout   {@code -timeout}: as in the reference plugin, how long one request may wait for
 *                       its answer; the daemon gives each background exchange (renewal, rebinding,
 *                       INIT-REBOOT) this long. {@link DhcpClient} does not cut retransmission
 *                       delays short by it (RFC 2131 4.1 delays of 16 s and more stay as they are)
 * @param resendMax      {@code -resendmax}: the cap of the exponential retransmission delay
 * @param giveUpAfter    {@code -resendtimeout}: how long one acquisition keeps trying before it fails
 * @param broadcastFlag  ask servers to broadcast their replies (BOOTP flag)
 * @param firstRetransmit the first retransmission delay (RFC 2131 4.1: 4 s), doubled each time
 * @param exclude        {@code -exclude}: ranges no lease may touch, for every attachment (each
 *                       attachment may add its own)
 */
public record ClientSettings(Duration replyTimeout, Duration resendMax, Duration giveUpAfter, boolean broadcastFlag,
                             Duration firstRetransmit, Exclusions exclude) {
    public ClientSettings {
        for (Duration d : new Duration[] {replyTimeout, resendMax, giveUpAfter, firstRetransmit}) {
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("duration: " + d + " (expected: positive)");
            }
        }
        Objects.requireNonNull(exclude, "exclude");
    }

    /** Settings that exclude no range. */
    public ClientSettings(Duration replyTimeout, Duration resendMax, Duration giveUpAfter, boolean broadcastFlag,
                          Duration firstRetransmit) {
        this(replyTimeout, resendMax, giveUpAfter, broadcastFlag, firstRetransmit, Exclusions.NONE);
    }

    public static ClientSettings defaults() {
        return new ClientSettings(Duration.ofSeconds(10), Duration.ofSeconds(62), Duration.ofSeconds(208), false,
                Duration.ofSeconds(4));
    }

    /** The same settings with {@code ranges} excluded instead. */
    public ClientSettings withExclude(Exclusions ranges) {
        return new ClientSettings(replyTimeout, resendMax, giveUpAfter, broadcastFlag, firstRetransmit, ranges);
    }
}
