package dev.cnidhcp.daemon.doctor;

import dev.cnidhcp.plugin.DaemonClient;
import dev.cnidhcp.wire.AdminCommand;
import dev.cnidhcp.wire.WireResponse;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

/** The admin requests of {@code dhcp status} and {@code dhcp leases} over the daemon's socket, 10 s each. */
final class SocketDaemonQuery implements DaemonQuery {
    static final Duration DEADLINE = Duration.ofSeconds(10);

    private final Path socket;

    SocketDaemonQuery(Path socket) {
        this.socket = socket;
    }

    @Override
    public String status() throws IOException {
        return ask(AdminCommand.DAEMON_STATUS);
    }

    @Override
    public String leases() throws IOException {
        return ask(AdminCommand.LEASES);
    }

    private String ask(String command) throws IOException {
        WireResponse answer = new DaemonClient(socket, DEADLINE).call(AdminCommand.request(command));
        if (answer.exitCode() != 0) {
            throw new IOException("it refused " + command + ": " + answer.stdout());
        }
        return answer.stdout();
    }
}
