package dev.cnidhcp.plugin;

import dev.cnidhcp.wire.WireRequest;
import dev.cnidhcp.wire.WireResponse;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

/** One round trip to the daemon over its Unix socket, with the JDK's own Unix-domain channels. */
final class DaemonClient {
    private final Path socketPath;

    DaemonClient(Path socketPath) {
        this.socketPath = socketPath;
    }

    /** Sends the request, half-closes, and reads the whole answer. */
    WireResponse call(WireRequest request) throws IOException {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socketPath));
            ByteBuffer out = ByteBuffer.wrap(request.encode());
            while (out.hasRemaining()) {
                channel.write(out);
            }
            channel.shutdownOutput();
            ByteArrayOutputStream answer = new ByteArrayOutputStream(1024);
            ByteBuffer in = ByteBuffer.allocate(8192);
            while (channel.read(in) >= 0) {
                answer.write(in.array(), 0, in.position());
                in.clear();
            }
            return WireResponse.decode(answer.toByteArray());
        }
    }
}
