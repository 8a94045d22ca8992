package dev.cnidhcp.daemon.dhcp6;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * The client's identity towards DHCPv6 servers: its DUID (option 1 payload) and the IA_NA's IAID.
 *
 * @param duid the DUID, type code included (RFC 8415 section 11: at most 130 octets after the type)
 * @param iaid the IA_NA's identity association id, an unsigned 32-bit number held in an int
 */
public record Identity6(byte[] duid, int iaid) {
    /** The type code (2 bytes) and RFC 8415's 130 octets of identifier at most. */
    private static final int MAX_DUID = 2 + 130;

    public Identity6 {
        Objects.requireNonNull(duid, "duid");
        if (duid.length < 3 || duid.length > MAX_DUID) {
            throw new IllegalArgumentException("duid: " + duid.length + " bytes (expected: 3.." + MAX_DUID + ")");
        }
        duid = duid.clone();
    }

    @Override
    public byte[] duid() {
        return duid.clone();
    }

    /** Whether {@code other} (a CLIENTID option's payload) is this DUID. */
    public boolean hasDuid(byte[] other) {
        return Arrays.equals(duid, other);
    }

    /** The DUID in hex, for logs and listings. */
    public String duidText() {
        return HexFormat.of().formatHex(duid);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Identity6 other && iaid == other.iaid && Arrays.equals(duid, other.duid);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(duid) + iaid;
    }

    @Override
    public String toString() {
        return "Identity6[duid=" + duidText() + ", iaid=" + Integer.toUnsignedString(iaid) + "]";
    }
}
