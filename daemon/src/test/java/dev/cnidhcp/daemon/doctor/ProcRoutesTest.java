package dev.cnidhcp.daemon.doctor;

import dev.cnidhcp.daemon.dhcp.Route;
import org.junit.jupiter.api.Test;

import java.nio.ByteOrder;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class ProcRoutesTest {
    /** What a little-endian kernel writes for default via 10.99.0.1, 10.98.0.0/16 via it, and the link's /24. */
    private static final String TABLE = "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n"
            + "eth0\t00000000\t0100630A\t0003\t0\t0\t0\t00000000\t0\t0\t0\n"
            + "eth0\t0000620A\t0100630A\t0003\t0\t0\t0\t0000FFFF\t0\t0\t0\n"
            + "eth0\t0000630A\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\n"
            + "eth1\t00000000\t0101A8C0\t0003\t0\t0\t0\t00000000\t0\t0\t0\n"
            + "eth0\t0000610A\t00000000\t0000\t0\t0\t0\t00FFFFFF\t0\t0\t0\n";

    @Test
    void readsTheUpRoutesOfOneInterface() {
        assumeTrue(ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN, "the sample is a little-endian kernel's");
        assertEquals(List.of(Route.parse("0.0.0.0/0", "10.99.0.1"), Route.parse("10.98.0.0/16", "10.99.0.1"),
                Route.parse("10.99.0.0/24", "")), ProcRoutes.parse(TABLE, "eth0"));
        assertEquals(List.of(), ProcRoutes.parse("garbage\n", "eth0"));
    }
}
