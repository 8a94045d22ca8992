package dev.cnidhcp.daemon.app;

import dev.cnidhcp.daemon.log.AttachmentRecord;
import dev.cnidhcp.json.MiniJson;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.logging.Formatter;
import java.util.logging.Level;
import java.util.logging.LogRecord;

/**
 * {@code -logformat json}: one JSON object per line, for log shippers:
 * {@code {"time":"2026-01-02T03:04:05.678Z","level":"info","logger":"...","thread":"...","msg":"...",
 * "container":"...","ifname":"...","network":"..."}}. {@code time} is RFC 3339 in UTC; {@code level}
 * is {@code error}, {@code warn}, {@code info} or {@code debug}; {@code container}, {@code ifname} and
 * {@code network} are there when the line is about an attachment (and known); {@code error} holds
 * the stack trace when there is one.
 */
final class JsonLogFormat extends Formatter {
    @Override
    public String format(LogRecord r) {
        StringBuilder line = new StringBuilder(256);
        line.append("{\"time\":\"").append(Instant.ofEpochMilli(r.getMillis())).append('"');
        field(line, "level", level(r.getLevel()));
        field(line, "logger", r.getLoggerName() == null ? "" : r.getLoggerName());
        field(line, "thread", Thread.currentThread().getName());
        field(line, "msg", String.valueOf(formatMessage(r)));
        if (r instanceof AttachmentRecord a) {
            optionalField(line, "container", a.containerId());
            optionalField(line, "ifname", a.ifname());
            optionalField(line, "network", a.network());
        }
        if (r.getThrown() != null) {
            StringWriter trace = new StringWriter();
            r.getThrown().printStackTrace(new PrintWriter(trace));
            field(line, "error", trace.toString());
        }
        return line.append("}\n").toString();
    }

    private static void optionalField(StringBuilder line, String name, String value) {
        if (!value.isEmpty()) {
            field(line, name, value);
        }
    }

    private static void field(StringBuilder line, String name, String value) {
        line.append(",\"").append(name).append("\":").append(MiniJson.quote(value));
    }

    /** The level names log shippers expect. */
    static String level(Level level) {
        int v = level.intValue();
        if (v >= Level.SEVERE.intValue()) {
            return "error";
        }
        if (v >= Level.WARNING.intValue()) {
            return "warn";
        }
        if (v >= Level.INFO.intValue()) {
            return "info";
        }
        return "debug";
    }
}
