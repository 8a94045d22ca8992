package dev.cnidhcp.daemon.app;

import java.util.Locale;
import java.util.logging.Formatter;

/** The daemon's log format ({@code -logformat}): text lines for people, JSON lines for log shippers. */
public enum LogStyle {
    TEXT, JSON;

    /** Parses a {@code -logformat} value; throws naming the value when it is neither text nor json. */
    public static LogStyle parse(String value) {
        return switch (value) {
            case "text" -> TEXT;
            case "json" -> JSON;
            default -> throw new IllegalArgumentException("invalid value \"" + value
                    + "\" for -logformat (expected: text or json)");
        };
    }

    Formatter formatter() {
        return this == JSON ? new JsonLogFormat() : new LogFormat();
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
