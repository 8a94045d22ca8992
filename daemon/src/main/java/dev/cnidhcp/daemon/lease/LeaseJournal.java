package dev.cnidhcp.daemon.lease;

import dev.cnidhcp.daemon.dhcp6.Binding6;

import java.io.IOException;

/**
 * Where lease changes are made durable (the lease store). The machine records a lease before its
 * ADD is answered and after every renewal, and removes it when the lease ends.
 */
public interface LeaseJournal {
    /** Keeps nothing: for tests and for a daemon run without a state directory. */
    LeaseJournal NONE = new LeaseJournal() {
        @Override
        public void record(Attachment attachment, Binding binding) {
        }

        @Override
        public void remove(LeaseKey key) {
        }
    };

    /** Durably records the lease of an attachment (replacing any earlier record of its key). */
    void record(Attachment attachment, Binding binding) throws IOException;

    /** Durably removes the record of a key; no record is fine. */
    void remove(LeaseKey key) throws IOException;

    /**
     * Durably records the DHCPv6 lease of an attachment (replacing any earlier v6 record of its key;
     * the IPv4 record is kept apart). A journal that keeps nothing need not override it.
     */
    default void record6(Attachment attachment, Binding6 binding) throws IOException {
    }

    /** Durably removes the DHCPv6 record of a key; no record is fine. */
    default void remove6(LeaseKey key) throws IOException {
    }

    /** Whether a record can be written now (STATUS); the message of the exception says why not. */
    default void checkWritable() throws IOException {
    }
}
