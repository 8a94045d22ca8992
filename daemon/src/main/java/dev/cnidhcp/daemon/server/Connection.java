package dev.cnidhcp.daemon.server;

import dev.cnidhcp.daemon.cni.Peer;

import java.io.IOException;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One accepted connection by its descriptor (non-blocking, close-on-exec), with its peer's
 * credentials and the moment it was accepted. Owned by one thread at a time: the {@code cni-io}
 * thread while the request is read, then the request thread that answers it and closes it.
 *
 * <p>Telling a caller that is gone from one that is waiting: the plugin half-closes its writing side
 * once it has sent the request (so the end of the stream is normal), then reads. Only when its
 * process closes the socket (it gave up, was killed or timed out) does the kernel mark this end
 * hung up: {@link #peerClosed} asks poll(2) for POLLHUP, which a half-close does not raise (it raises
 * POLLRDHUP only); ConnectionTest shows both on real sockets. A zero-length write is no probe from
 * Java: the JDK's channels return without a system call for an empty buffer, and poll tells without
 * writing anything.
 */
final class Connection implements AutoCloseable {
    private final int fd;
    private final Peer peer;
    private final long acceptedNanos;
    private final AtomicBoolean closed = new AtomicBoolean();

    Connection(int fd, Peer peer, long acceptedNanos) {
        if (fd < 0) {
            throw new IllegalArgumentException("fd: " + fd + " (expected: >= 0)");
        }
        this.fd = fd;
        this.peer = peer;
        this.acceptedNanos = acceptedNanos;
    }

    int fd() {
        return fd;
    }

    Peer peer() {
        return peer;
    }

    /** {@link System#nanoTime} when the connection was accepted: its read deadline counts from then. */
    long acceptedNanos() {
        return acceptedNanos;
    }

    /**
     * Reads what has arrived into {@code buf}: the number of bytes, 0 when nothing has (yet), -1 at
     * the end of the stream.
     */
    int readAvailable(byte[] buf) throws IOException {
        while (true) {
            long n = SocketNative.LIBC.recv(fd, buf, buf.length, SocketLibC.MSG_DONTWAIT);
            if (n >= 0) {
                return n == 0 ? -1 : (int) n;
            }
            int errno = SocketNative.errno();
            if (errno == SocketLibC.EAGAIN) {
                return 0;
            }
            if (errno != SocketLibC.EINTR) {
                throw SocketNative.failure("recv", "connection fd " + fd, errno);
            }
        }
    }

    /** Whether the peer has closed the connection entirely (POLLHUP), not only half-closed it. */
    boolean peerClosed() {
        try {
            return (Poll.one(fd, (short) (SocketLibC.POLLIN | SocketLibC.POLLRDHUP), 0)
                    & (SocketLibC.POLLHUP | SocketLibC.POLLERR | SocketLibC.POLLNVAL)) != 0;
        } catch (IOException e) {
            return true;
        }
    }

    /**
     * Writes all of {@code data}, waiting for room until {@code deadlineNanos}.
     *
     * @throws IOException when the peer is gone (EPIPE, ECONNRESET) or does not read in time
     */
    void write(byte[] data, long deadlineNanos) throws IOException {
        int off = 0;
        while (off < data.length) {
            int n = send(off == 0 ? data : Arrays.copyOfRange(data, off, data.length));
            if (n > 0) {
                off += n;
                continue;
            }
            long left = (deadlineNanos - System.nanoTime()) / 1_000_000L;
            if (left <= 0) {
                throw new IOException("the caller did not read its answer in time (" + (data.length - off)
                        + " of " + data.length + " bytes unsent)");
            }
            short ready = Poll.one(fd, SocketLibC.POLLOUT, (int) Math.min(Integer.MAX_VALUE, left));
            if ((ready & (SocketLibC.POLLHUP | SocketLibC.POLLERR | SocketLibC.POLLNVAL)) != 0) {
                throw new IOException("the caller closed the connection before its answer was written");
            }
        }
    }

    /** Writes {@code data} if it fits at once (a short error answer); false otherwise. */
    boolean offer(byte[] data) {
        try {
            return send(data) == data.length;
        } catch (IOException e) {
            return false;
        }
    }

    /** One non-blocking send without SIGPIPE: bytes sent, 0 when there is no room. */
    private int send(byte[] data) throws IOException {
        while (true) {
            long n = SocketNative.LIBC.send(fd, data, data.length, SocketLibC.MSG_DONTWAIT | SocketLibC.MSG_NOSIGNAL);
            if (n >= 0) {
                return (int) n;
            }
            int errno = SocketNative.errno();
            if (errno == SocketLibC.EAGAIN) {
                return 0;
            }
            if (errno != SocketLibC.EINTR) {
                throw SocketNative.failure("send", "connection fd " + fd, errno);
            }
        }
    }

    /** Closes the descriptor once; later calls do nothing. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            SocketNative.LIBC.close(fd);
        }
    }
}
