package dev.cnidhcp.daemon.app;

import java.util.logging.LogManager;

/**
 * Keeps the daemon's log open during shutdown. The JDK's LogManager closes every handler from its
 * own shutdown hook, which races with the daemon's hook and loses the last lines ("stopped", socket
 * removed). Selected with {@code -Djava.util.logging.manager=dev.cnidhcp.daemon.app.DaemonLogManager}
 * (the launcher passes it); the daemon closes the handlers itself when it is done.
 */
public final class DaemonLogManager extends LogManager {
    private volatile boolean closing;

    @Override
    public void reset() {
        if (closing) {
            super.reset();
        }
    }

    /** Flushes and closes every handler; called last by the daemon's shutdown hook. */
    static void closeAll() {
        if (LogManager.getLogManager() instanceof DaemonLogManager manager) {
            manager.closing = true;
            manager.reset();
        }
    }
}
