package dev.cnidhcp.daemon.server;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** poll(2) over a set of descriptors: {@code struct pollfd} entries in one array, EINTR retried. */
final class Poll {
    private static final int ENTRY = 8;
    private final byte[] entries;
    private final ByteBuffer view;
    private final int count;

    /** Room for {@code count} descriptors, to be given with {@link #set}. */
    Poll(int count) {
        this.count = count;
        entries = new byte[Math.max(1, count) * ENTRY];
        view = ByteBuffer.wrap(entries).order(ByteOrder.nativeOrder());
    }

    void set(int index, int fd, short events) {
        view.putInt(index * ENTRY, fd);
        view.putShort(index * ENTRY + 4, events);
        view.putShort(index * ENTRY + 6, (short) 0);
    }

    /** The events that happened on entry {@code index} in the last {@link #await}. */
    short returned(int index) {
        return view.getShort(index * ENTRY + 6);
    }

    /**
     * Waits up to {@code timeoutMillis} (negative: without limit) for any entry to be ready; the
     * number of entries with events, 0 on timeout.
     */
    int await(int timeoutMillis) throws IOException {
        long deadline = System.nanoTime() + Math.max(0, timeoutMillis) * 1_000_000L;
        while (true) {
            int n = SocketNative.LIBC.poll(entries, count, timeoutMillis);
            if (n >= 0) {
                return n;
            }
            int errno = SocketNative.errno();
            if (errno != SocketLibC.EINTR) {
                throw SocketNative.failure("poll", count + " descriptor(s)", errno);
            }
            if (timeoutMillis > 0) {
                timeoutMillis = (int) Math.max(0, (deadline - System.nanoTime()) / 1_000_000L);
            }
        }
    }

    /** The events of one descriptor after waiting up to {@code timeoutMillis} for {@code events}. */
    static short one(int fd, short events, int timeoutMillis) throws IOException {
        Poll poll = new Poll(1);
        poll.set(0, fd, events);
        poll.await(timeoutMillis);
        return poll.returned(0);
    }
}
