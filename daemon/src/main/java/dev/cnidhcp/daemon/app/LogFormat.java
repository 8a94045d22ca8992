package dev.cnidhcp.daemon.app;

import dev.cnidhcp.daemon.log.AttachmentRecord;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.logging.Formatter;
import java.util.logging.LogRecord;

/**
 * {@code -logformat text}: one line per event: UTC time, level, thread, message (a line about an
 * attachment starts with {@code container=ID ifname=IF network=NAME: }), and a stack trace when
 * there is one.
 */
final class LogFormat extends Formatter {
    @Override
    public String format(LogRecord r) {
        StringBuilder line = new StringBuilder(160);
        line.append(Instant.ofEpochMilli(r.getMillis())).append(' ').append(r.getLevel().getName()).append(' ')
                .append('[').append(Thread.currentThread().getName()).append("] ");
        if (r instanceof AttachmentRecord a && !a.label().isEmpty()) {
            line.append(a.label()).append(": ");
        }
        line.append(formatMessage(r)).append('\n');
        if (r.getThrown() != null) {
            StringWriter trace = new StringWriter();
            r.getThrown().printStackTrace(new PrintWriter(trace));
            line.append(trace);
        }
        return line.toString();
    }
}
