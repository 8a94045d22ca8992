package dev.cnidhcp.daemon.server;

import dev.cnidhcp.daemon.cni.RequestHandler;
import dev.cnidhcp.wire.WireRequest;
import dev.cnidhcp.wire.WireResponse;

import java.io.Closeable;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * The daemon's socket API: accepts plugin connections on a Unix socket and answers each with one
 * {@link WireResponse}.
 *
 * <p>Guards ({@link SocketPolicy}, docs/security.md): the socket file is 0600 (0660 with
 * {@code -socketgroup}) from its creation ({@link SocketFile}); every peer is checked by its
 * credentials ({@link PeerPolicy}) and a refused one gets error 105 without its request being
 * looked at; a request must arrive within the read timeout of its accept and stay under
 * {@link WireRequest#MAX_BYTES}; request bytes in memory are bounded ({@link #MAX_REQUEST_BYTES});
 * when a request's lane is full, it is answered with error 11 ("busy, retry").
 *
 * <p>Threads: {@code cni-io} accepts and reads every connection ({@link ConnectionLoop}); the lanes'
 * threads ({@link RequestLanes}: ADD apart from everything else) run the requests and write the
 * answers.
 */
public final class SocketServer implements Closeable {
    private static final Logger LOG = Logger.getLogger(SocketServer.class.getName());
    /** Request bytes kept in memory at once (read, queued or running), of the daemon's 64 MiB heap. */
    static final long MAX_REQUEST_BYTES = 16L << 20;

    private final Path path;
    private final RequestHandler handler;
    private final RequestLanes lanes;
    private final SocketPolicy policy;
    private final ByteBudget budget = new ByteBudget(MAX_REQUEST_BYTES);
    private Listener listener;
    private ConnectionLoop loop;
    private Thread io;
    /** The socket was passed in already listening: its file belongs to whoever made it. */
    private boolean adopted;

    /** Mode 0600, peers root and the daemon's user. */
    public SocketServer(Path path, RequestHandler handler, RequestLanes lanes) {
        this(path, handler, lanes, SocketPolicy.of(PeerPolicy.NO_GROUP, ""));
    }

    public SocketServer(Path path, RequestHandler handler, RequestLanes lanes, SocketPolicy policy) {
        this.path = path;
        this.handler = handler;
        this.lanes = lanes;
        this.policy = policy;
    }

    /**
     * Binds the socket (mode 0600, or 0660 with the policy's group; parent directories created) and
     * starts accepting. A stale socket file left by a dead daemon is replaced; a live daemon on the
     * same path is an error.
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
        serve(SocketFile.bind(path, policy.socketGroup()));
        LOG.info("listening on " + path);
    }

    /**
     * Starts accepting on the listening socket that systemd passed as {@code fd} (socket activation).
     * {@link #close()} closes it but leaves its file to its owner.
     *
     * @return the path the socket is bound to, when it has one
     * @throws IOException when {@code fd} is not a listening Unix stream socket
     */
    public Optional<Path> startInherited(int fd) throws IOException {
        Listener inherited;
        try {
            inherited = InheritedSocket.adoptListeningUnix(fd);
        } catch (IOException e) {
            throw new IOException("socket activation: " + e.getMessage(), e);
        }
        adopted = true;
        serve(inherited);
        return inherited.boundPath();
    }

    private void serve(Listener bound) throws IOException {
        try {
            loop = new ConnectionLoop(bound, policy, handler, lanes, budget);
        } catch (IOException e) {
            bound.close();
            throw e;
        }
        listener = bound;
        io = new Thread(loop, "cni-io");
        io.setDaemon(true);
        io.start();
    }

    private static boolean answers(Path path) {
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            probe.connect(UnixDomainSocketAddress.of(path));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Request bytes held now (for tests: all released once every request is answered). */
    long bytesInFlight() {
        return budget.used();
    }

    @Override
    public void close() {
        if (loop != null) {
            loop.stop();
            try {
                io.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (!io.isAlive()) {
                loop.release();
                listener.close();
            }
            if (!adopted) { // only a socket this server bound is removed, never another daemon's
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    LOG.warning("cannot remove socket " + path + ": " + e.getMessage());
                }
            }
        }
        lanes.close();
    }
}
