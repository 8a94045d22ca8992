package dev.cnidhcp.daemon.server;

import dev.cnidhcp.cni.CniException;
import dev.cnidhcp.cni.CniVersion;
import dev.cnidhcp.cni.ErrorCode;
import dev.cnidhcp.daemon.cni.CniHandler;
import dev.cnidhcp.daemon.cni.Peer;
import dev.cnidhcp.daemon.netns.SocketCredentials;
import dev.cnidhcp.wire.WireRequest;
import dev.cnidhcp.wire.WireResponse;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The daemon's socket API: accepts plugin connections on a Unix socket and answers each with one
 * {@link WireResponse}.
 *
 * <p>Threads: one acceptor thread ({@code cni-accept}); each connection is read, answered and closed
 * on a thread of the {@code requests} executor, so slow ADDs do not hold up others.
 */
public final class SocketServer implements Closeable {
    private static final Logger LOG = Logger.getLogger(SocketServer.class.getName());

    private final Path path;
    private final CniHandler handler;
    private final ExecutorService requests;
    private ServerSocketChannel server;
    private Thread acceptor;
    private volatile boolean closing;
    /** The socket was passed in already listening: its file belongs to whoever made it. */
    private boolean adopted;

    public SocketServer(Path path, CniHandler handler, ExecutorService requests) {
        this.path = path;
        this.handler = handler;
        this.requests = requests;
    }

    /**
     * Binds the socket (mode 0600, parent directories created) and starts accepting. A stale socket
     * file left by a dead daemon is replaced; a live daemon on the same path is an error.
     */
    public void start() throws IOException {
        Path parent = path.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        if (Files.exists(path)) {
            if (answers(path)) {
                throw new IOException("another daemon is already listening on " + path);
            }
            LOG.info("removing stale socket " + path);
            Files.delete(path);
        }
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(path));
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
        acceptor = new Thread(this::acceptLoop, "cni-accept");
        acceptor.start();
        LOG.info("listening on " + path);
    }

    /**
     * Starts accepting on a socket that is already bound and listening (systemd socket activation).
     * {@link #close()} closes it but leaves its file to its owner.
     */
    public void start(ServerSocketChannel listening) {
        server = listening;
        adopted = true;
        acceptor = new Thread(this::acceptLoop, "cni-accept");
        acceptor.start();
    }

    private static boolean answers(Path path) {
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            probe.connect(UnixDomainSocketAddress.of(path));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private void acceptLoop() {
        while (!closing) {
            SocketChannel channel;
            try {
                channel = server.accept();
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                if (!closing) {
                    LOG.log(Level.WARNING, "accept failed", e);
                }
                continue;
            }
            try {
                requests.execute(() -> serve(channel));
            } catch (RejectedExecutionException e) {
                LOG.warning("too many requests in flight; refusing a connection");
                closeQuietly(channel);
            }
        }
    }

    private void serve(SocketChannel channel) {
        try (channel) {
            Peer peer = SocketCredentials.of(channel);
            byte[] request = readAll(channel);
            WireResponse response = request == null
                    ? new WireResponse(1, new CniException(ErrorCode.IO_FAILURE,
                            "request larger than " + WireRequest.MAX_BYTES + " bytes").toJson(CniVersion.LATEST))
                    : handler.handle(request, peer);
            ByteBuffer out = ByteBuffer.wrap(response.encode());
            while (out.hasRemaining()) {
                channel.write(out);
            }
        } catch (IOException e) {
            LOG.log(Level.WARNING, "connection failed: " + e.getMessage());
        }
    }

    /** Reads until the client half-closes; null when the request exceeds the size limit. */
    private static byte[] readAll(SocketChannel channel) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(2048);
        ByteBuffer buffer = ByteBuffer.allocate(8192);
        while (channel.read(buffer) >= 0) {
            bytes.write(buffer.array(), 0, buffer.position());
            buffer.clear();
            if (bytes.size() > WireRequest.MAX_BYTES) {
                return null;
            }
        }
        return bytes.toByteArray();
    }

    @Override
    public void close() {
        closing = true;
        try {
            if (server != null) { // only a socket this server bound is removed, never another daemon's
                server.close();
                if (!adopted) {
                    Files.deleteIfExists(path);
                }
            }
        } catch (IOException e) {
            LOG.warning("cannot remove socket " + path + ": " + e.getMessage());
        }
        requests.shutdown();
        try {
            requests.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing to do
        }
    }
}
