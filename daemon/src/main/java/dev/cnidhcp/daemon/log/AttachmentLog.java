package dev.cnidhcp.daemon.log;

import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A logger's view of one attachment: every line it writes is an {@link AttachmentRecord} naming the
 * container, interface and network, so that each line about a lease can be found by container id
 * (text) or filtered by field (JSON) without the call sites spelling the identity out.
 */
public final class AttachmentLog {
    private final Logger logger;
    private final String containerId;
    private final String ifname;
    private final String network;

    /**
     * @param ifname  "" when unknown
     * @param network "" when unknown
     */
    public AttachmentLog(Logger logger, String containerId, String ifname, String network) {
        this.logger = logger;
        this.containerId = containerId;
        this.ifname = ifname;
        this.network = network;
    }

    /** The attachment's interface, "" when unknown. */
    public String ifname() {
        return ifname;
    }

    /** The attachment's network, "" when unknown. */
    public String network() {
        return network;
    }

    public void fine(Supplier<String> message) {
        if (logger.isLoggable(Level.FINE)) {
            log(Level.FINE, message.get(), null);
        }
    }

    public void info(String message) {
        log(Level.INFO, message, null);
    }

    public void warning(String message) {
        log(Level.WARNING, message, null);
    }

    public void severe(String message) {
        log(Level.SEVERE, message, null);
    }

    /** Logs {@code message}, with the stack trace of {@code thrown} when it is not null. */
    public void log(Level level, String message, Throwable thrown) {
        if (!logger.isLoggable(level)) {
            return;
        }
        AttachmentRecord record = new AttachmentRecord(level, message, containerId, ifname, network);
        record.setLoggerName(logger.getName());
        record.setThrown(thrown);
        logger.log(record);
    }
}
