package dev.cnidhcp.plugin;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AdminArgsTest {
    @Test
    void leasesDefaultsToATableOnThePluginsDefaultSocket() {
        assertEquals(new AdminArgs("leases", false, Path.of("/run/cni/dhcp.sock")), AdminArgs.parse("leases"));
    }

    @Test
    void flagsInGoStyle() {
        assertEquals(new AdminArgs("leases", true, Path.of("/tmp/d.sock")),
                AdminArgs.parse("leases", "--json", "-socketpath", "/tmp/d.sock"));
        assertEquals(new AdminArgs("leases", true, Path.of("/tmp/d.sock")),
                AdminArgs.parse("leases", "-json", "--socketpath=/tmp/d.sock"));
        assertEquals(new AdminArgs("status", false, Path.of("/s")), AdminArgs.parse("status", "-socketpath=/s"));
    }

    @Test
    void badCommandLinesSayWhatIsWrong() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> AdminArgs.parse()).getMessage().contains("leases"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> AdminArgs.parse("status", "--json"))
                .getMessage().contains("-json"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> AdminArgs.parse("leases", "-socketpath"))
                .getMessage().contains("needs an argument"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> AdminArgs.parse("leases", "extra"))
                .getMessage().contains("'extra'"));
    }
}
