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
import java.time.Duration;

/**
 * One round trip to the daemon over its Unix socket, with the JDK's own Unix-domain channels, within
 * a deadline: when it passes, a {@code plugin-deadline} thread closes the channel, which ends a
 * blocked connect, write or read (blocking channels have no timeout of their own).
 */
public final class DaemonClient {
    private final Path socketPath;
    private final Duration deadline;

    public DaemonClient(Path socketPath, Duration deadline) {
        if (deadline.isNegative() || deadline.isZero()) {
            throw new IllegalArgumentException("deadline: " + deadline + " (expected: positive)");
        }
        this.socketPath = socketPath;
        this.deadline = deadline;
    }

    /** The daemon did not answer within the deadline. */
    static final class DeadlineException extends IOException {
        private static final long serialVersionUID = 1L;

        DeadlineException(String message) {
            super(message);
        }
    }

    /** The encoded request is larger than the daemon accepts ({@link WireRequest#MAX_BYTES}). */
    static final class TooLargeException extends IOException {
        private static final long serialVersionUID = 1L;

        TooLargeException(String message) {
            super(message);
        }
    }

    /**
     * Sends the request, half-closes, and reads the whole answer.
     *
     * @throws DeadlineException when the answer is not in within the deadline
     * @throws TooLargeException when the request is too large to send (nothing is sent)
     */
    public WireResponse call(WireRequest request) throws IOException {
        byte[] encoded = request.encode();
        if (encoded.length > WireRequest.MAX_BYTES) {
            throw new TooLargeException("the request to the daemon would be " + encoded.length
                    + " bytes, more than its limit of " + WireRequest.MAX_BYTES);
        }
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            Watchdog watchdog = new Watchdog(channel, deadline.toMillis());
            watchdog.start();
            try {
                return roundTrip(channel, encoded);
            } catch (IOException e) {
                if (watchdog.fired) {
                    throw new DeadlineException("no answer within " + deadline.toSeconds() + " s");
                }
                throw e;
            } finally {
                watchdog.interrupt();
            }
        }
    }

    private WireResponse roundTrip(SocketChannel channel, byte[] request) throws IOException {
        channel.connect(UnixDomainSocketAddress.of(socketPath));
        ByteBuffer out = ByteBuffer.wrap(request);
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

    /** Closes the channel when the deadline passes, unless interrupted first. */
    private static final class Watchdog extends Thread {
        private final SocketChannel channel;
        private final long millis;
        volatile boolean fired;

        Watchdog(SocketChannel channel, long millis) {
            super("plugin-deadline");
            setDaemon(true);
            this.channel = channel;
            this.millis = millis;
        }

        @Override
        public void run() {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                return; // answered in time
            }
            fired = true;
            try {
                channel.close();
            } catch (IOException ignored) {
                // closed already
            }
        }
    }
}
