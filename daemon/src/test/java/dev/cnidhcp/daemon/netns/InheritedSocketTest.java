package dev.cnidhcp.daemon.netns;

import org.junit.jupiter.api.Test;

import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A descriptor passed as the daemon's listening socket that is anything else is a clear start-up
 * error. (Adopting a real listening socket is tested end to end in SocketActivationLabTest: wrapping
 * it needs the launcher's --add-opens.)
 */
class InheritedSocketTest {

    private static String refusal(int fd) {
        return assertThrows(IOException.class, () -> InheritedSocket.adoptListeningUnix(fd)).getMessage();
    }

    /** Runs {@code check} on a fresh descriptor and closes it. */
    private static void withFd(int fd, java.util.function.IntConsumer check) {
        assertTrue(fd >= 0, "errno " + Native.errno());
        try {
            check.accept(fd);
        } finally {
            Native.LIBC.close(fd);
        }
    }

    @Test
    void descriptorThatIsNotOpen() {
        assertTrue(refusal(1_000_000).contains("fd 1000000 is not open"));
    }

    @Test
    void descriptorThatIsAFile() {
        withFd(Native.LIBC.open("/dev/null", LibC.O_RDONLY | LibC.O_CLOEXEC),
                fd -> assertTrue(refusal(fd).contains("is not a socket"), refusal(fd)));
    }

    @Test
    void socketOfAnotherFamily() {
        withFd(Native.LIBC.socket(LibC.AF_INET, LibC.SOCK_DGRAM | LibC.SOCK_CLOEXEC, 0),
                fd -> assertTrue(refusal(fd).contains("not a Unix socket"), refusal(fd)));
    }

    @Test
    void unixDatagramSocket() {
        withFd(Native.LIBC.socket(LibC.AF_UNIX, LibC.SOCK_DGRAM | LibC.SOCK_CLOEXEC, 0),
                fd -> assertTrue(refusal(fd).contains("not a stream socket"), refusal(fd)));
    }

    @Test
    void unixStreamSocketThatIsNotListening() {
        withFd(Native.LIBC.socket(LibC.AF_UNIX, LibC.SOCK_STREAM | LibC.SOCK_CLOEXEC, 0),
                fd -> assertTrue(refusal(fd).contains("not listening"), refusal(fd)));
    }
}
