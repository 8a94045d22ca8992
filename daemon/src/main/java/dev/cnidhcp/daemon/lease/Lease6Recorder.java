package dev.cnidhcp.daemon.lease;

import dev.cnidhcp.daemon.dhcp6.Binding6;
import dev.cnidhcp.daemon.log.AttachmentLog;

import java.io.IOException;

/**
 * Keeps a DHCPv6 lease's record in the {@link LeaseJournal}, as {@link LeaseRecorder} does for IPv4:
 * strictly before an ADD is answered, after every renewal (a failure is logged), removed at the end.
 *
 * <p>Threads: called by one {@link Lease6Machine} under its lock.
 */
final class Lease6Recorder {
    private final Attachment attachment;
    private final LeaseJournal journal;
    private final AttachmentLog log;

    Lease6Recorder(Attachment attachment, LeaseJournal journal, AttachmentLog log) {
        this.attachment = attachment;
        this.journal = journal;
        this.log = log;
    }

    void acquired(Binding6 binding) throws IOException {
        journal.record6(attachment, binding);
    }

    void bound(Binding6 binding, String how) {
        try {
            journal.record6(attachment, binding);
        } catch (IOException | RuntimeException e) {
            log.severe("cannot record the " + how + " DHCPv6 lease: " + Lease6Machine.describe(e)
                    + "; a daemon restart would resume it from the previous record");
        }
    }

    void ended() {
        try {
            journal.remove6(attachment.key());
        } catch (IOException | RuntimeException e) {
            log.severe("cannot remove the DHCPv6 lease record: " + Lease6Machine.describe(e)
                    + "; a restarted daemon will find the pod gone and release it then");
        }
    }
}
