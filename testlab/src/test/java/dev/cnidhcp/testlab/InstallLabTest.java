package dev.cnidhcp.testlab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code make install PREFIX=...}: the distribution under PREFIX/opt/cni-dhcp, PREFIX/opt/cni/bin/dhcp
 * a link to its native bin/dhcp, the units under PREFIX/etc/systemd/system; through the link, a CNI
 * call is answered and a command reaches the JVM launcher lib/dhcp-jvm of the installed tree.
 */
@Tag("lab")
@Timeout(300)
class InstallLabTest {
    private static final Path DIST = Path.of(System.getProperty("dist.dir", "../dist")).toAbsolutePath().normalize();
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path prefix;

    private Command makeInstall() throws Exception {
        return Command.run(List.of("make", "-s", "-C", DIST.getParent().toString(), "install", "PREFIX=" + prefix),
                Map.of(), "", 240).expectSuccess();
    }

    @Test
    void installsTheForwarderUnderOptCniBinWithItsJvmLauncherAndTheUnits() throws Exception {
        makeInstall();
        Path home = prefix.resolve("opt/cni-dhcp");
        Path link = prefix.resolve("opt/cni/bin/dhcp");
        assertTrue(Files.isSymbolicLink(link), link + " is a link");
        assertTrue(!Files.readSymbolicLink(link).isAbsolute(), "relative, so it holds under any root");
        assertEquals(home.resolve("bin/dhcp").toRealPath(), link.toRealPath());
        assertTrue(Files.isExecutable(home.resolve("lib/dhcp-jvm")));
        for (String unit : List.of("cni-dhcp.socket", "cni-dhcp.service")) {
            assertArrayEquals(Files.readAllBytes(DIST.resolve("systemd").resolve(unit)),
                    Files.readAllBytes(prefix.resolve("etc/systemd/system").resolve(unit)), unit);
        }
        assertPluginAnswersThroughTheLink(link);
        assertCommandsReachTheJvmThroughTheLink(link);
    }

    @Test
    void installingAgainReplacesTheTreeAndLeavesNothingBehind() throws Exception {
        makeInstall();
        Files.writeString(prefix.resolve("opt/cni-dhcp/lib/stale.jar"), "from an older version");
        makeInstall();
        try (Stream<Path> opt = Files.list(prefix.resolve("opt"))) {
            assertEquals(List.of("cni", "cni-dhcp"), opt.map(p -> p.getFileName().toString()).sorted().toList());
        }
        assertTrue(!Files.exists(prefix.resolve("opt/cni-dhcp/lib/stale.jar")), "the old tree is gone");
        try (Stream<Path> bin = Files.list(prefix.resolve("opt/cni/bin"))) {
            assertEquals(List.of("dhcp"), bin.map(p -> p.getFileName().toString()).toList());
        }
        assertPluginAnswersThroughTheLink(prefix.resolve("opt/cni/bin/dhcp"));
    }

    /** An ADD through the installed link: the forwarder answers code 11 (no daemon) as JSON. */
    private void assertPluginAnswersThroughTheLink(Path dhcp) throws Exception {
        String config = "{\"cniVersion\":\"1.0.0\",\"name\":\"net1\",\"type\":\"bridge\",\"ipam\":{\"type\":\"dhcp\","
                + "\"daemonSocketPath\":\"" + prefix.resolve("none.sock") + "\"}}";
        Command add = Command.run(List.of(dhcp.toString()), Map.of("CNI_COMMAND", "ADD", "CNI_CONTAINERID", "c1",
                "CNI_NETNS", "/run/netns/none", "CNI_IFNAME", "eth0", "CNI_PATH", "/opt/cni/bin"), config, 30);
        JsonNode answer = JSON.readTree(add.stdout().isBlank() ? "{}" : add.stdout());
        assertEquals(11, answer.path("code").asInt(), add.stdout() + add.stderr());
    }

    /**
     * `dhcp status` through the link: the forwarder finds lib/dhcp-jvm of the installed tree (through
     * /proc/self/exe, not the link's directory), whose JVM reports the absent daemon with exit code 2.
     */
    private void assertCommandsReachTheJvmThroughTheLink(Path dhcp) throws Exception {
        Command status = Command.run(List.of(dhcp.toString(), "status", "-socketpath", prefix.resolve("none.sock").toString()),
                Map.of(), "", 60);
        assertEquals(2, status.exit(), status.stdout() + status.stderr());
        assertTrue(status.stdout().startsWith("unreachable: no answer from the DHCP lease daemon at "),
                status.stdout() + status.stderr());
    }
}
