package dev.cnidhcp.daemon.lease;

/**
 * The exchange a {@link LeaseMachine} has in progress, so that a DEL can cut it short instead of
 * waiting up to {@code -timeout} (or {@code -resendtimeout} for an ADD) behind it: {@link #cancel()}
 * interrupts the thread inside the exchange, and the transport closes its sockets and gives up.
 *
 * <p>Threads: {@link #enter()} and {@link #leave()} on the thread that runs the exchange,
 * {@link #cancel()} from any thread. The interrupt is only ever delivered between enter and leave,
 * and leave clears any that is still pending, so a pooled thread never carries it into another
 * lease's work.
 */
final class InFlight {
    private Thread thread;

    synchronized void enter() {
        thread = Thread.currentThread();
    }

    synchronized void leave() {
        thread = null;
        Thread.interrupted(); // an interrupt meant for this exchange must not reach the next task
    }

    synchronized void cancel() {
        if (thread != null) {
            thread.interrupt();
        }
    }
}
