package dev.cnidhcp.daemon.store;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cnidhcp.daemon.dhcp6.Binding6;
import dev.cnidhcp.daemon.dhcp6.Identity6;
import dev.cnidhcp.daemon.dhcp6.Lease6;
import dev.cnidhcp.daemon.lease.Attachment;
import dev.cnidhcp.daemon.testing.Leases6;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.zip.CRC32C;

import static dev.cnidhcp.daemon.testing.Leases6.ip6;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** DHCPv6 records of the lease store, and IPv4 records written before DHCPv6 existed. */
class LeaseStore6Test {
    private static final Logger STORE_LOG = Logger.getLogger("dev.cnidhcp.daemon.store");
    private static final ObjectMapper JSON = new ObjectMapper();

    static {
        STORE_LOG.setLevel(Level.OFF);
    }

    @TempDir
    Path dir;

    private static StoredLease6 sample6(String container) {
        StoredLease v4 = LeaseStoreTest.sample(container, "eth0", "10.1.0.10");
        Attachment a = v4.attachment().withFamilies(true, true);
        Lease6 lease = new Lease6(ip6("fd99::10"), 64, ip6("fe80::1"), Leases6.SERVER_DUID, ip6("fd99::2"),
                List.of(ip6("fd99::53"), ip6("fd99::54")), List.of("v6.example.org"), Duration.ofSeconds(1800),
                Duration.ofSeconds(2880), Duration.ofSeconds(3600), Duration.ofSeconds(7200),
                Instant.parse("2026-11-27T04:00:00Z"));
        return new StoredLease6(a, new Binding6(new Identity6(new byte[] {0, 3, 0, 1, 2, 0, 0, 0, 0, 7}, 0xfedcba98), lease,
                "cni0"));
    }

    @Test
    void aDhcpv6RecordReadsBackFieldForField() throws IOException {
        LeaseStore store = LeaseStore.open(dir);
        StoredLease6 saved = sample6("c1");

        store.save6(saved);
        LeaseStore.Loaded loaded = store.loadAll();

        assertEquals(List.of(), loaded.leases());
        assertEquals(1, loaded.leases6().size());
        StoredLease6 read = loaded.leases6().get(0);
        assertEquals(saved.binding(), read.binding(), "identity (DUID, IAID above 2^31), uplink and every lease field");
        assertEquals("cni0", read.binding().uplink());
        assertEquals(saved.attachment().key(), read.attachment().key());
        assertTrue(read.attachment().dhcpv4() && read.attachment().dhcpv6());
        assertArrayEquals(saved.attachment().clientId(), read.attachment().clientId());
        assertEquals(saved.attachment().runtimeNetns(), read.attachment().runtimeNetns());
    }

    @Test
    void aLeaseWithoutRouterOrServerUnicastReadsBackWithout() throws Exception {
        StoredLease6 base = sample6("c1");
        StoredLease6 bare = new StoredLease6(base.attachment(), new Binding6(base.binding().identity(),
                Leases6.bare("fd99::11", Instant.parse("2026-11-27T04:00:00Z"))));

        assertEquals(bare.binding(), LeaseCodec.decode6(LeaseCodec.encode6(bare)).binding());
    }

    @Test
    void aDhcpv6RecordWrittenBeforeUplinksWereKeptReadsWithoutUplink() throws Exception {
        StoredLease6 saved = sample6("c1");
        ObjectNode body = (ObjectNode) JSON.readTree(LeaseCodec.encode6(saved)).get("record");
        body.remove("uplink");

        Binding6 read = LeaseCodec.decode6(seal(body)).binding();

        assertEquals(null, read.uplink());
        assertEquals(saved.binding().lease(), read.lease());
        assertEquals(saved.binding().identity(), read.identity());
    }

    @Test
    void aBindingWithoutUplinkReadsBackWithout() throws Exception {
        StoredLease6 base = sample6("c1");
        StoredLease6 noUplink = new StoredLease6(base.attachment(),
                new Binding6(base.binding().identity(), base.binding().lease()));

        assertEquals(null, LeaseCodec.decode6(LeaseCodec.encode6(noUplink)).binding().uplink());
    }

    @Test
    void anUplinkThatIsNoInterfaceNameIsCorrupt() throws Exception {
        ObjectNode body = (ObjectNode) JSON.readTree(LeaseCodec.encode6(sample6("c1"))).get("record");
        body.put("uplink", "../../etc");

        CorruptRecordException e = assertThrows(CorruptRecordException.class, () -> LeaseCodec.decode6(seal(body)));
        assertTrue(e.getMessage().contains("uplink"), e.getMessage());
    }

    @Test
    void theV4AndV6RecordsOfOneAttachmentAreKeptAndRemovedApart() throws IOException {
        LeaseStore store = LeaseStore.open(dir);
        StoredLease6 v6 = sample6("c1");
        store.save(new StoredLease(v6.attachment(), LeaseStoreTest.sample("c1", "eth0", "10.1.0.10").binding()));
        store.save6(v6);

        LeaseStore.Loaded both = store.loadAll();
        assertEquals(1, both.leases().size());
        assertEquals(1, both.leases6().size());
        assertTrue(both.leases().get(0).attachment().dhcpv6(), "the IPv4 record says the attachment leases IPv6 too");

        store.remove6(v6.attachment().key());
        LeaseStore.Loaded v4Only = store.loadAll();
        assertEquals(1, v4Only.leases().size());
        assertEquals(0, v4Only.leases6().size());

        store.save6(v6);
        store.remove(v6.attachment().key());
        assertEquals(0, store.loadAll().leases().size());
        assertEquals(1, store.loadAll().leases6().size());
    }

    @Test
    void anIpv4RecordWrittenBeforeDhcpv6ReadsAsIpv4Only() throws Exception {
        byte[] current = LeaseCodec.encode(LeaseStoreTest.sample("c1", "eth0", "10.1.0.10"));
        ObjectNode body = (ObjectNode) JSON.readTree(current).get("record");
        body.remove("dhcpv4");
        body.remove("dhcpv6");

        StoredLease read = LeaseCodec.decode(seal(body));

        assertTrue(read.attachment().dhcpv4());
        assertFalse(read.attachment().dhcpv6());
    }

    @Test
    void aDhcpv6RecordInAnIpv4FileIsCorrupt() {
        byte[] v6 = LeaseCodec.encode6(sample6("c1"));

        assertThrows(CorruptRecordException.class, () -> LeaseCodec.decode(v6));
        assertThrows(CorruptRecordException.class,
                () -> LeaseCodec.decode6(LeaseCodec.encode(LeaseStoreTest.sample("c1", "eth0", "10.1.0.10"))));
    }

    @Test
    void aCorruptDhcpv6RecordIsSetAsideAndTheOthersLoad() throws IOException {
        LeaseStore store = LeaseStore.open(dir);
        store.save6(sample6("c1"));
        store.save6(sample6("c2"));
        Path broken = store.fileOf6(sample6("c1").attachment().key());
        Files.writeString(broken, Files.readString(broken).replace("fd99", "fd98"));

        LeaseStore.Loaded loaded = store.loadAll();

        assertEquals(1, loaded.leases6().size());
        assertEquals("c2", loaded.leases6().get(0).attachment().key().containerId());
        assertEquals(1, loaded.problems().size());
        assertTrue(Files.exists(broken.resolveSibling(broken.getFileName() + ".corrupt")));
    }

    @Test
    void anIaidOutOfRangeIsCorrupt() throws Exception {
        ObjectNode body = (ObjectNode) JSON.readTree(LeaseCodec.encode6(sample6("c1"))).get("record");
        body.put("iaid", 1L << 32);

        CorruptRecordException e = assertThrows(CorruptRecordException.class, () -> LeaseCodec.decode6(seal(body)));
        assertTrue(e.getMessage().contains("iaid"), e.getMessage());
    }

    /** A record around {@code body} with a correct checksum, as the codec writes it. */
    private static byte[] seal(ObjectNode body) {
        String text = body.toString();
        CRC32C crc = new CRC32C();
        crc.update(text.getBytes(StandardCharsets.UTF_8));
        ObjectNode record = JSON.createObjectNode();
        record.put("crc32c", String.format("%08x", crc.getValue()));
        record.set("record", body);
        return (record.toString() + "\n").getBytes(StandardCharsets.UTF_8);
    }
}
