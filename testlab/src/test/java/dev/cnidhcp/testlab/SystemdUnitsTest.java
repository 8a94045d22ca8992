package dev.cnidhcp.testlab;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The systemd units `make` ships in dist/systemd: the reference's names and paths, and valid for
 * {@code systemd-analyze verify} (checked on copies whose ExecStart is the built dist/bin/dhcp, since
 * verify requires the executable to exist).
 */
@Tag("lab")
class SystemdUnitsTest {
    private static final Path DIST = Path.of(System.getProperty("dist.dir", "../dist")).toAbsolutePath().normalize();

    @TempDir
    Path tmp;

    @Test
    void socketListensOnTheReferencePathForRootOnly() throws Exception {
        String socket = Files.readString(DIST.resolve("systemd/cni-dhcp.socket"));
        assertTrue(socket.contains("\nListenStream=/run/cni/dhcp.sock\n"), socket);
        assertTrue(socket.contains("\nSocketMode=0600\n"), socket);
    }

    @Test
    void serviceRunsTheDaemonFromTheCniBinDirectoryOnTheSocket() throws Exception {
        String service = Files.readString(DIST.resolve("systemd/cni-dhcp.service"));
        assertTrue(service.contains("\nExecStart=/opt/cni/bin/dhcp daemon\n"), service);
        assertTrue(service.contains("\nRequires=cni-dhcp.socket\n"), service);
        assertTrue(service.contains("\nAfter=cni-dhcp.socket"), service);
    }

    @Test
    void unitsPassSystemdAnalyzeVerify() throws Exception {
        assumeTrue(Command.onPath("systemd-analyze"),
                "systemd-analyze is not installed (Debian: apt-get install systemd; testlab/scripts/install-deps.sh does)");
        String dhcp = DIST.resolve("bin/dhcp").toString();
        for (String unit : new String[] {"cni-dhcp.socket", "cni-dhcp.service"}) {
            Files.writeString(tmp.resolve(unit),
                    Files.readString(DIST.resolve("systemd").resolve(unit)).replace("/opt/cni/bin/dhcp", dhcp));
        }
        Command verify = Command.run("systemd-analyze", "verify", "--man=no",
                tmp.resolve("cni-dhcp.socket").toString(), tmp.resolve("cni-dhcp.service").toString());
        assertEquals(0, verify.exit(), verify.stdout() + verify.stderr());
        assertEquals("", unitLines(verify.stdout() + verify.stderr()), "no warning about our units");
    }

    /** The lines of systemd-analyze's output about our unit files (it may also comment on the host's). */
    private static String unitLines(String output) {
        StringBuilder out = new StringBuilder();
        for (String line : output.split("\n")) {
            if (line.contains("cni-dhcp")) {
                out.append(line).append('\n');
            }
        }
        return out.toString();
    }
}
