package dev.cnidhcp.daemon.doctor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cnidhcp.daemon.dhcp.Route;
import dev.cnidhcp.daemon.netns.IfInet6;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DoctorTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String STATUS = "{\"healthy\":true,\"problems\":[],\"warnings\":[],\"time\":\"2026-01-01T12:00:00Z\","
            + "\"stateDir\":{\"path\":\"/var/lib/cni/dhcp\",\"writable\":true,\"error\":\"\"},\"lastAcquisitionFailure\":null,"
            + "\"exclude\":[\"172.30.0.0/16\"]}";
    private static final String LEASES = "[{\"container\":\"c1\",\"network\":\"lan\",\"ifname\":\"eth0\",\"netns\":"
            + "\"/run/netns/c1\",\"state\":\"bound\",\"lost\":false,\"problem\":\"\",\"address\":\"10.99.0.100/24\","
            + "\"server\":\"10.99.0.2\",\"gateway\":\"10.99.0.1\",\"acquired\":\"2026-01-01T11:59:00.000Z\","
            + "\"routes\":[{\"dst\":\"0.0.0.0/0\",\"gw\":\"10.99.0.1\"}],\"suppress\":[]}]";
    private static final DaemonCheck.SocketFile SOCKET = new DaemonCheck.SocketFile(true, 0140600, 0, 0);
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-01T12:00:00Z"), ZoneOffset.UTC);

    @TempDir
    Path tmp;

    private ConfigCheck configs() throws IOException {
        Path conf = Files.createDirectories(tmp.resolve("net.d"));
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Files.writeString(conf.resolve("10-lan.conf"), "{\"cniVersion\":\"1.0.0\",\"name\":\"lan\",\"type\":\"macvlan\","
                + "\"ipam\":{\"type\":\"dhcp\"}}");
        for (String name : List.of("macvlan", "dhcp")) {
            Files.setPosixFilePermissions(Files.writeString(bin.resolve(name), ""), PosixFilePermissions.fromString("rwx------"));
        }
        return new ConfigCheck(conf, bin);
    }

    private static DaemonQuery answering(String status, String leases) {
        return new DaemonQuery() {
            @Override
            public String status() {
                return status;
            }

            @Override
            public String leases() {
                return leases;
            }
        };
    }

    private static final String LEASES_DUAL_STACK = LEASES.substring(0, LEASES.length() - 1) + ",{\"family\":\"ipv6\","
            + "\"container\":\"c1\",\"network\":\"lan\",\"ifname\":\"eth0\",\"netns\":\"/run/netns/c1\",\"state\":"
            + "\"bound\",\"lost\":false,\"problem\":\"\",\"address\":\"fd99::10/64\",\"server\":\"00:03:00:01:02:00:00:00:00:02\","
            + "\"duid\":\"00:03:00:01:02:00:00:00:00:01\",\"iaid\":1}]";

    private static Pod6Probe healthyPod6() {
        return l -> new Pod6State(true, true, List.of(new IfInet6.Entry(l.address(), l.prefix(), 0, 0x80, l.ifname())));
    }

    private static PodProbe healthyPod() {
        return l -> new PodState(true, true, l.address(), List.of(Route.parse("0.0.0.0/0", "10.99.0.1")), null, "");
    }

    @Test
    void aHealthyNodeRunsEveryCheckAndEveryOnePasses() throws IOException {
        Report r = new Doctor(Path.of("/s"), configs(), answering(STATUS, LEASES_DUAL_STACK), p -> SOCKET, healthyPod(),
                healthyPod6(), CLOCK).run();
        assertTrue(r.ok(), r.text());
        assertEquals(0, r.count(Verdict.WARN), r.text());
        assertEquals(Set.copyOf(Checks.ALL), Set.copyOf(r.findings().stream().map(Finding::check).toList()), r.text());
    }

    @Test
    void twoDhcpv6LeasesOfOneAddressFailTheV6UniqueCheckOnly() throws IOException {
        String twice = LEASES_DUAL_STACK.substring(0, LEASES_DUAL_STACK.length() - 1) + ",{\"family\":\"ipv6\","
                + "\"container\":\"c2\",\"network\":\"lan\",\"ifname\":\"eth0\",\"netns\":\"/run/netns/c2\","
                + "\"state\":\"bound\",\"lost\":false,\"problem\":\"\",\"address\":\"fd99::10/64\"}]";

        Report r = new Doctor(Path.of("/s"), configs(), answering(STATUS, twice), p -> SOCKET, healthyPod(),
                healthyPod6(), CLOCK).run();

        assertEquals(Set.of(Checks.LEASES6_UNIQUE), r.failedChecks(), r.text());
        assertTrue(r.text().contains("fd99::10 held by container=c1 ifname=eth0 network=lan and container=c2"), r.text());
    }

    @Test
    void anUnreachableDaemonFailsTheStatusCheckAndRunsNoLeaseCheck() throws IOException {
        DaemonQuery down = new DaemonQuery() {
            @Override
            public String status() throws IOException {
                throw new IOException("Connection refused");
            }

            @Override
            public String leases() {
                throw new AssertionError("not asked");
            }
        };
        Report r = new Doctor(Path.of("/s"), configs(), down, p -> new DaemonCheck.SocketFile(false, 0, 0, 0),
                healthyPod(), CLOCK).run();
        assertEquals(Set.of(Checks.DAEMON_STATUS, Checks.DAEMON_SOCKET), r.failedChecks());
        assertTrue(r.findings().stream().noneMatch(f -> f.check().startsWith("lease")), r.text());
        assertTrue(r.text().contains("Connection refused"));
    }

    @Test
    void aLeaseInsideAnExcludedRangeFailsTheExcludeCheck() throws IOException {
        String status = STATUS.replace("172.30.0.0/16", "10.96.0.0/12");
        Report r = new Doctor(Path.of("/s"), configs(), answering(status, LEASES), p -> SOCKET, healthyPod(), CLOCK).run();
        assertEquals(Set.of(Checks.LEASES_EXCLUDE), r.failedChecks(), r.text());
    }

    @Test
    void theJsonReportListsEveryCheckWithItsStatusAndTheFailedOnes() throws Exception {
        Report r = new Report(List.of(Finding.pass(Checks.CONFIG_FILES, "/etc/cni/net.d", "1 config file(s)"),
                Finding.fail(Checks.LEASE_ROUTES, "container=c1 ifname=eth0 network=lan", "missing 0.0.0.0/0", "ip route add")));
        JsonNode json = JSON.readTree(r.json());
        assertFalse(json.get("ok").asBoolean());
        assertEquals(1, json.get("passed").asInt());
        assertEquals(1, json.get("failed").asInt());
        assertEquals("[\"lease.routes\"]", json.get("failedChecks").toString());
        assertEquals("fail", json.get("checks").get(1).get("status").asText());
        assertEquals("ip route add", json.get("checks").get(1).get("fix").asText());
        assertTrue(r.text().endsWith("dhcp doctor: 1 passed, 0 warning(s), 1 failed (lease.routes)\n"), r.text());
    }

    @Test
    void theCommandLineTakesGoStyleFlagsAndRefusesUnknownOnes() {
        DoctorArgs a = DoctorArgs.parse("--json", "-socketpath", "/s", "-confdir=/c", "--bindir", "/b");
        assertEquals(new DoctorArgs(true, Path.of("/s"), Path.of("/c"), Path.of("/b")), a);
        assertEquals(new DoctorArgs(false, Path.of("/run/cni/dhcp.sock"), Path.of("/etc/cni/net.d"), Path.of("/opt/cni/bin")),
                DoctorArgs.parse());
        assertThrows(IllegalArgumentException.class, () -> DoctorArgs.parse("-x"));
        assertThrows(IllegalArgumentException.class, () -> DoctorArgs.parse("-confdir"));
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(2, DoctorMain.run(new PrintStream(new ByteArrayOutputStream()), new PrintStream(err), "doctor", "stray"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("usage: dhcp doctor"));
    }
}
