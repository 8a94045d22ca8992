package dev.cnidhcp.daemon.doctor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NetworkCheckTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant NOW = Instant.parse("2026-01-01T12:00:00Z");
    private static final String FAILED_AT = "2026-01-01T11:58:00Z";

    private static JsonNode status(String json) throws Exception {
        return JSON.readTree(json);
    }

    private static JsonNode globalFailure(String at) throws Exception {
        return status("{\"lastAcquisitionFailure\":{\"at\":\"" + at + "\",\"attachment\":\"container=c9 ifname=eth0"
                + " network=lan\",\"message\":\"no DHCPOFFER received within 8 s\"}}");
    }

    @Test
    void aRecentFailureWithNoLeaseGrantedSinceFailsNamingTheNetworkAndTheMessage() throws Exception {
        List<Finding> f = NetworkCheck.check(globalFailure(FAILED_AT),
                List.of(Leases.bound("c1", "10.99.0.100", Instant.parse("2026-01-01T11:50:00Z"))), NOW);
        assertEquals(1, f.size());
        assertEquals(Verdict.FAIL, f.get(0).verdict());
        assertEquals("network=lan", f.get(0).subject());
        assertTrue(f.get(0).saw().contains("no DHCPOFFER received") && f.get(0).saw().contains("120 s ago"), f.get(0).saw());
        assertTrue(f.get(0).fix().contains("exhausted"), f.get(0).fix());
    }

    @Test
    void aLeaseGrantedAfterTheFailureTurnsItIntoAWarning() throws Exception {
        List<Finding> f = NetworkCheck.check(globalFailure(FAILED_AT),
                List.of(Leases.bound("c1", "10.99.0.100", Instant.parse("2026-01-01T11:59:00Z"))), NOW);
        assertEquals(Verdict.WARN, f.get(0).verdict());
        assertTrue(f.get(0).saw().contains("1 lease(s) granted since"), f.get(0).saw());
    }

    @Test
    void aFailureOlderThanTenMinutesPasses() throws Exception {
        List<Finding> f = NetworkCheck.check(globalFailure("2026-01-01T11:49:00Z"), List.of(), NOW);
        assertEquals(Verdict.PASS, f.get(0).verdict());
        assertTrue(f.get(0).saw().contains("not reported"), "per-network counts are absent: " + f.get(0).saw());
    }

    @Test
    void perNetworkFiguresAreReadWhenTheDaemonReportsThem() throws Exception {
        JsonNode s = status("{\"networks\":{\"lan\":{\"leases\":1,\"noOffer\":0,\"naks\":3,\"lastFailure\":null},"
                + "\"dmz\":{\"leases\":0,\"noOffer\":4,\"naks\":0,\"lastFailure\":{\"at\":\"" + FAILED_AT + "\","
                + "\"message\":\"no DHCPOFFER received\"}}}}");
        List<Finding> f = NetworkCheck.check(s, List.of(Leases.bound("c1", "10.99.0.100", Instant.EPOCH)), NOW);
        assertEquals(List.of("network=dmz", "network=lan"), f.stream().map(Finding::subject).toList());
        assertEquals(Verdict.FAIL, f.get(0).verdict());
        assertTrue(f.get(0).saw().contains("4 without offer"), f.get(0).saw());
        assertEquals(Verdict.PASS, f.get(1).verdict());
        assertTrue(f.get(1).saw().contains("1 lease(s) held, 0 without offer, 3 NAK(s)"), f.get(1).saw());
    }

    private static JsonNode exhausted(String lastAdded) throws Exception {
        return status("{\"networks\":{\"lan\":{\"leases\":5,\"noOffer\":3,\"naks\":0,\"lastFailure\":{\"at\":\""
                + FAILED_AT + "\",\"message\":\"no DHCPOFFER received\"},\"lastAdded\":" + lastAdded + "}}}");
    }

    @Test
    void anExhaustedPoolStillFailsWhileItRenewsTheLeasesItHas() throws Exception {
        // the pool's five leases renewed after the failure; no ADD was served since
        List<Finding> f = NetworkCheck.check(exhausted("\"2026-01-01T11:40:00Z\""),
                List.of(Leases.bound("c1", "10.99.0.100", Instant.parse("2026-01-01T11:59:00Z"))), NOW);
        assertEquals(Verdict.FAIL, f.get(0).verdict(), f.get(0).saw());
    }

    @Test
    void anAddServedAfterTheFailureTurnsItIntoAWarning() throws Exception {
        List<Finding> f = NetworkCheck.check(exhausted("\"2026-01-01T11:59:30Z\""), List.of(), NOW);
        assertEquals(Verdict.WARN, f.get(0).verdict());
        assertTrue(f.get(0).saw().contains("an ADD got a new lease since"), f.get(0).saw());
    }

    @Test
    void aNetworkWhoseAddsNeverGotALeaseFails() throws Exception {
        List<Finding> f = NetworkCheck.check(exhausted("null"),
                List.of(Leases.bound("c1", "10.99.0.100", Instant.parse("2026-01-01T11:59:00Z"))), NOW);
        assertEquals(Verdict.FAIL, f.get(0).verdict(), f.get(0).saw());
    }

    @Test
    void noNetworksAndNoFailuresIsOnePass() throws Exception {
        List<Finding> f = NetworkCheck.check(status("{\"lastAcquisitionFailure\":null}"), List.of(), NOW);
        assertEquals(List.of(Verdict.PASS), f.stream().map(Finding::verdict).toList());
    }

    @Test
    void theNetworkOfAnAttachmentLabelIsItsNetworkField() {
        assertEquals("lan", NetworkCheck.networkOf("container=c1 ifname=eth0 network=lan"));
        assertEquals("lan", NetworkCheck.networkOf("container=c1 network=lan ifname=eth0"));
        assertEquals("", NetworkCheck.networkOf("container=c1"));
    }
}
