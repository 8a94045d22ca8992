package dev.cnidhcp.daemon.store;

import dev.cnidhcp.daemon.dhcp6.Binding6;
import dev.cnidhcp.daemon.lease.Attachment;
import dev.cnidhcp.daemon.lease.Binding;
import dev.cnidhcp.daemon.lease.LeaseJournal;
import dev.cnidhcp.daemon.lease.LeaseKey;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * Crash-safe lease records under the state directory, one file per lease: {@code <digest>.lease}
 * for IPv4, {@code <digest>.lease6} for the same attachment's DHCPv6 lease.
 *
 * <p>A write goes to a temporary file, is fsync'd, renamed over the record and the directory is
 * fsync'd, so after a crash at any instant a record is either the old one or the new one, never a
 * mix. A record that fails to decode (disk corruption, a foreign file) is reported, renamed to
 * {@code *.corrupt} and skipped; it never stops the daemon. Format: docs/lease-store.md.
 *
 * <p>Threads: safe for concurrent use on different keys; the lease machine serialises writes of one key.
 */
public final class LeaseStore implements LeaseJournal {
    private static final Logger LOG = Logger.getLogger(LeaseStore.class.getName());
    static final String SUFFIX = ".lease";
    /** DHCPv6 records: the same digest as the key's IPv4 record, this suffix. */
    static final String SUFFIX6 = ".lease6";
    private static final String TEMP_SUFFIX = ".tmp";

    private final Path dir;
    private final AtomicLong changes = new AtomicLong();
    private final Object syncLock = new Object();
    private long synced; // guarded by syncLock

    private LeaseStore(Path dir) {
        this.dir = dir;
    }

    /** Opens (creating, mode 0700) the state directory; fails when it cannot be created or written. */
    public static LeaseStore open(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        return new LeaseStore(dir);
    }

    public Path directory() {
        return dir;
    }

    /** Writes the record durably before returning. */
    public void save(StoredLease lease) throws IOException {
        write(fileOf(lease.attachment().key()), LeaseCodec.encode(lease));
    }

    /** Writes the DHCPv6 record durably before returning. */
    public void save6(StoredLease6 lease) throws IOException {
        write(fileOf6(lease.attachment().key()), LeaseCodec.encode6(lease));
    }

    private void write(Path target, byte[] bytes) throws IOException {
        Path temp = target.resolveSibling(target.getFileName() + TEMP_SUFFIX);
        try (FileChannel out = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                out.write(buffer);
            }
            out.force(true);
        } catch (IOException e) {
            Files.deleteIfExists(temp);
            throw new IOException("cannot write lease record " + temp + ": " + e.getMessage(), e);
        }
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        syncDirectory();
    }

    @Override
    public void record(Attachment attachment, Binding binding) throws IOException {
        save(new StoredLease(attachment, binding));
    }

    @Override
    public void remove(LeaseKey key) throws IOException {
        delete(key);
    }

    @Override
    public void record6(Attachment attachment, Binding6 binding) throws IOException {
        save6(new StoredLease6(attachment, binding));
    }

    @Override
    public void remove6(LeaseKey key) throws IOException {
        if (Files.deleteIfExists(fileOf6(key))) {
            syncDirectory();
        }
    }

    /** Writes and removes a probe file: fails when the directory is read-only, full or gone. */
    @Override
    public void checkWritable() throws IOException {
        Path probe = dir.resolve(".probe" + TEMP_SUFFIX);
        try {
            Files.write(probe, new byte[] {1});
        } catch (IOException e) {
            throw new IOException("state directory " + dir + " is not writable: " + e.getMessage(), e);
        } finally {
            Files.deleteIfExists(probe);
        }
    }

    /** Removes the record durably; no record is fine. */
    public void delete(LeaseKey key) throws IOException {
        if (Files.deleteIfExists(fileOf(key))) {
            syncDirectory();
        }
    }

    /** What {@link #loadAll()} read back: the records of each family, and one line per record it had to skip. */
    public record Loaded(List<StoredLease> leases, List<StoredLease6> leases6, List<String> problems) {
        /** IPv4 records only. */
        public Loaded(List<StoredLease> leases, List<String> problems) {
            this(leases, List.of(), problems);
        }
    }

    /** Reads every record; leftovers of interrupted writes are removed, corrupt records set aside. */
    public Loaded loadAll() throws IOException {
        List<StoredLease> leases = new ArrayList<>();
        List<StoredLease6> leases6 = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                if (name.endsWith(TEMP_SUFFIX)) {
                    Files.deleteIfExists(file); // a write that never reached its rename
                    continue;
                }
                boolean v6 = name.endsWith(SUFFIX6);
                if (!v6 && !name.endsWith(SUFFIX)) {
                    continue;
                }
                try {
                    if (v6) {
                        StoredLease6 lease = LeaseCodec.decode6(Files.readAllBytes(file));
                        if (!file.equals(fileOf6(lease.attachment().key()))) {
                            throw new CorruptRecordException("record of " + lease.attachment().key() + " in the wrong file");
                        }
                        leases6.add(lease);
                    } else {
                        StoredLease lease = LeaseCodec.decode(Files.readAllBytes(file));
                        if (!file.equals(fileOf(lease.attachment().key()))) {
                            throw new CorruptRecordException("record of " + lease.attachment().key() + " in the wrong file");
                        }
                        leases.add(lease);
                    }
                } catch (CorruptRecordException e) {
                    Path aside = file.resolveSibling(name + ".corrupt");
                    problems.add(file + ": " + e.getMessage() + " (moved to " + aside.getFileName() + ")");
                    LOG.severe("lease store: skipping " + file + ": " + e.getMessage() + "; kept as " + aside);
                    Files.move(file, aside, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        return new Loaded(leases, leases6, problems);
    }

    /** The DHCPv6 record's file: {@link #fileOf}'s digest with {@link #SUFFIX6}. */
    Path fileOf6(LeaseKey key) {
        String v4 = fileOf(key).getFileName().toString();
        return dir.resolve(v4.substring(0, v4.length() - SUFFIX.length()) + SUFFIX6);
    }

    /** The record's file: a digest of the key, so any container id or interface name is a safe file name. */
    Path fileOf(LeaseKey key) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] digest = sha.digest((key.containerId() + "\n" + key.networkName() + "\n" + key.ifname())
                    .getBytes(StandardCharsets.UTF_8));
            return dir.resolve(HexFormat.of().formatHex(digest, 0, 16) + SUFFIX);
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    /**
     * Makes every rename and unlink done so far durable. Concurrent callers share one fsync (group
     * commit): a caller whose change an fsync started after it already covers returns at once, so a
     * burst of ADDs or DELs does not queue behind one directory fsync each.
     */
    private void syncDirectory() throws IOException {
        long mine = changes.incrementAndGet();
        synchronized (syncLock) {
            if (synced >= mine) {
                return;
            }
            long upTo = changes.get();
            try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
                d.force(true);
            }
            synced = upTo;
        }
    }
}
