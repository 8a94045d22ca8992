package dev.cnidhcp.daemon.server;

import dev.cnidhcp.daemon.cni.Peer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * How the server tells a caller that waits from one that is gone, on real AF_UNIX sockets: the
 * plugin half-closes after sending (end of stream, but no POLLHUP); a process that closes its socket
 * raises POLLHUP, and writing to it fails (EPIPE) instead of raising SIGPIPE.
 */
class ConnectionTest {
    @TempDir
    Path dir;
    private Listener listener;
    private SocketChannel client;
    private Connection connection;

    @BeforeEach
    void connect() throws IOException {
        Path path = dir.resolve("c.sock");
        listener = SocketFile.bind(path, PeerPolicy.NO_GROUP);
        client = SocketChannel.open(StandardProtocolFamily.UNIX);
        client.connect(UnixDomainSocketAddress.of(path));
        int fd = listener.accept();
        assertTrue(fd >= 0);
        connection = new Connection(fd, SocketCredentials.of(fd), System.nanoTime());
    }

    @AfterEach
    void close() throws IOException {
        connection.close();
        client.close();
        listener.close();
    }

    @Test
    void theCredentialsAreThoseOfTheConnectingProcess() {
        Peer peer = connection.peer();
        assertEquals(ProcessHandle.current().pid(), peer.pid());
        assertEquals(SocketPolicy.ownUid(), peer.uid());
    }

    @Test
    void aCallerThatHalfClosedAfterSendingIsStillThere() throws IOException {
        client.write(ByteBuffer.wrap(new byte[] {'{', '}'}));
        client.shutdownOutput();
        byte[] buf = new byte[16];
        assertEquals(2, connection.readAvailable(buf));
        assertEquals(-1, connection.readAvailable(buf), "end of stream");
        assertFalse(connection.peerClosed(), "a half-close is not a hang-up");
        connection.write(new byte[] {'o', 'k'}, System.nanoTime() + 1_000_000_000L);
        ByteBuffer in = ByteBuffer.allocate(2);
        client.read(in);
        assertEquals("ok", new String(in.array(), java.nio.charset.StandardCharsets.US_ASCII));
    }

    @Test
    void aCallerThatClosedItsSocketHasHungUpAndCannotBeWritten() throws IOException {
        client.shutdownOutput();
        client.close();
        assertTrue(connection.peerClosed(), "POLLHUP after the caller's close");
        IOException e = assertThrows(IOException.class,
                () -> connection.write(new byte[] {'x'}, System.nanoTime() + 1_000_000_000L));
        assertTrue(e.getMessage().contains("EPIPE") || e.getMessage().contains("Broken pipe")
                || e.getMessage().contains("closed"), e.getMessage());
    }

    @Test
    void nothingArrivedYetReadsAsZeroBytes() throws IOException {
        assertEquals(0, connection.readAvailable(new byte[16]));
        assertFalse(connection.peerClosed());
    }
}
