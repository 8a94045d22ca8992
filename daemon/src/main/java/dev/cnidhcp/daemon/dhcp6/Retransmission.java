package dev.cnidhcp.daemon.dhcp6;

import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * The retransmission parameters of one message type (RFC 8415 section 15, values of section 7.6):
 * initial timeout IRT, maximum timeout MRT (0: none), maximum count MRC (0: none), maximum duration
 * MRD (0: none; the caller's deadline bounds the exchange too). Every timeout is randomised by a
 * factor RAND uniform in [-0.1, 0.1]:
 * <pre>
 *   RT = IRT + RAND*IRT                 (first; for SOLICIT with RAND &gt; 0, section 18.2.1)
 *   RT = 2*RTprev + RAND*RTprev         (next)
 *   RT = MRT + RAND*MRT                 (when RT would exceed MRT)
 * </pre>
 */
public record Retransmission(Duration irt, Duration mrt, int mrc, Duration mrd, boolean firstAboveIrt) {
    public static final Retransmission SOLICIT = new Retransmission(Duration.ofSeconds(1), Duration.ofSeconds(3600), 0,
            Duration.ZERO, true);
    public static final Retransmission REQUEST = new Retransmission(Duration.ofSeconds(1), Duration.ofSeconds(30), 10,
            Duration.ZERO, false);
    public static final Retransmission RENEW = new Retransmission(Duration.ofSeconds(10), Duration.ofSeconds(600), 0,
            Duration.ZERO, false);
    public static final Retransmission REBIND = new Retransmission(Duration.ofSeconds(10), Duration.ofSeconds(600), 0,
            Duration.ZERO, false);
    public static final Retransmission RELEASE = new Retransmission(Duration.ofSeconds(1), Duration.ZERO, 4,
            Duration.ZERO, false);
    public static final Retransmission DECLINE = new Retransmission(Duration.ofSeconds(1), Duration.ZERO, 4,
            Duration.ZERO, false);

    private static final double RAND = 0.1;

    public Retransmission {
        Objects.requireNonNull(irt, "irt");
        Objects.requireNonNull(mrt, "mrt");
        Objects.requireNonNull(mrd, "mrd");
        if (irt.isNegative() || irt.isZero()) {
            throw new IllegalArgumentException("irt: " + irt + " (expected: positive)");
        }
        if (mrc < 0) {
            throw new IllegalArgumentException("mrc: " + mrc + " (expected: 0 or more)");
        }
    }

    /** The same with MRC {@code count}. */
    public Retransmission withMaxCount(int count) {
        return new Retransmission(irt, mrt, count, mrd, firstAboveIrt);
    }

    /** The first RT, in milliseconds. */
    public long firstMillis(RandomGenerator random) {
        long irtMillis = irt.toMillis();
        double r = firstAboveIrt ? RAND - random.nextDouble(0, RAND) : random.nextDouble(-RAND, RAND);
        long rt = Math.round(irtMillis + r * irtMillis);
        return firstAboveIrt ? Math.max(irtMillis + 1, rt) : Math.max(1, rt);
    }

    /** The RT after {@code previousMillis}, in milliseconds. */
    public long nextMillis(long previousMillis, RandomGenerator random) {
        double rt = 2.0 * previousMillis + random.nextDouble(-RAND, RAND) * previousMillis;
        long mrtMillis = mrt.toMillis();
        if (mrtMillis > 0 && rt > mrtMillis) {
            rt = mrtMillis + random.nextDouble(-RAND, RAND) * mrtMillis;
        }
        return Math.max(1, Math.round(rt));
    }
}
