package dev.cnidhcp.daemon.lease;

import dev.cnidhcp.daemon.dhcp6.Binding6;
import dev.cnidhcp.daemon.time.Timeline;

import java.io.IOException;

/**
 * A {@link LeaseJournal} whose records keep wall time: each lease's times are converted from the
 * lease timeline (monotonic) when recorded, so that a daemon started later (after a restart or a
 * reboot, with a timeline of its own) can take them as wall time once, with {@link #fromRecord}.
 */
public final class WallTimeJournal implements LeaseJournal {
    private final LeaseJournal records;
    private final Timeline timeline;

    public WallTimeJournal(LeaseJournal records, Timeline timeline) {
        this.records = records;
        this.timeline = timeline;
    }

    @Override
    public void record(Attachment attachment, Binding binding) throws IOException {
        records.record(attachment, new Binding(binding.identity(),
                binding.lease().withAcquired(timeline.toWall(binding.lease().acquired()))));
    }

    @Override
    public void remove(LeaseKey key) throws IOException {
        records.remove(key);
    }

    @Override
    public void record6(Attachment attachment, Binding6 binding) throws IOException {
        records.record6(attachment,
                binding.withLease(binding.lease().withAcquired(timeline.toWall(binding.lease().acquired()))));
    }

    @Override
    public void remove6(LeaseKey key) throws IOException {
        records.remove6(key);
    }

    @Override
    public void checkWritable() throws IOException {
        records.checkWritable();
    }

    /** A recorded DHCPv6 binding (wall time) on the lease timeline. */
    public static Binding6 fromRecord(Binding6 recorded, Timeline timeline) {
        return recorded.withLease(recorded.lease().withAcquired(timeline.fromWall(recorded.lease().acquired())));
    }

    /** A recorded binding (wall time) on the lease timeline. */
    public static Binding fromRecord(Binding recorded, Timeline timeline) {
        return new Binding(recorded.identity(),
                recorded.lease().withAcquired(timeline.fromWall(recorded.lease().acquired())));
    }
}
