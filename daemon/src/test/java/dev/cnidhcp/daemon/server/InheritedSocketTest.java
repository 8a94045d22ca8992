package dev.cnidhcp.daemon.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A descriptor passed as the daemon's listening socket is served as it is when it is a listening
 * Unix stream socket, and anything else is a clear start-up error. (SocketActivationLabTest runs it
 * under systemd-socket-activate.)
 */
class InheritedSocketTest {

    private static String refusal(int fd) {
        return assertThrows(IOException.class, () -> InheritedSocket.adoptListeningUnix(fd)).getMessage();
    }

    /** Runs {@code check} on a fresh descriptor and closes it. */
    private static void withFd(int fd, java.util.function.IntConsumer check) {
        assertTrue(fd >= 0, "errno " + SocketNative.errno());
        try {
            check.accept(fd);
        } finally {
            SocketNative.LIBC.close(fd);
        }
    }

    @Test
    void aListeningUnixSocketIsServedAsItIs(@TempDir Path dir) throws IOException {
        Path path = dir.resolve("passed.sock");
        int fd = SocketNative.LIBC.socket(SocketLibC.AF_UNIX, SocketLibC.SOCK_STREAM | SocketLibC.SOCK_CLOEXEC, 0);
        byte[] address = Listener.address(path);
        assertEquals(0, SocketNative.LIBC.bind(fd, address, address.length));
        assertEquals(0, SocketNative.LIBC.listen(fd, 8));
        try (Listener adopted = InheritedSocket.adoptListeningUnix(fd);
             SocketChannel client = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            assertEquals(Optional.of(path), adopted.boundPath());
            client.connect(UnixDomainSocketAddress.of(path));
            int accepted = adopted.accept();
            assertTrue(accepted >= 0, "accepted a connection on the adopted socket");
            SocketNative.LIBC.close(accepted);
            assertEquals(-1, adopted.accept(), "non-blocking: nothing more waits");
        }
    }

    @Test
    void descriptorThatIsNotOpen() {
        assertTrue(refusal(1_000_000).contains("fd 1000000 is not open"));
    }

    @Test
    void descriptorThatIsAPipe() {
        int[] pipe = new int[2];
        assertEquals(0, SocketNative.LIBC.pipe2(pipe, SocketLibC.O_CLOEXEC));
        SocketNative.LIBC.close(pipe[1]);
        withFd(pipe[0], fd -> assertTrue(refusal(fd).contains("is not a socket"), refusal(fd)));
    }

    @Test
    void socketOfAnotherFamily() {
        withFd(SocketNative.LIBC.socket(SocketLibC.AF_INET, SocketLibC.SOCK_DGRAM | SocketLibC.SOCK_CLOEXEC, 0),
                fd -> assertTrue(refusal(fd).contains("not a Unix socket"), refusal(fd)));
    }

    @Test
    void unixDatagramSocket() {
        withFd(SocketNative.LIBC.socket(SocketLibC.AF_UNIX, SocketLibC.SOCK_DGRAM | SocketLibC.SOCK_CLOEXEC, 0),
                fd -> assertTrue(refusal(fd).contains("not a stream socket"), refusal(fd)));
    }

    @Test
    void unixStreamSocketThatIsNotListening() {
        withFd(SocketNative.LIBC.socket(SocketLibC.AF_UNIX, SocketLibC.SOCK_STREAM | SocketLibC.SOCK_CLOEXEC, 0),
                fd -> assertTrue(refusal(fd).contains("not listening"), refusal(fd)));
    }
}
