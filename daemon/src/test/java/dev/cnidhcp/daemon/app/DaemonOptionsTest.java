package dev.cnidhcp.daemon.app;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DaemonOptionsTest {

    private static IllegalArgumentException rejected(String... args) {
        return assertThrows(IllegalArgumentException.class, () -> DaemonOptions.parse(args));
    }

    @Test
    void defaultsMatchTheReferenceDaemon() {
        DaemonOptions o = DaemonOptions.parse();
        assertEquals("/run/cni/dhcp.sock", o.socketPath());
        assertEquals(Duration.ofSeconds(10), o.timeout());
        assertEquals(Duration.ofSeconds(62), o.resendMax());
        assertEquals(Duration.ofSeconds(208), o.resendTimeout());
        assertEquals("/var/lib/cni/dhcp", o.stateDir());
        assertFalse(o.broadcast());
        assertEquals("", o.pidFile());
        assertEquals("", o.hostPrefix());
        assertEquals(DaemonOptions.defaults(), o);
    }

    @Test
    void socketGroupIsNoneByDefaultAndTakesANameOrNumber() {
        assertEquals("", DaemonOptions.parse().socketGroup());
        assertEquals("cni", DaemonOptions.parse("-socketgroup", "cni").socketGroup());
        assertEquals("4242", DaemonOptions.parse("-socketgroup=4242").socketGroup());
        assertTrue(DaemonOptions.USAGE.contains("-socketgroup GROUP"));
    }

    @Test
    void flagWithSeparateValue() {
        assertEquals("/x", DaemonOptions.parse("-socketpath", "/x").socketPath());
    }

    @Test
    void flagWithEqualsValue() {
        assertEquals("/x", DaemonOptions.parse("-socketpath=/x").socketPath());
    }

    @Test
    void doubleDashFlags() {
        assertEquals(Duration.ofSeconds(5), DaemonOptions.parse("--timeout", "5s").timeout());
        assertEquals("/y", DaemonOptions.parse("--socketpath=/y").socketPath());
    }

    @Test
    void equalsValueMayItselfContainEquals() {
        assertEquals("/run/a=b.sock", DaemonOptions.parse("-socketpath=/run/a=b.sock").socketPath());
    }

    @Test
    void broadcastAloneMeansTrue() {
        assertTrue(DaemonOptions.parse("-broadcast").broadcast());
        assertTrue(DaemonOptions.parse("--broadcast").broadcast());
    }

    @Test
    void broadcastTakesGoBooleanSpellingsAfterEquals() {
        assertFalse(DaemonOptions.parse("-broadcast=false").broadcast());
        assertTrue(DaemonOptions.parse("-broadcast=true").broadcast());
        assertTrue(DaemonOptions.parse("-broadcast=1").broadcast());
        assertFalse(DaemonOptions.parse("-broadcast=0").broadcast());
        assertTrue(DaemonOptions.parse("-broadcast=T").broadcast());
        assertFalse(DaemonOptions.parse("-broadcast=F").broadcast());
    }

    @Test
    void broadcastDoesNotConsumeTheNextArgument() {
        DaemonOptions o = DaemonOptions.parse("-broadcast", "-timeout", "3s");
        assertTrue(o.broadcast());
        assertEquals(Duration.ofSeconds(3), o.timeout());
    }

    @Test
    void badBooleanNamesTheFlag() {
        IllegalArgumentException e = rejected("-broadcast=maybe");
        assertTrue(e.getMessage().contains("-broadcast"), e.getMessage());
        assertTrue(e.getMessage().contains("maybe"), e.getMessage());
    }

    @Test
    void everyFlagIsRead() {
        DaemonOptions o = DaemonOptions.parse("-socketpath", "/s", "-pidfile", "/p", "-hostprefix", "/host",
                "-broadcast", "-timeout", "1s", "-resendmax", "2s", "-resendtimeout", "3s", "-statedir", "/d");
        assertEquals(new DaemonOptions("/s", "/p", "/host", true, Duration.ofSeconds(1), Duration.ofSeconds(2),
                Duration.ofSeconds(3), "/d"), o);
    }

    @Test
    void laterFlagWins() {
        assertEquals("/b", DaemonOptions.parse("-socketpath", "/a", "-socketpath=/b").socketPath());
    }

    @Test
    void goDurationsWithSeveralUnits() {
        assertEquals(Duration.ofSeconds(90), DaemonOptions.parse("-timeout", "1m30s").timeout());
        assertEquals(Duration.ofMillis(500), DaemonOptions.parse("-timeout", "500ms").timeout());
        assertEquals(Duration.ofMinutes(90), DaemonOptions.parse("-resendtimeout", "1h30m").resendTimeout());
        assertEquals(Duration.ofMillis(1500), DaemonOptions.parse("-resendmax", "1.5s").resendMax());
        assertEquals(Duration.ofNanos(1500), DaemonOptions.parse("-timeout", "1us500ns").timeout());
    }

    @Test
    void unknownFlagNamesTheFlag() {
        IllegalArgumentException e = rejected("-frobnicate", "1");
        assertEquals("flag provided but not defined: -frobnicate", e.getMessage());
    }

    @Test
    void missingValueNamesTheFlag() {
        IllegalArgumentException e = rejected("-socketpath");
        assertEquals("flag needs an argument: -socketpath", e.getMessage());
        assertTrue(rejected("-broadcast", "-timeout").getMessage().contains("-timeout"));
    }

    @Test
    void badDurationNamesTheFlagAndTheValue() {
        for (String value : new String[] {"10", "ten", "10x", "", "-5s", "0s", "s", "1m 30s"}) {
            IllegalArgumentException e = rejected("-timeout", value);
            assertTrue(e.getMessage().contains("-timeout"), e.getMessage());
            assertTrue(e.getMessage().contains("\"" + value + "\""), e.getMessage());
        }
        assertTrue(rejected("-resendmax=5").getMessage().contains("-resendmax"));
    }

    @Test
    void emptySocketPathOrStateDirIsRejectedNamingTheFlag() {
        assertTrue(rejected("-socketpath=").getMessage().contains("-socketpath"));
        assertTrue(rejected("-statedir", "").getMessage().contains("-statedir"));
    }

    @Test
    void positionalArgumentIsRejected() {
        assertTrue(rejected("daemon").getMessage().contains("'daemon'"));
        rejected("-");
        rejected("--");
    }

    @Test
    void helpIsReportedAsAnError() {
        assertEquals("help requested", rejected("-h").getMessage());
        assertEquals("help requested", rejected("--help").getMessage());
    }

    @Test
    void arpCheckDefaultsToFastAndIsParsed() {
        assertEquals(dev.cnidhcp.daemon.netns.ArpCheck.FAST, DaemonOptions.parse().arpCheck());
        assertEquals(dev.cnidhcp.daemon.netns.ArpCheck.OFF, DaemonOptions.parse("-arpcheck", "off").arpCheck());
        assertEquals(dev.cnidhcp.daemon.netns.ArpCheck.FULL, DaemonOptions.parse("-arpcheck=full").arpCheck());
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> DaemonOptions.parse("-arpcheck", "always"));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("-arpcheck"), e.getMessage());
    }

    @Test
    void metricsAndLogFormatAreOffAndTextByDefault() {
        DaemonOptions o = DaemonOptions.defaults();
        assertEquals(java.util.Optional.empty(), o.metrics());
        assertEquals(LogStyle.TEXT, o.logFormat());
    }

    @Test
    void metricsTakesAnAddressAndPort() {
        assertEquals(java.util.Optional.of(new dev.cnidhcp.daemon.metrics.MetricsAddress("127.0.0.1", 9563)),
                DaemonOptions.parse("-metrics", "127.0.0.1:9563").metrics());
        assertEquals(java.util.Optional.empty(), DaemonOptions.parse("-metrics=").metrics(), "empty: off");
        IllegalArgumentException e = rejected("-metrics", "9563");
        assertTrue(e.getMessage().contains("-metrics"), e.getMessage());
    }

    @Test
    void logFormatIsTextOrJson() {
        assertEquals(LogStyle.JSON, DaemonOptions.parse("-logformat", "json").logFormat());
        assertEquals(LogStyle.TEXT, DaemonOptions.parse("-logformat=text").logFormat());
        IllegalArgumentException e = rejected("-logformat", "yaml");
        assertTrue(e.getMessage().contains("-logformat") && e.getMessage().contains("yaml"), e.getMessage());
    }

    @Test
    void usageListsTheNewFlags() {
        assertTrue(DaemonOptions.USAGE.contains("-metrics ADDR:PORT"));
        assertTrue(DaemonOptions.USAGE.contains("-logformat"));
    }
}
