package dev.cnidhcp.daemon.cni;

import dev.cnidhcp.wire.WireResponse;

/**
 * A request's answer and how to take back what it granted if the caller never receives it: an ADD
 * that obtained a lease releases it when the caller has gone, so that no lease is held that nobody
 * knows of (the runtime saw the ADD fail and will not DEL it).
 *
 * @param response what the caller is sent
 * @param undo     run once by whoever delivers the answer, only when it could not be delivered
 */
public record Answer(WireResponse response, Runnable undo) {
    private static final Runnable NOTHING = () -> { };

    public Answer {
        if (response == null || undo == null) {
            throw new IllegalArgumentException("response and undo are required (undo: Answer.of for none)");
        }
    }

    /** An answer that granted nothing (errors, DEL, CHECK, ...). */
    public static Answer of(WireResponse response) {
        return new Answer(response, NOTHING);
    }

    /** Whether an undeliverable answer has something to take back. */
    public boolean undoable() {
        return undo != NOTHING;
    }
}
