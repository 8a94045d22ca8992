package dev.cnidhcp.daemon.server;

import dev.cnidhcp.cni.ErrorCode;
import dev.cnidhcp.daemon.cni.Peer;
import dev.cnidhcp.daemon.cni.RequestHandler;
import dev.cnidhcp.wire.WireRequest;
import dev.cnidhcp.wire.WireResponse;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The {@code cni-io} thread: accepts connections and reads their requests, all of them at once with
 * poll(2), so that no slow or silent client holds a thread. Each connection's read deadline counts
 * from its accept. A request read whole goes to its lane ({@link RequestLanes}); the short answers
 * given here without running anything (105 to a refused peer, 5 to an oversized request, 11 when the
 * lane or the byte budget is full) are written without waiting, which a fresh socket's buffer allows.
 *
 * <p>Bounds: at most {@link #MAX_READING} connections are read at once (beyond, new ones wait in the
 * kernel's backlog); request bytes kept in memory, until answered, are limited by the {@link ByteBudget}.
 * A refused peer's request is read and dropped, never kept. Only this thread touches the connections
 * being read and the listener; {@link #stop} may be called from any thread.
 */
final class ConnectionLoop implements Runnable {
    private static final Logger LOG = Logger.getLogger(ConnectionLoop.class.getName());
    static final int MAX_READING = 1024;
    private static final int ACCEPTS_PER_ROUND = 64;
    private static final long ACCEPT_BACKOFF_MILLIS = 200;

    private final Listener listener;
    private final SocketPolicy policy;
    private final RequestHandler handler;
    private final RequestLanes lanes;
    private final ByteBudget budget;
    private final int wakeRead;
    private final int wakeWrite;
    private final List<Reading> reading = new ArrayList<>();
    private final byte[] chunk = new byte[8192];
    private final AtomicBoolean stopRequested = new AtomicBoolean();
    private volatile boolean stopping;

    ConnectionLoop(Listener listener, SocketPolicy policy, RequestHandler handler, RequestLanes lanes,
                   ByteBudget budget) throws IOException {
        this.listener = listener;
        this.policy = policy;
        this.handler = handler;
        this.lanes = lanes;
        this.budget = budget;
        int[] pipe = new int[2];
        if (SocketNative.LIBC.pipe2(pipe, SocketLibC.O_NONBLOCK | SocketLibC.O_CLOEXEC) != 0) {
            throw SocketNative.failure("pipe2", "wake-up pipe");
        }
        wakeRead = pipe[0];
        wakeWrite = pipe[1];
    }

    /** One connection whose request is being read. */
    private final class Reading {
        final Connection connection;
        final Optional<String> refusal;
        final long deadline;
        ByteArrayOutputStream kept;
        long total;
        long reserved;
        boolean oversized;
        boolean overBudget;

        Reading(Connection connection, Optional<String> refusal) {
            this.connection = connection;
            this.refusal = refusal;
            this.deadline = connection.acceptedNanos() + policy.readTimeout().toNanos();
            this.kept = refusal.isEmpty() ? new ByteArrayOutputStream(2048) : null;
        }

        /** Reads what has arrived: true at the end of the request. */
        boolean readMore() throws IOException {
            while (true) {
                int n = connection.readAvailable(chunk);
                if (n < 0) {
                    return true;
                }
                if (n == 0) {
                    return false;
                }
                total += n;
                if (kept == null) {
                    continue;
                }
                if (total > WireRequest.MAX_BYTES) {
                    oversized = true;
                    drop();
                } else if (!budget.tryReserve(n)) {
                    overBudget = true;
                    drop();
                } else {
                    reserved += n;
                    kept.write(chunk, 0, n);
                }
            }
        }

        /** From now on the bytes are counted and dropped. */
        void drop() {
            kept = null;
            release();
        }

        void release() {
            budget.release(reserved);
            reserved = 0;
        }
    }

    @Override
    public void run() {
        try {
            while (!stopping) {
                try {
                    round();
                } catch (RuntimeException | Error e) { // a bug must not end the daemon's only acceptor
                    LOG.log(Level.SEVERE, "cni-io: unexpected failure; going on in 200 ms", e);
                    backOff();
                }
            }
        } finally {
            for (Reading r : reading) {
                r.release();
                r.connection.close();
            }
            reading.clear();
        }
    }

    private static void backOff() {
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void round() {
        int n = reading.size();
        boolean accepting = n < MAX_READING;
        Poll poll = new Poll(n + 2);
        poll.set(0, wakeRead, SocketLibC.POLLIN);
        poll.set(1, accepting ? listener.fd() : -1, SocketLibC.POLLIN); // poll ignores a negative fd
        long now = System.nanoTime();
        long nearest = Long.MAX_VALUE;
        for (int i = 0; i < n; i++) {
            Reading r = reading.get(i);
            poll.set(i + 2, r.connection.fd(), SocketLibC.POLLIN);
            nearest = Math.min(nearest, r.deadline - now);
        }
        int timeout = nearest == Long.MAX_VALUE ? -1 : (int) Math.min(Integer.MAX_VALUE,
                Math.max(0, (nearest + 999_999) / 1_000_000));
        try {
            poll.await(timeout);
        } catch (IOException e) {
            LOG.log(Level.WARNING, "poll failed; retrying in " + ACCEPT_BACKOFF_MILLIS + " ms", e);
            pause();
            return;
        }
        if (poll.returned(0) != 0) {
            drainWakeUps();
        }
        if (stopping) {
            return;
        }
        now = System.nanoTime();
        for (int i = n - 1; i >= 0; i--) {
            Reading r = reading.get(i);
            if (poll.returned(i + 2) != 0) {
                boolean whole;
                try {
                    whole = r.readMore();
                } catch (IOException e) {
                    LOG.warning("connection failed: " + e.getMessage());
                    remove(i).connection.close();
                    continue;
                }
                if (whole) {
                    complete(remove(i));
                    continue;
                }
            }
            if (now - r.deadline >= 0) {
                remove(i);
                LOG.warning("closed a connection that sent no complete request within "
                        + policy.readTimeout().toMillis() + " ms of its accept (peer pid " + r.connection.peer().pid()
                        + ", uid " + r.connection.peer().uid() + ")");
                r.connection.close();
            }
        }
        if (accepting && poll.returned(1) != 0) {
            acceptSome(now);
        }
    }

    /** Removes entry {@code i} (order does not matter: the last takes its place) and frees its bytes. */
    private Reading remove(int i) {
        Reading r = reading.get(i);
        int last = reading.size() - 1;
        reading.set(i, reading.get(last));
        reading.remove(last);
        r.release();
        return r;
    }

    private void acceptSome(long now) {
        for (int k = 0; k < ACCEPTS_PER_ROUND && reading.size() < MAX_READING; k++) {
            int fd;
            try {
                fd = listener.accept();
            } catch (IOException e) { // e.g. EMFILE: back off instead of spinning on an error that persists
                LOG.log(Level.WARNING, "accept failed; retrying in " + ACCEPT_BACKOFF_MILLIS + " ms", e);
                pause();
                return;
            }
            if (fd < 0) {
                return;
            }
            Peer peer = policy.credentials().apply(fd);
            reading.add(new Reading(new Connection(fd, peer, now), policy.peers().refusal(peer)));
        }
    }

    /** The request is in: answered here when it cannot run, else handed to its lane. */
    private void complete(Reading r) {
        Connection c = r.connection;
        if (r.refusal.isPresent()) {
            LOG.warning("refused a connection: " + r.refusal.get());
            answerAndClose(c, RequestLanes.error(ErrorCode.PERMISSION_DENIED, r.refusal.get()));
        } else if (r.oversized) {
            answerAndClose(c, RequestLanes.error(ErrorCode.IO_FAILURE, "request larger than "
                    + WireRequest.MAX_BYTES + " bytes"));
        } else if (r.overBudget) {
            LOG.warning("requests in memory reached " + budget.limit() + " bytes; answering one with \"busy, retry\"");
            answerAndClose(c, RequestLanes.busy("the DHCP daemon is busy (too many request bytes in flight); retry"));
        } else {
            long reserved = r.reserved;
            r.reserved = 0; // now the lane's to release
            Optional<String> busy = lanes.submit(new RequestLanes.Request(c, r.kept.toByteArray(),
                    () -> budget.release(reserved)), handler, policy.readTimeout());
            if (busy.isPresent()) {
                budget.release(reserved);
                LOG.warning(busy.get() + ": answered a connection with \"busy, retry\"");
                answerAndClose(c, RequestLanes.busy(busy.get()));
            }
        }
    }

    private static void answerAndClose(Connection c, WireResponse response) {
        if (!c.offer(response.encode())) {
            LOG.info("could not write a short answer: the caller has gone or does not read");
        }
        c.close();
    }

    private void drainWakeUps() {
        byte[] sink = new byte[64];
        while (SocketNative.LIBC.read(wakeRead, sink, sink.length) > 0) {
            // empty the pipe
        }
    }

    private void pause() {
        try {
            Thread.sleep(ACCEPT_BACKOFF_MILLIS);
        } catch (InterruptedException e) {
            stopping = true;
        }
    }

    /** Makes {@link #run} return soon; connections still being read are closed unanswered. */
    void stop() {
        if (stopRequested.compareAndSet(false, true)) {
            stopping = true;
            SocketNative.LIBC.write(wakeWrite, new byte[] {1}, 1);
        }
    }

    /** Frees the wake-up pipe; once, after {@link #run} has returned (or never ran). */
    void release() {
        SocketNative.LIBC.close(wakeRead);
        SocketNative.LIBC.close(wakeWrite);
    }
}
