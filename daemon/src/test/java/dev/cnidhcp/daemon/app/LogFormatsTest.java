package dev.cnidhcp.daemon.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cnidhcp.daemon.log.AttachmentLog;
import dev.cnidhcp.daemon.log.AttachmentRecord;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The two log formats of {@code -logformat}, and the records {@link AttachmentLog} makes for them. */
class LogFormatsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant AT = Instant.parse("2026-11-27T06:30:01.250Z");

    private static LogRecord about(Level level, String message) {
        LogRecord r = new AttachmentRecord(level, message, "c0ffee", "eth0", "labnet");
        r.setInstant(AT);
        r.setLoggerName("dev.cnidhcp.daemon.lease.LeaseMachine");
        return r;
    }

    private static LogRecord plain(Level level, String message) {
        LogRecord r = new LogRecord(level, message);
        r.setInstant(AT);
        r.setLoggerName("dev.cnidhcp.daemon.app.Daemon");
        return r;
    }

    private static JsonNode json(LogRecord r) throws IOException {
        String line = new JsonLogFormat().format(r);
        assertTrue(line.endsWith("}\n"), line);
        assertEquals(1, line.split("\n", -1).length - 1, "exactly one line: " + line);
        return JSON.readTree(line);
    }

    // --- text ---

    @Test
    void textLineAboutAnAttachmentStartsWithItsIdentity() {
        String line = new LogFormat().format(about(Level.INFO, "renewed 10.99.0.5/24"));

        assertTrue(line.startsWith("2026-11-27T06:30:01.250Z INFO ["), line);
        assertTrue(line.endsWith("] container=c0ffee ifname=eth0 network=labnet: renewed 10.99.0.5/24\n"), line);
    }

    @Test
    void textLeavesOutWhatIsUnknown() {
        LogRecord r = new AttachmentRecord(Level.INFO, "answered", "c0ffee", "", "");
        assertTrue(new LogFormat().format(r).endsWith("] container=c0ffee: answered\n"));
        LogRecord none = new AttachmentRecord(Level.INFO, "answered", "", "", "");
        assertTrue(new LogFormat().format(none).endsWith("] answered\n"));
    }

    @Test
    void textLineWithoutAttachmentIsTheMessage() {
        String line = new LogFormat().format(plain(Level.WARNING, "cannot remove pidfile"));
        assertTrue(line.startsWith("2026-11-27T06:30:01.250Z WARNING ["), line);
        assertTrue(line.endsWith("] cannot remove pidfile\n"), line);
    }

    // --- json ---

    @Test
    void jsonLineAboutAnAttachmentCarriesItAsFields() throws IOException {
        JsonNode line = json(about(Level.INFO, "renewed 10.99.0.5/24"));

        assertEquals("2026-11-27T06:30:01.250Z", line.get("time").asText());
        assertEquals("info", line.get("level").asText());
        assertEquals("dev.cnidhcp.daemon.lease.LeaseMachine", line.get("logger").asText());
        assertEquals("renewed 10.99.0.5/24", line.get("msg").asText(), "the identity is not repeated in msg");
        assertEquals("c0ffee", line.get("container").asText());
        assertEquals("eth0", line.get("ifname").asText());
        assertEquals("labnet", line.get("network").asText());
        assertEquals(Thread.currentThread().getName(), line.get("thread").asText());
        assertFalse(line.has("error"));
    }

    @Test
    void jsonLineWithoutAttachmentHasNoAttachmentFields() throws IOException {
        JsonNode line = json(plain(Level.INFO, "DHCP lease daemon ready"));

        assertEquals("DHCP lease daemon ready", line.get("msg").asText());
        assertFalse(line.has("container"));
        assertFalse(line.has("ifname"));
    }

    @Test
    void jsonTimeIsRfc3339InUtc() throws IOException {
        LogRecord r = plain(Level.INFO, "x");
        r.setInstant(Instant.parse("2026-11-27T06:30:00Z"));
        assertEquals("2026-11-27T06:30:00Z", json(r).get("time").asText());
    }

    @Test
    void jsonLevelsAreTheOnesLogShippersKnow() throws IOException {
        assertEquals("error", json(plain(Level.SEVERE, "x")).get("level").asText());
        assertEquals("warn", json(plain(Level.WARNING, "x")).get("level").asText());
        assertEquals("info", json(plain(Level.INFO, "x")).get("level").asText());
        assertEquals("debug", json(plain(Level.CONFIG, "x")).get("level").asText());
        assertEquals("debug", json(plain(Level.FINE, "x")).get("level").asText());
    }

    @Test
    void jsonEscapesQuotesNewlinesAndControlCharacters() throws IOException {
        String message = "a \"quoted\" {0} \\ path\nsecond line\ttab \u0001";
        assertEquals(message, json(plain(Level.INFO, message)).get("msg").asText());
    }

    @Test
    void jsonCarriesTheStackTraceInOneField() throws IOException {
        LogRecord r = about(Level.SEVERE, "unexpected failure in a lease timer");
        r.setThrown(new IllegalStateException("boom"));

        JsonNode line = json(r);

        assertTrue(line.get("error").asText().startsWith("java.lang.IllegalStateException: boom\n"), line.toString());
        assertTrue(line.get("error").asText().contains("\tat "), line.toString());
    }

    // --- AttachmentLog ---

    @Test
    void attachmentLogMakesAttachmentRecordsOnItsLogger() {
        Logger logger = Logger.getLogger("test.attachment-log");
        logger.setUseParentHandlers(false);
        List<LogRecord> seen = new ArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                seen.add(record);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        logger.addHandler(capture);
        try {
            AttachmentLog log = new AttachmentLog(logger, "c0ffee", "eth1", "net2");
            log.warning("no carrier");
            log.fine(() -> "not logged at INFO");

            assertEquals(1, seen.size());
            AttachmentRecord r = assertInstanceOf(AttachmentRecord.class, seen.get(0));
            assertEquals(Level.WARNING, r.getLevel());
            assertEquals("no carrier", r.getMessage());
            assertEquals("test.attachment-log", r.getLoggerName());
            assertEquals("container=c0ffee ifname=eth1 network=net2", r.label());
        } finally {
            logger.removeHandler(capture);
        }
    }

    @Test
    void logStyleParsesTheFlagValues() {
        assertEquals(LogStyle.TEXT, LogStyle.parse("text"));
        assertEquals(LogStyle.JSON, LogStyle.parse("json"));
        assertInstanceOf(JsonLogFormat.class, LogStyle.JSON.formatter());
        assertInstanceOf(LogFormat.class, LogStyle.TEXT.formatter());
    }
}
