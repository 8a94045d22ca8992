package dev.cnidhcp.daemon.app;

import dev.cnidhcp.daemon.dhcp.Exclusions;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code -exclude CIDR[,CIDR...]}. */
class DaemonOptionsExcludeTest {

    @Test
    void noneByDefault() {
        assertEquals(Exclusions.NONE, DaemonOptions.parse().exclude());
        assertEquals(Exclusions.NONE, DaemonOptions.parse("-exclude=").exclude());
    }

    @Test
    void commaSeparatedRangesInEitherSpelling() {
        assertEquals(List.of("10.96.0.0/12", "192.168.0.0/16"),
                DaemonOptions.parse("-exclude", "10.96.0.0/12,192.168.0.0/16").exclude().strings());
        assertEquals(List.of("10.96.0.0/12"), DaemonOptions.parse("--exclude=10.96.0.0/12").exclude().strings());
    }

    @Test
    void badRangeStopsTheDaemonNamingFlagAndValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DaemonOptions.parse("-exclude", "10.96.0.0/12,10.0.0.0/40"));

        assertTrue(e.getMessage().contains("-exclude") && e.getMessage().contains("'10.0.0.0/40'"), e.getMessage());
        assertTrue(e.getMessage().contains("CIDR[,CIDR...]"), e.getMessage());
    }

    @Test
    void hostBitsSetAreRefusedWithTheNetworkMeant() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DaemonOptions.parse("-exclude", "10.96.0.1/12"));

        assertTrue(e.getMessage().contains("did you mean 10.96.0.0/12"), e.getMessage());
    }

    @Test
    void usageNamesTheFlag() {
        assertTrue(DaemonOptions.USAGE.contains("-exclude CIDR[,CIDR...]"));
    }
}
