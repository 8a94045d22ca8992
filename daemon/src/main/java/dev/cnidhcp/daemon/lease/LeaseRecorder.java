package dev.cnidhcp.daemon.lease;

import dev.cnidhcp.daemon.log.AttachmentLog;

import java.io.IOException;

/**
 * Keeps a lease's record in the {@link LeaseJournal}: strictly before an ADD is answered (a lease
 * that would not survive a daemon restart is refused), after every renewal or regain (a failure is
 * logged: a restarted daemon resumes from the previous record), and removed when the lease ends.
 *
 * <p>Threads: called by one {@link LeaseMachine} under its lock.
 */
final class LeaseRecorder implements LeaseListener {
    private final Attachment attachment;
    private final LeaseJournal journal;
    private final AttachmentLog log;

    LeaseRecorder(Attachment attachment, LeaseJournal journal, AttachmentLog log) {
        this.attachment = attachment;
        this.journal = journal;
        this.log = log;
    }

    @Override
    public void acquired(Attachment a, Binding binding) throws IOException {
        journal.record(a, binding);
    }

    @Override
    public void bound(Binding binding, String how, boolean regained, String problem) {
        try {
            journal.record(attachment, binding);
        } catch (IOException | RuntimeException e) {
            log.severe("cannot record the " + how + " lease: " + LeaseMachine.describe(e)
                    + "; a daemon restart would resume it from the previous record");
        }
    }

    @Override
    public void ended(LeaseKey key) {
        try {
            journal.remove(key);
        } catch (IOException | RuntimeException e) {
            log.severe("cannot remove the lease record: " + LeaseMachine.describe(e)
                    + "; a restarted daemon will find the pod gone and release it then");
        }
    }
}
