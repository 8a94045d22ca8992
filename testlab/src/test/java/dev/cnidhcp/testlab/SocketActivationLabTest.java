package dev.cnidhcp.testlab;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static dev.cnidhcp.testlab.BridgeLabTest.addressOf;
import static dev.cnidhcp.testlab.BridgeLabTest.assertInLabRange;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * systemd socket activation, with {@code systemd-socket-activate} in systemd's place: it listens on
 * the lab's socket, and the first plugin call starts the daemon with that socket as fd 3. The daemon
 * serves it, and leaves the socket file to its owner when it stops.
 */
@Tag("lab")
@Timeout(180)
class SocketActivationLabTest {
    @RegisterExtension
    static final SharedLab LAB = new SharedLab("--socket-activate");

    private static Lab lab() {
        return LAB.get();
    }

    @Test
    void firstAddStartsTheDaemonOnThePassedSocketWhichSurvivesTheDaemon() throws Exception {
        Path socket = lab().dir.resolve("dhcp.sock");
        assertTrue(Files.exists(socket), "systemd-socket-activate listens");
        assertFalse(lab().daemonLog().contains("DHCP lease daemon ready"), "no daemon before the first call");

        String cidr = addressOf(lab().add("s1", "bridge").expectSuccess().json());
        String ip = cidr.substring(0, cidr.indexOf('/'));
        assertInLabRange(cidr);
        assertEquals(List.of(cidr), lab().podAddresses("s1"));
        assertTrue(lab().serverHasLease(ip), lab().diagnostics());
        assertTrue(lab().daemonLog().contains("socket activation: serving the listening socket passed as fd 3 ("
                + socket + ")"), lab().daemonLog());
        assertEquals(Files.readString(lab().dir.resolve("daemon.launch.pid")).trim(),
                Files.readString(lab().dir.resolve("daemon.pid")).trim(), "the daemon is the process that was started");

        lab().stopDaemon();
        assertTrue(lab().daemonLog().contains("DHCP lease daemon stopped"), lab().daemonLog());
        assertFalse(Files.exists(lab().dir.resolve("daemon.pid")), "pidfile removed");
        assertTrue(Files.exists(socket), "the socket file is its owner's: the daemon leaves it");

        // Activated again, as systemd does on the next connection: the lease was resumed, DEL releases it.
        lab().startDaemon();
        lab().del("s1", "bridge").expectSuccess();
        assertFalse(lab().serverHasLease(ip), "released: " + lab().diagnostics());
    }
}
