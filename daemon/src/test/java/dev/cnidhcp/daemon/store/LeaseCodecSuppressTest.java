package dev.cnidhcp.daemon.store;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cnidhcp.daemon.dhcp.Suppression;
import dev.cnidhcp.daemon.lease.Attachment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32C;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code ipam.suppress} in the lease store: kept across a restart, absent in records written before it. */
class LeaseCodecSuppressTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private static StoredLease suppressed(StoredLease plain) {
        Attachment a = plain.attachment();
        return new StoredLease(new Attachment(a.key(), a.netns(), a.clientId(), a.options(), a.staticRoutes(),
                a.runtimeNetns(), Suppression.GATEWAY, true), plain.binding());
    }

    /** The record's body after {@code edit}, under a checksum that matches it again. */
    private static byte[] rewritten(byte[] record, java.util.function.Consumer<ObjectNode> edit) throws IOException {
        ObjectNode root = (ObjectNode) JSON.readTree(record);
        ObjectNode body = (ObjectNode) root.get("record");
        edit.accept(body);
        CRC32C crc = new CRC32C();
        crc.update(body.toString().getBytes(StandardCharsets.UTF_8));
        root.put("crc32c", String.format("%08x", crc.getValue()));
        return (root.toString() + "\n").getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void suppressedGatewayIsSavedAndReadBackAfterARestart() throws IOException {
        StoredLease lease = suppressed(LeaseStoreTest.sample("c1", "net1", "10.1.0.10"));
        LeaseStore.open(dir).save(lease);
        LeaseStore.Loaded loaded = LeaseStore.open(dir).loadAll();
        assertEquals(0, loaded.problems().size(), loaded.problems().toString());
        assertEquals(Suppression.GATEWAY, loaded.leases().get(0).attachment().suppress());
        assertEquals(lease.binding().lease(), loaded.leases().get(0).binding().lease(), "the lease itself is kept whole");
        assertTrue(new String(Files.readAllBytes(LeaseStore.open(dir).fileOf(lease.attachment().key())),
                StandardCharsets.UTF_8).contains("\"suppress\":[\"gateway\"]"));
    }

    @Test
    void recordWithoutSuppressReadsBackAsNothingSuppressed() throws Exception {
        StoredLease plain = LeaseStoreTest.sample("c1", "eth0", "10.1.0.10");
        assertEquals(Suppression.NONE, LeaseCodec.decode(LeaseCodec.encode(plain)).attachment().suppress());
    }

    @Test
    void recordWrittenBeforeSuppressExistedReadsAsNotSuppressed() throws Exception {
        byte[] old = rewritten(LeaseCodec.encode(suppressed(LeaseStoreTest.sample("c1", "eth0", "10.1.0.10"))),
                body -> body.remove("suppress"));
        assertFalse(new String(old, StandardCharsets.UTF_8).contains("suppress"));
        StoredLease decoded = LeaseCodec.decode(old);
        assertEquals(Suppression.NONE, decoded.attachment().suppress());
        assertEquals("10.1.0.10", decoded.binding().lease().address().getHostAddress());
    }

    @Test
    void unknownSuppressValueInARecordIsCorrupt() throws Exception {
        byte[] bad = rewritten(LeaseCodec.encode(LeaseStoreTest.sample("c1", "eth0", "10.1.0.10")),
                body -> body.putArray("suppress").add("routes"));
        CorruptRecordException e = assertThrows(CorruptRecordException.class, () -> LeaseCodec.decode(bad));
        assertTrue(e.getMessage().contains("'routes'"), e.getMessage());
    }
}
