package dev.cnidhcp.daemon.doctor;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DaemonCheckTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int SOCKET = 0140000;

    @Test
    void aRootOwnedSocketWithoutAccessForOthersPasses() {
        assertEquals(Verdict.PASS, DaemonCheck.socket("/run/cni/dhcp.sock", new DaemonCheck.SocketFile(true, SOCKET | 0600, 0, 0)).verdict());
        assertEquals(Verdict.PASS, DaemonCheck.socket("/run/cni/dhcp.sock", new DaemonCheck.SocketFile(true, SOCKET | 0660, 0, 120)).verdict());
    }

    @Test
    void aSocketOthersMayUseOrNotOwnedByRootIsAWarning() {
        Finding open = DaemonCheck.socket("/s", new DaemonCheck.SocketFile(true, SOCKET | 0666, 0, 0));
        assertEquals(Verdict.WARN, open.verdict());
        assertTrue(open.saw().startsWith("mode 0666, owner uid 0 gid 0"), open.saw());
        assertEquals(Verdict.WARN, DaemonCheck.socket("/s", new DaemonCheck.SocketFile(true, SOCKET | 0600, 1000, 0)).verdict());
    }

    @Test
    void aMissingPathOrARegularFileFails() {
        assertEquals(Verdict.FAIL, DaemonCheck.socket("/s", new DaemonCheck.SocketFile(false, 0, 0, 0)).verdict());
        Finding file = DaemonCheck.socket("/s", new DaemonCheck.SocketFile(true, 0100600, 0, 0));
        assertEquals(Verdict.FAIL, file.verdict());
        assertTrue(file.saw().startsWith("not a socket"), file.saw());
    }

    @Test
    void anUnhealthyDaemonAndAStateDirThatTakesNoRecordFailWithWhatStatusSays() throws Exception {
        List<Finding> f = DaemonCheck.status("/s", JSON.readTree("{\"healthy\":false,\"problems\":[\"state directory"
                + " /var/lib/cni/dhcp cannot take a lease record\"],\"warnings\":[],\"stateDir\":{\"path\":"
                + "\"/var/lib/cni/dhcp\",\"writable\":false,\"error\":\"No space left on device\"}}"));
        assertEquals(List.of(Checks.DAEMON_STATUS, Checks.DAEMON_STATEDIR), f.stream().map(Finding::check).toList());
        assertEquals(List.of(Verdict.FAIL, Verdict.FAIL), f.stream().map(Finding::verdict).toList());
        assertTrue(f.get(1).saw().contains("No space left on device"));
    }

    @Test
    void aHealthyStatusWithoutStateDirPassesWithANote() throws Exception {
        List<Finding> f = DaemonCheck.status("/s", JSON.readTree("{\"healthy\":true,\"problems\":[],\"warnings\":[\"w\"]}"));
        assertEquals(List.of(Verdict.PASS, Verdict.PASS), f.stream().map(Finding::verdict).toList());
        assertTrue(f.get(0).saw().contains("warnings: w"));
        assertTrue(f.get(1).saw().contains("not reported"));
    }
}
