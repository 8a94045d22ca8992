package dev.cnidhcp.daemon.server;

import dev.cnidhcp.cni.CniException;
import dev.cnidhcp.cni.CniVersion;
import dev.cnidhcp.cni.ErrorCode;
import dev.cnidhcp.daemon.cni.CniHandler;
import dev.cnidhcp.daemon.cni.Peer;
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
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The daemon's socket API: accepts plugin connections on a Unix socket and answers each with one
 * {@link WireResponse}.
 *
 * <p>Guards ({@link SocketPolicy}, docs/security.md): the socket file is 0600 (0660 with
 * {@code -socketgroup}) from its creation ({@link SocketFile}); every peer is checked by its
 * credentials ({@link PeerPolicy}) and a refused one gets error 105 without its request being
 * looked at; a request must arrive within the read timeout and stay under
 * {@link WireRequest#MAX_BYTES}; when the {@code requests} executor (bounded threads and queue) is
 * full, the connection is answered with error 11 ("busy, retry").
 *
 * <p>Threads: one acceptor thread ({@code cni-accept}); each connection is read, answered and closed
 * on a thread of the {@code requests} executor, so slow ADDs do not hold up others; connections the
 * executor refuses are answered on one {@code cni-refuse} thread (a bounded queue; beyond it they are
 * closed); {@code cni-deadline} closes connections whose request is late.
 */
public final class SocketServer implements Closeable {
    private static final Logger LOG = Logger.getLogger(SocketServer.class.getName());
    private static final long ACCEPT_BACKOFF_MILLIS = 200;
    /** Connections waiting for the {@code cni-refuse} thread at most; more are closed unanswered. */
    static final int MAX_QUEUED_REFUSALS = 64;

    private final Path path;
    private final CniHandler handler;
    private final ExecutorService requests;
    private final SocketPolicy policy;
    private final ReadDeadlines deadlines;
    private final ThreadPoolExecutor refusals;
    private ServerSocketChannel server;
    private Thread acceptor;
    private volatile boolean closing;
    /** The socket was passed in already listening: its file belongs to whoever made it. */
    private boolean adopted;

    /** Mode 0600, peers root and the daemon's user. */
    public SocketServer(Path path, CniHandler handler, ExecutorService requests) {
        this(path, handler, requests, SocketPolicy.of(PeerPolicy.NO_GROUP, ""));
    }

    public SocketServer(Path path, CniHandler handler, ExecutorService requests, SocketPolicy policy) {
        this.path = path;
        this.handler = handler;
        this.requests = requests;
        this.policy = policy;
        this.deadlines = new ReadDeadlines(policy.readTimeout());
        this.refusals = new ThreadPoolExecutor(1, 1, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(MAX_QUEUED_REFUSALS), r -> new Thread(r, "cni-refuse"));
        refusals.allowCoreThreadTimeOut(true);
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
        server = SocketFile.bind(path, policy.socketGroup());
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
                    // e.g. EMFILE: back off instead of spinning on an error that persists
                    LOG.log(Level.WARNING, "accept failed; retrying in " + ACCEPT_BACKOFF_MILLIS + " ms", e);
                    try {
                        Thread.sleep(ACCEPT_BACKOFF_MILLIS);
                    } catch (InterruptedException interrupted) {
                        return;
                    }
                }
                continue;
            }
            try {
                requests.execute(() -> serve(channel));
            } catch (RejectedExecutionException e) {
                refuseBusy(channel);
            }
        }
    }

    private void serve(SocketChannel channel) {
        Peer peer = policy.credentials().apply(channel);
        try (channel) {
            Optional<String> refusal = policy.peers().refusal(peer);
            // A refused peer's request is read and discarded, never kept in memory.
            Optional<byte[]> request = readRequest(channel, refusal.isEmpty());
            WireResponse response;
            if (refusal.isPresent()) {
                LOG.warning("refused a connection: " + refusal.get());
                response = error(ErrorCode.PERMISSION_DENIED, refusal.get());
            } else if (request.isEmpty()) {
                response = error(ErrorCode.IO_FAILURE, "request larger than " + WireRequest.MAX_BYTES + " bytes");
            } else {
                response = handler.handle(request.get(), peer);
            }
            write(channel, response);
        } catch (LateRequestException e) {
            LOG.warning(e.getMessage() + " (peer pid " + peer.pid() + ", uid " + peer.uid() + ")");
        } catch (IOException e) {
            LOG.log(Level.WARNING, "connection failed: " + e.getMessage());
        } catch (RuntimeException e) { // a bug must not cost the pool a thread silently
            LOG.log(Level.SEVERE, "request failed (peer pid " + peer.pid() + ")", e);
        }
    }

    /** Every request thread is busy and the queue full: answer "retry" from the refusal thread, or close. */
    private void refuseBusy(SocketChannel channel) {
        try {
            refusals.execute(() -> {
                try (channel) {
                    readRequest(channel, false); // read first: a client whose request is left unread sees a reset
                    write(channel, error(ErrorCode.TRY_AGAIN_LATER, "the DHCP daemon is busy (too many requests"
                            + " in flight); retry"));
                } catch (LateRequestException e) {
                    LOG.warning(e.getMessage());
                } catch (IOException e) {
                    LOG.log(Level.WARNING, "connection failed: " + e.getMessage());
                }
            });
            LOG.warning("too many requests in flight; answering a connection with \"busy, retry\"");
        } catch (RejectedExecutionException e) {
            LOG.warning("too many requests in flight and refusals queued; closing a connection unanswered");
            closeQuietly(channel);
        }
    }

    /**
     * The request bytes, or empty when larger than the limit.
     *
     * @throws LateRequestException when the client did not send a whole request (and half-close)
     *                              within the read timeout; the channel is closed
     */
    private Optional<byte[]> readRequest(SocketChannel channel, boolean keep) throws IOException {
        ReadDeadlines.Deadline deadline = deadlines.start(channel);
        try (deadline) {
            return Optional.ofNullable(readAll(channel, keep));
        } catch (IOException e) {
            if (deadline.expired()) {
                throw new LateRequestException("closed a connection that sent no complete request within "
                        + policy.readTimeout().toMillis() + " ms");
            }
            throw e;
        }
    }

    /** A client too slow to send its request. */
    private static final class LateRequestException extends IOException {
        private static final long serialVersionUID = 1L;

        LateRequestException(String message) {
            super(message);
        }
    }

    private static WireResponse error(int code, String message) {
        return new WireResponse(1, new CniException(code, message).toJson(CniVersion.LATEST));
    }

    private static void write(SocketChannel channel, WireResponse response) throws IOException {
        ByteBuffer out = ByteBuffer.wrap(response.encode());
        while (out.hasRemaining()) {
            channel.write(out);
        }
    }

    /**
     * Reads until the client half-closes; null when the request exceeds the size limit. Without
     * {@code keep} the bytes are counted and dropped (an empty array is returned).
     */
    private static byte[] readAll(SocketChannel channel, boolean keep) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(keep ? 2048 : 0);
        long total = 0;
        ByteBuffer buffer = ByteBuffer.allocate(8192);
        while (channel.read(buffer) >= 0) {
            total += buffer.position();
            if (keep) {
                bytes.write(buffer.array(), 0, buffer.position());
            }
            buffer.clear();
            if (total > WireRequest.MAX_BYTES) {
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
        refusals.shutdownNow();
        deadlines.close();
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
