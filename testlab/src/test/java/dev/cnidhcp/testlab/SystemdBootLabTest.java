package dev.cnidhcp.testlab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

import static dev.cnidhcp.testlab.BridgeLabTest.addressOf;
import static dev.cnidhcp.testlab.BridgeLabTest.assertInLabRange;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The units under a real systemd: a Debian 12 machine booted by systemd-nspawn in the lab's node
 * namespace (testlab/scripts/systemd-lab.sh), the project put into it by {@code make install}, and
 * {@code systemctl enable --now cni-dhcp.socket} there. The lab's own daemon is stopped. The machine
 * is the node: its network namespace is the lab's node namespace, and a runtime on it runs the
 * reference bridge plugin, which runs ours from {@code /opt/cni/bin}; ours talks to the machine's
 * {@code /run/cni/dhcp.sock}, where systemd listens and which it hands the daemon it starts. The tests run in order on one machine:
 * the first ADD starts the service, which then runs with exactly the unit's capabilities; a
 * restart and a kill -9 of it lose no lease; pods' namespaces made later reach the service's own
 * mount namespace. The class runs beside the other classes (it waits for
 * a renewal); its methods run one after another.
 */
@Tag("lab")
@Timeout(1200)
@Execution(ExecutionMode.CONCURRENT)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SystemdBootLabTest {
    private static final String SERVICE = "cni-dhcp.service";
    private static final String SOCKET = "cni-dhcp.socket";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Linux's capability numbers (linux/capability.h), by the names unit files use. */
    private static final List<String> CAPABILITIES = List.of("CAP_CHOWN", "CAP_DAC_OVERRIDE",
            "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL", "CAP_SETGID", "CAP_SETUID",
            "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN",
            "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT",
            "CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE",
            "CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE",
            "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN",
            "CAP_SYSLOG", "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF",
            "CAP_CHECKPOINT_RESTORE");

    private static Lab lab;
    private static NspawnMachine machine;

    @BeforeAll
    static void bootTheMachineAndEnableTheSocket() throws Exception {
        LabHost.assumeContainerRuntimesWork();
        lab = Lab.upNamed("sd");
        try {
            lab.stopDaemon();
            long started = System.nanoTime();
            machine = NspawnMachine.boot(lab);
            System.out.println("SystemdBootLabTest: " + machine.bootLine() + " ("
                    + (System.nanoTime() - started) / 1_000_000 + " ms with make install and the cached root)");
            machine.exec("systemctl", "enable", "--now", SOCKET).expectSuccess();
        } catch (Exception | AssertionError e) {
            tearDown();
            throw e;
        }
    }

    @AfterAll
    static void tearDown() {
        if (machine != null) {
            machine.close();
        }
        if (lab != null) {
            lab.close();
        }
    }

    @Test
    @Order(1)
    @Execution(ExecutionMode.SAME_THREAD)
    void firstAddThroughTheBridgePluginStartsTheServiceOnSystemdsSocket() throws Exception {
        assertEquals("enabled", machine.exec("systemctl", "is-enabled", SOCKET).stdout().trim());
        assertEquals("active", machine.exec("systemctl", "is-active", SOCKET).stdout().trim());
        assertEquals("inactive", machine.exec("systemctl", "is-active", SERVICE).stdout().trim(),
                "no daemon before the first call");

        String cidr = addressOf(add("p1"));
        assertInLabRange(cidr);
        assertEquals(List.of(cidr), lab.podAddresses("p1"));
        assertTrue(lab.serverHasLease(ip(cidr)), lab.diagnostics());
        assertEquals("active", machine.property(SERVICE, "ActiveState"), machine.journal(SERVICE));
        assertTrue(machine.journal(SERVICE).contains(
                "socket activation: serving the listening socket passed as fd 3 (/run/cni/dhcp.sock)"),
                machine.journal(SERVICE));
        assertEquals(List.of(cidr), heldAddresses(), "dhcp leases in the machine");
    }

    @Test
    @Order(2)
    @Execution(ExecutionMode.SAME_THREAD)
    void theServiceRunsWithExactlyTheUnitsCapabilities() throws Exception {
        String unit = machine.exec("cat", "/etc/systemd/system/" + SERVICE).expectSuccess().stdout();
        long bounding = mask(setting(unit, "CapabilityBoundingSet").orElseThrow());
        long ambient = setting(unit, "AmbientCapabilities").map(SystemdBootLabTest::mask).orElse(0L);
        String status = machine.exec("cat", "/proc/" + mainPid() + "/status").expectSuccess().stdout();

        assertEquals(names(bounding), names(statusMask(status, "CapBnd")), status);
        assertEquals(names(ambient), names(statusMask(status, "CapAmb")), status);
        // root without User=: permitted and effective are the whole bounding set, nothing inheritable
        assertEquals(names(bounding), names(statusMask(status, "CapEff")), status);
        assertEquals(names(bounding), names(statusMask(status, "CapPrm")), status);
        assertEquals(names(0), names(statusMask(status, "CapInh")), status);
        assertTrue(status.contains("\nNoNewPrivs:\t1\n"), "NoNewPrivileges=yes: " + status);
    }

    @Test
    @Order(3)
    @Execution(ExecutionMode.SAME_THREAD)
    void aRestartAndAKillMinus9OfTheServiceLoseNoLease() throws Exception {
        String[] before = serverLease("p1");
        String cidr = lab.podAddresses("p1").get(0);

        String first = mainPid();
        machine.exec("systemctl", "restart", SERVICE).expectSuccess();
        String second = mainPid();
        assertNotEquals(first, second, "a new daemon after the restart");
        // Type=simple: systemd counts it started at once; it reads its state directory right after
        assertTrue(Lab.await(Duration.ofSeconds(15), () -> recoveries() == 1),
                "the restarted daemon resumed the recorded lease" + machine.journal(SERVICE));
        assertEquals(List.of(cidr), heldAddresses(), "the restarted daemon holds the lease" + machine.journal(SERVICE));

        long restarts = Long.parseLong(machine.property(SERVICE, "NRestarts"));
        machine.exec("/bin/sh", "-c", "kill -9 " + second).expectSuccess(); // the shell's kill: minbase has no procps
        assertTrue(Lab.await(Duration.ofSeconds(30), () -> {
            String pid = mainPid();
            return !pid.equals("0") && !pid.equals(second) && "active".equals(machine.property(SERVICE, "ActiveState"));
        }), "systemd restarts the killed daemon" + machine.journal(SERVICE));
        assertEquals(restarts + 1, Long.parseLong(machine.property(SERVICE, "NRestarts")), machine.journal(SERVICE));
        assertTrue(Lab.await(Duration.ofSeconds(15), () -> recoveries() == 2),
                "the daemon after the kill resumed the recorded lease" + machine.journal(SERVICE));
        assertEquals(List.of(cidr), heldAddresses(), "the daemon after the kill holds the lease" + machine.journal(SERVICE));
        String[] after = serverLease("p1");
        assertEquals(before[1], after[1], "still leased to the pod's MAC at the server");

        // The third daemon renews the lease at T1 (half of dnsmasq's 2 minutes after the ADD) ...
        assertTrue(Lab.await(Duration.ofSeconds(90), () -> Long.parseLong(serverLease("p1")[0]) > Long.parseLong(before[0])),
                "the lease is renewed after the restarts" + lab.diagnostics() + machine.journal(SERVICE));
        // ... and releases it on DEL: it knows it as the first one did.
        del("p1");
        assertFalse(lab.serverHasLease(ip(cidr)), "released at DEL" + lab.diagnostics());
        assertEquals(List.of(), heldAddresses());
    }

    @Test
    @Order(4)
    @Execution(ExecutionMode.SAME_THREAD)
    void aPodNamespaceMadeAfterTheServiceStartedReachesItsPrivateMountNamespace() throws Exception {
        String pid = mainPid();
        assertNotEquals("0", pid, "the service runs" + machine.journal(SERVICE));
        // ProtectSystem=, PrivateTmp= and the like give the service a mount namespace of its own
        String own = machine.exec("readlink", "/proc/" + pid + "/ns/mnt").expectSuccess().stdout().trim();
        String machines = machine.exec("readlink", "/proc/1/ns/mnt").expectSuccess().stdout().trim();
        assertNotEquals(machines, own, "the service has a mount namespace of its own");

        String cidr = addressOf(add("p2")); // its /run/netns entry is made now, on this machine's side
        assertTrue(lab.serverHasLease(ip(cidr)), lab.diagnostics());
        assertTrue(heldAddresses().contains(cidr), cidr + " in dhcp leases");
        assertEquals(pid, mainPid(), "the same daemon served it");
        del("p2");
        assertFalse(lab.serverHasLease(ip(cidr)), "released at DEL" + lab.diagnostics());
    }

    // --- the pods: the runtime on the machine calls the reference bridge plugin, which calls ours ---

    private static JsonNode add(String pod) throws Exception {
        lab.podNetns(pod);
        return JSON.readTree(cni(pod, "ADD").expectSuccess().stdout());
    }

    private static void del(String pod) throws Exception {
        cni(pod, "DEL").expectSuccess();
        lab.removePodNetns(pod);
    }

    /**
     * A CNI command as a runtime on the machine runs it: the reference bridge plugin with CNI_PATH
     * {@code /opt/cni/bin} (where {@code make install} put ours) and the plain {@code "ipam": {"type":
     * "dhcp"}}, so our plugin talks to the default {@code /run/cni/dhcp.sock}, systemd's socket.
     */
    private static Command cni(String pod, String command) throws Exception {
        ObjectNode config = lab.netconf("bridge", "1.0.0");
        ((ObjectNode) config.get("ipam")).remove("daemonSocketPath");
        return machine.execWithInput(config.toString(), "CNI_COMMAND=" + command,
                "CNI_CONTAINERID=" + lab.name + "-" + pod, "CNI_NETNS=/run/netns/" + lab.name + "-" + pod,
                "CNI_IFNAME=eth0", "CNI_PATH=/opt/cni/bin:/usr/lib/cni", "/usr/lib/cni/bridge");
    }

    private static String ip(String cidr) {
        return cidr.substring(0, cidr.indexOf('/'));
    }

    /** dnsmasq's lease of the pod's address: {@code [expiry, mac, ip, ...]}. */
    private static String[] serverLease(String pod) throws IOException {
        String address = ip(lab.podAddresses(pod).get(0));
        return lab.serverLeases().stream().filter(l -> l.length > 2 && l[2].equals(address)).findFirst()
                .orElseThrow(() -> new AssertionError("no lease of " + address + " at the server" + lab.diagnostics()));
    }

    /** The addresses {@code dhcp leases --json} lists, run in the machine against its socket. */
    private static List<String> heldAddresses() throws Exception {
        JsonNode leases = JSON.readTree(machine.exec("/opt/cni/bin/dhcp", "leases", "--json").expectSuccess().stdout());
        List<String> out = new ArrayList<>();
        leases.forEach(l -> out.add(l.get("address").asText()));
        return out;
    }

    /** How many daemons found the one recorded lease in the state directory and resumed it. */
    private static long recoveries() {
        return machine.journal(SERVICE).lines().filter(l -> l.contains("recovered 1 of 1 recorded lease(s)")).count();
    }

    private static String mainPid() throws Exception {
        return machine.property(SERVICE, "MainPID");
    }

    // --- capabilities ---

    /** The value of {@code key=} in a unit file, its lines joined as systemd joins repeated ones. */
    private static Optional<String> setting(String unit, String key) {
        List<String> values = new ArrayList<>();
        for (String line : unit.split("\n")) {
            if (line.startsWith(key + "=")) {
                values.add(line.substring(key.length() + 1).trim());
            }
        }
        return values.isEmpty() ? Optional.empty() : Optional.of(String.join(" ", values));
    }

    private static long mask(String names) {
        long mask = 0;
        for (String name : names.trim().split("\\s+")) {
            int bit = CAPABILITIES.indexOf(name.toUpperCase());
            if (bit < 0) {
                throw new AssertionError("unknown capability in the unit: " + name);
            }
            mask |= 1L << bit;
        }
        return mask;
    }

    private static long statusMask(String status, String field) {
        for (String line : status.split("\n")) {
            if (line.startsWith(field + ":")) {
                return Long.parseUnsignedLong(line.substring(field.length() + 1).trim(), 16);
            }
        }
        throw new AssertionError("no " + field + " in " + status);
    }

    /** The capabilities of a mask by name, for readable assertion messages. */
    private static TreeSet<String> names(long mask) {
        TreeSet<String> out = new TreeSet<>();
        for (int bit = 0; bit < 64; bit++) {
            if ((mask & (1L << bit)) != 0) {
                out.add(bit < CAPABILITIES.size() ? CAPABILITIES.get(bit) : "cap_" + bit);
            }
        }
        return out;
    }
}
