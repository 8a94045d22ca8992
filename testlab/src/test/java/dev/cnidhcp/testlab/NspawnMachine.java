package dev.cnidhcp.testlab;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A Debian 12 machine booted by {@code systemd-nspawn --boot} in a lab's node namespace, with the
 * project installed by {@code make install} ({@code testlab/scripts/systemd-lab.sh}). Its systemd is
 * its PID 1; commands run inside through {@code nsenter} into that PID 1's namespaces, the runtime's
 * plugin calls too (the machine is the node: the lab's node namespace is its network namespace, and
 * the reference plugins are in its /usr/lib/cni). The thread
 * that boots it owns it; {@link #close()} powers it off and removes its overlay and files, and a
 * shutdown hook does the same if the test JVM dies first.
 */
final class NspawnMachine implements AutoCloseable {
    private static final Path SCRIPT = Path.of(System.getProperty("lab.script", "scripts/lab.sh"))
            .resolveSibling("systemd-lab.sh");
    /** Building the cached root on a first run (debootstrap, a JRE from the mirror) included. */
    private static final long BOOT_SECONDS = 900;

    private final String lab;
    private final Teardown teardown;
    private final String bootLine;

    private NspawnMachine(String lab, String bootLine, Teardown teardown) {
        this.lab = lab;
        this.bootLine = bootLine;
        this.teardown = teardown;
    }

    /** Boots a machine in the node namespace of {@code lab}, which must be up without a daemon of its own. */
    static NspawnMachine boot(Lab lab) throws IOException, InterruptedException {
        Teardown teardown = Teardown.atExit("machine-cleanup-" + lab.name, () -> down(lab.name));
        Command boot = script(BOOT_SECONDS, "boot", lab.name);
        NspawnMachine machine = new NspawnMachine(lab.name, boot.stdout().trim(), teardown);
        if (boot.exit() != 0) {
            machine.close();
            throw new IOException("the machine did not boot: " + boot.stdout() + boot.stderr());
        }
        return machine;
    }

    /** What the boot printed: its state, how long it took, the PID of the machine's PID 1. */
    String bootLine() {
        return bootLine;
    }

    /** {@code command} inside the machine, as root there, with a clean environment. */
    Command exec(String... command) throws IOException, InterruptedException {
        return execWithInput("", command);
    }

    /**
     * As {@link #exec}, fed {@code stdin}; {@code command} may start with {@code NAME=VALUE} words,
     * which set the command's environment (env(1) style).
     */
    Command execWithInput(String stdin, String... command) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of(SCRIPT.toString(), "exec", lab));
        args.addAll(Arrays.asList(command));
        return Command.run(args, Map.of(), stdin, 120);
    }

    /** {@code systemctl show -p PROPERTY --value UNIT} inside the machine. */
    String property(String unit, String property) throws IOException, InterruptedException {
        return exec("systemctl", "show", "-p", property, "--value", unit).expectSuccess().stdout().trim();
    }

    /** The machine's {@code /run/cni/dhcp.sock} as this machine (and the lab's node namespace) sees it. */
    Path socket() throws IOException, InterruptedException {
        return Path.of(script(10, "socket", lab).expectSuccess().stdout().trim());
    }

    /** The machine's journal for {@code unit}, for assertion messages; never throws. */
    String journal(String unit) {
        try {
            Command journal = exec("journalctl", "--no-pager", "-o", "short-monotonic", "-u", unit);
            return "\n--- journal of " + unit + " ---\n" + journal.stdout() + journal.stderr();
        } catch (IOException | InterruptedException e) {
            return "\n(cannot read the journal of " + unit + ": " + e.getMessage() + ")";
        }
    }

    private static Command script(long timeoutSeconds, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(SCRIPT.toString()));
        command.addAll(Arrays.asList(args));
        return Command.run(command, Map.of(), "", timeoutSeconds);
    }

    private static void down(String lab) {
        try {
            Command down = script(120, "down", lab);
            if (down.exit() != 0) {
                System.err.println("machine of lab " + lab + ": cleanup failed: " + down.stderr());
            }
        } catch (IOException | InterruptedException e) {
            System.err.println("machine of lab " + lab + ": cleanup failed: " + e.getMessage());
        }
    }

    @Override
    public void close() {
        teardown.run();
    }
}
