package dev.cnidhcp.daemon.dhcp6;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * The client's identity towards DHCPv6 servers: its DUID (option 1 payload) and the IA_NA's IAID.
 * Immutable: both arrays are copied in and out; equal by content.
 */
public record Identity6(byte[] duid, int iaid) {
    public Identity6 {
        if (duid.length < 3 || duid.length > Duids.MAX_DUID) {
            throw new IllegalArgumentException("duid: " + duid.length + " bytes (expected: 3.." + Duids.MAX_DUID + ")");
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
        return "Identity6[duid=" + HexFormat.ofDelimiter(":").formatHex(duid) + ", iaid=" + Integer.toUnsignedString(iaid)
                + "]";
    }
}
