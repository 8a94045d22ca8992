package dev.cnidhcp.daemon.store;

import dev.cnidhcp.daemon.dhcp.ClientIdentity;
import dev.cnidhcp.daemon.dhcp.ClientOptions;
import dev.cnidhcp.daemon.dhcp.Lease;
import dev.cnidhcp.daemon.dhcp.Route;
import dev.cnidhcp.daemon.lease.Attachment;
import dev.cnidhcp.daemon.lease.Binding;
import dev.cnidhcp.daemon.lease.LeaseKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LeaseStoreTest {
    private static final Logger STORE_LOG = Logger.getLogger("dev.cnidhcp.daemon.store");

    static {
        STORE_LOG.setLevel(Level.OFF);
    }

    @TempDir
    Path dir;

    static StoredLease sample(String container, String ifname, String address) {
        LeaseKey key = new LeaseKey(container, "net1", ifname);
        byte[] clientId = ClientIdentity.defaultClientId(container, "net1", ifname);
        ClientOptions options = new ClientOptions(new byte[] {1, 3, 6},
                Map.of(12, "web-0".getBytes(StandardCharsets.UTF_8)));
        Attachment attachment = new Attachment(key, Path.of("/run/netns/" + container), clientId, options,
                List.of(Route.parse("192.168.0.0/16", "10.1.0.254")), Path.of("/proc/self/ns/net"));
        Lease lease = new Lease(Route.parseAddress(address, "a"), 24, Route.parseAddress("10.1.0.2", "s"),
                Route.parseAddress("10.1.0.1", "g"),
                List.of(Route.parse("0.0.0.0/0", "10.1.0.1"), Route.parse("10.98.0.0/16", null)),
                List.of(Route.parseAddress("10.1.0.53", "d")), "lab.example", List.of("lab.example", "svc.lab"),
                Duration.ofSeconds(120), Duration.ofSeconds(60), Duration.ofSeconds(105),
                Instant.parse("2026-11-27T04:00:00Z"));
        return new StoredLease(attachment, new Binding(new ClientIdentity(new byte[] {2, 0, 0, 0, 0, 7}, clientId), lease));
    }

    private static void assertSameRecord(StoredLease expected, StoredLease actual) {
        assertEquals(expected.attachment().key(), actual.attachment().key());
        assertEquals(expected.attachment().netns(), actual.attachment().netns());
        assertArrayEquals(expected.attachment().clientId(), actual.attachment().clientId());
        assertArrayEquals(expected.attachment().options().requestList(), actual.attachment().options().requestList());
        assertArrayEquals(expected.attachment().options().provided().get(12), actual.attachment().options().provided().get(12));
        assertArrayEquals(expected.binding().identity().mac(), actual.binding().identity().mac());
        assertEquals(expected.binding().lease(), actual.binding().lease());
        assertEquals(expected.attachment().runtimeNetns(), actual.attachment().runtimeNetns());
        assertEquals(expected.attachment().staticRoutes(), actual.attachment().staticRoutes());
    }

    @Test
    void savedLeaseReadsBackFieldForField() throws IOException {
        LeaseStore store = LeaseStore.open(dir);
        StoredLease lease = sample("c1", "eth0", "10.1.0.10");
        store.save(lease);
        LeaseStore.Loaded loaded = LeaseStore.open(dir).loadAll();
        assertEquals(List.of(), loaded.problems());
        assertEquals(1, loaded.leases().size());
        assertSameRecord(lease, loaded.leases().get(0));
    }

    @Test
    void saveReplacesTheRecordOfTheSameKey() throws IOException {
        LeaseStore store = LeaseStore.open(dir);
        store.save(sample("c1", "eth0", "10.1.0.10"));
        store.save(sample("c1", "eth0", "10.1.0.11"));
        List<StoredLease> leases = store.loadAll().leases();
        assertEquals(1, leases.size());
        assertEquals("10.1.0.11", leases.get(0).binding().lease().address().getHostAddress());
    }

    @Test
    void deleteRemovesTheRecordAndDeletingAnUnknownKeyIsFine() throws IOException {
        LeaseStore store = LeaseStore.open(dir);
        store.save(sample("c1", "eth0", "10.1.0.10"));
        store.save(sample("c2", "eth0", "10.1.0.12"));
        store.delete(new LeaseKey("c1", "net1", "eth0"));
        store.delete(new LeaseKey("never", "net1", "eth0"));
        List<StoredLease> leases = store.loadAll().leases();
        assertEquals(1, leases.size());
        assertEquals("c2", leases.get(0).attachment().key().containerId());
    }

    @Test
    void corruptRecordIsReportedSetAsideAndSkipped() throws IOException {
        LeaseStore store = LeaseStore.open(dir);
        store.save(sample("good", "eth0", "10.1.0.10"));
        store.save(sample("bad", "eth0", "10.1.0.11"));
        Path bad = store.fileOf(new LeaseKey("bad", "net1", "eth0"));
        String text = Files.readString(bad).replace("10.1.0.11", "10.1.0.99");
        Files.writeString(bad, text);
        LeaseStore.Loaded loaded = store.loadAll();
        assertEquals(1, loaded.leases().size());
        assertEquals("good", loaded.leases().get(0).attachment().key().containerId());
        assertEquals(1, loaded.problems().size());
        assertTrue(loaded.problems().get(0).contains("checksum mismatch"), loaded.problems().get(0));
        assertFalse(Files.exists(bad));
        assertTrue(Files.exists(bad.resolveSibling(bad.getFileName() + ".corrupt")));
    }

    @Test
    void tornRecordIsDetected() throws IOException {
        LeaseStore store = LeaseStore.open(dir);
        store.save(sample("torn", "eth0", "10.1.0.10"));
        Path file = store.fileOf(new LeaseKey("torn", "net1", "eth0"));
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        LeaseStore.Loaded loaded = store.loadAll();
        assertEquals(List.of(), loaded.leases());
        assertTrue(loaded.problems().get(0).contains("not JSON"), loaded.problems().get(0));
    }

    @Test
    void leftoverTemporaryFileOfAnInterruptedWriteIsRemoved() throws IOException {
        LeaseStore store = LeaseStore.open(dir);
        store.save(sample("c1", "eth0", "10.1.0.10"));
        Path temp = dir.resolve("0123.lease.tmp");
        Files.writeString(temp, "{\"crc32c\":");
        LeaseStore.Loaded loaded = store.loadAll();
        assertEquals(1, loaded.leases().size());
        assertEquals(List.of(), loaded.problems());
        assertFalse(Files.exists(temp));
    }

    @Test
    void recordWithAWrongChecksumIsCorrupt() {
        byte[] bytes = "{\"crc32c\":\"00000000\",\"record\":{}}".getBytes(StandardCharsets.UTF_8);
        CorruptRecordException e = assertThrows(CorruptRecordException.class, () -> LeaseCodec.decode(bytes));
        assertTrue(e.getMessage().contains("checksum"), e.getMessage());
    }

    @Test
    void stateDirectoryIsCreatedPrivate() throws IOException {
        Path state = dir.resolve("a/b/state");
        LeaseStore.open(state);
        assertEquals("rwx------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(state)));
    }

    @Test
    void manyRecordsReadBack() throws IOException {
        LeaseStore store = LeaseStore.open(dir);
        for (int i = 0; i < 200; i++) {
            store.save(sample("c" + i, "eth0", "10.1." + (i / 250) + "." + (i % 250 + 1)));
        }
        assertEquals(200, store.loadAll().leases().size());
    }

    @Test
    void releaseOnDelFalseReadsBack() throws IOException {
        StoredLease base = sample("c1", "eth0", "10.1.0.10");
        Attachment a = base.attachment();
        StoredLease kept = new StoredLease(new Attachment(a.key(), a.netns(), a.clientId(), a.options(),
                a.staticRoutes(), a.runtimeNetns(), a.suppress(), false), base.binding());
        LeaseStore store = LeaseStore.open(dir);
        store.save(kept);
        assertFalse(store.loadAll().leases().get(0).attachment().releaseOnDel());
        store.save(base);
        assertTrue(store.loadAll().leases().get(0).attachment().releaseOnDel());
    }

    @Test
    void recordWrittenBeforeReleaseOnDelExistedReadsAsReleasing() throws Exception {
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        com.fasterxml.jackson.databind.node.ObjectNode record = (com.fasterxml.jackson.databind.node.ObjectNode)
                json.readTree(LeaseCodec.encode(sample("c1", "eth0", "10.1.0.10")));
        com.fasterxml.jackson.databind.node.ObjectNode body =
                (com.fasterxml.jackson.databind.node.ObjectNode) record.get("record");
        body.remove("releaseOnDel");
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(body.toString().getBytes(StandardCharsets.UTF_8));
        record.put("crc32c", String.format("%08x", crc.getValue()));

        StoredLease old = LeaseCodec.decode(record.toString().getBytes(StandardCharsets.UTF_8));

        assertTrue(old.attachment().releaseOnDel());
    }
}
