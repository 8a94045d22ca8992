package dev.cnidhcp.testlab;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.util.List;

import static dev.cnidhcp.testlab.BridgeLabTest.addressOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The daemon as a process: SIGTERM stops it cleanly, and the plugin says so while it is down. */
@Tag("lab")
@Timeout(120)
class DaemonLifecycleLabTest {
    @RegisterExtension
    static final SharedLab LAB = new SharedLab();

    private static Lab lab() {
        return LAB.get();
    }

    @Test
    void sigtermRemovesSocketAndPidfileAndAnAddMeanwhileIsCode11() throws Exception {
        assertTrue(Files.exists(lab().dir.resolve("dhcp.sock")));
        assertTrue(Files.exists(lab().dir.resolve("daemon.pid")));
        lab().script(List.of("stop-daemon", lab().name)).expectSuccess();
        assertFalse(Files.exists(lab().dir.resolve("dhcp.sock")), "socket removed");
        assertFalse(Files.exists(lab().dir.resolve("daemon.pid")), "pidfile removed");
        assertTrue(lab().daemonLog().contains("DHCP lease daemon stopped"), lab().daemonLog());

        Lab.Run down = lab().add("w1", "dhcp", "1.0.0");
        assertEquals(1, down.exit());
        assertEquals(11, down.json().get("code").asInt(), down.stdout());

        lab().script(List.of("start-daemon", lab().name)).expectSuccess();
        String cidr = addressOf(lab().add("w1", "bridge").expectSuccess().json());
        assertEquals(List.of(cidr), lab().podAddresses("w1"));
        lab().del("w1", "bridge").expectSuccess();
    }

    @Test
    void addInANamespaceWithoutTheInterfaceIsAClearError() throws Exception {
        lab().script(List.of("netns", lab().name, "e1")).expectSuccess();
        Lab.Run run = lab().cni("e1", "dhcp", "ADD", "1.0.0");
        assertEquals(1, run.exit());
        assertEquals(101, run.json().get("code").asInt(), run.stdout());
        assertTrue(run.json().get("msg").asText().contains("no interface eth0"), run.stdout());
        assertEquals(0, lab().cni("e1", "dhcp", "DEL", "1.0.0").exit(), "DEL after a failed ADD succeeds");
    }
}
