package dev.cnidhcp.plugin;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The training run `make` records the plugin's class data sharing archive from: one plugin call of each
 * kind (a successful ADD against a stand-in daemon answering on a temporary Unix socket, an ADD with no
 * daemon, a VERSION), in one JVM, so the archive holds every class a real call loads. Build-time only;
 * it touches nothing but its own temporary directory. Exit code 0 when every call behaved.
 */
public final class CdsTraining {
    private static final String ANSWER = "{\"cniVersion\":\"1.0.0\",\"ips\":[{\"address\":\"192.0.2.10/24\"}]}";

    private CdsTraining() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("cni-dhcp-cds");
        Path socket = dir.resolve("dhcp.sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            Thread daemon = new Thread(new StandInDaemon(server), "cds-stand-in-daemon");
            daemon.start();
            boolean ok = call("ADD", socket) == 0;
            daemon.join();
            ok &= call("ADD", dir.resolve("absent.sock")) == 1;
            ok &= call("VERSION", socket) == 0;
            if (!ok) {
                System.err.println("cds training: a plugin call did not behave as expected");
                System.exit(1);
            }
        } finally {
            Files.deleteIfExists(socket);
            Files.delete(dir);
        }
    }

    private static int call(String command, Path socket) {
        Map<String, String> env = new HashMap<>();
        env.put("CNI_COMMAND", command);
        env.put("CNI_CONTAINERID", "cds-training");
        env.put("CNI_NETNS", "/var/run/netns/cds-training");
        env.put("CNI_IFNAME", "eth0");
        env.put("CNI_PATH", "/opt/cni/bin");
        String config = "{\"cniVersion\":\"1.0.0\",\"name\":\"cds\",\"type\":\"bridge\",\"ipam\":{\"type\":\"dhcp\","
                + "\"daemonSocketPath\":\"" + socket + "\"}}";
        PrintStream discard = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        return new Plugin(env, new ByteArrayInputStream(config.getBytes(StandardCharsets.UTF_8)), discard).run();
    }

    /** Answers one request the way the daemon does: reads it to its end, writes "0\n" and a result. */
    private static final class StandInDaemon implements Runnable {
        private final ServerSocketChannel server;

        StandInDaemon(ServerSocketChannel server) {
            this.server = server;
        }

        @Override
        public void run() {
            try (SocketChannel peer = server.accept()) {
                ByteBuffer in = ByteBuffer.allocate(8192);
                while (peer.read(in) >= 0) {
                    in.clear();
                }
                ByteBuffer out = ByteBuffer.wrap(("0\n" + ANSWER).getBytes(StandardCharsets.UTF_8));
                while (out.hasRemaining()) {
                    peer.write(out);
                }
            } catch (IOException e) {
                System.err.println("cds training: stand-in daemon: " + e);
            }
        }
    }
}
