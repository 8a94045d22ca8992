package dev.cnidhcp.daemon.store;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cnidhcp.daemon.dhcp.Exclusions;
import dev.cnidhcp.daemon.lease.Attachment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.CRC32C;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code ipam.exclude} in the lease store: kept across a restart, absent in records written before it. */
class LeaseCodecExcludeTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private static StoredLease excluding(StoredLease plain, String ranges) {
        Attachment a = plain.attachment();
        return new StoredLease(new Attachment(a.key(), a.netns(), a.clientId(), a.options(), a.staticRoutes(),
                a.runtimeNetns(), a.suppress(), a.releaseOnDel(), Exclusions.parseList(ranges)), plain.binding());
    }

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
    void excludedRangesAreSavedAndReadBackAfterARestart() throws IOException {
        StoredLease lease = excluding(LeaseStoreTest.sample("c1", "eth0", "10.1.0.10"), "10.96.0.0/12,192.168.0.0/16");
        LeaseStore.open(dir).save(lease);

        LeaseStore.Loaded loaded = LeaseStore.open(dir).loadAll();

        assertEquals(0, loaded.problems().size(), loaded.problems().toString());
        assertEquals(List.of("10.96.0.0/12", "192.168.0.0/16"), loaded.leases().get(0).attachment().exclude().strings());
    }

    @Test
    void recordWrittenBeforeExcludeExistedReadsAsExcludingNothing() throws Exception {
        byte[] old = rewritten(LeaseCodec.encode(excluding(LeaseStoreTest.sample("c1", "eth0", "10.1.0.10"),
                "10.96.0.0/12")), body -> body.remove("exclude"));
        assertFalse(new String(old, StandardCharsets.UTF_8).contains("exclude"));

        StoredLease decoded = LeaseCodec.decode(old);

        assertEquals(Exclusions.NONE, decoded.attachment().exclude());
        assertEquals("10.1.0.10", decoded.binding().lease().address().getHostAddress());
    }

    @Test
    void malformedRangeInARecordIsCorrupt() throws Exception {
        byte[] bad = rewritten(LeaseCodec.encode(LeaseStoreTest.sample("c1", "eth0", "10.1.0.10")),
                body -> body.putArray("exclude").add("10.96.0.0/40"));

        CorruptRecordException e = assertThrows(CorruptRecordException.class, () -> LeaseCodec.decode(bad));

        assertTrue(e.getMessage().contains("10.96.0.0/40"), e.getMessage());
    }
}
