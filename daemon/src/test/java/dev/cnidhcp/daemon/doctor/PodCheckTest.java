package dev.cnidhcp.daemon.doctor;

import dev.cnidhcp.daemon.dhcp.Route;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PodCheckTest {
    private static final HeldLease LEASE = Leases.bound("c1", "10.99.0.100", Instant.EPOCH);
    private static final PodState HEALTHY = new PodState(true, true, LEASE.address(),
            List.of(Route.parse("10.99.0.0/24", ""), Leases.EXTRA, Leases.DEFAULT), null, "");

    private static Map<String, Finding> run(HeldLease lease, PodState state) {
        return new PodCheck(l -> state).check(lease).stream().collect(Collectors.toMap(Finding::check, f -> f));
    }

    private static Map<String, Verdict> verdicts(Map<String, Finding> findings) {
        return findings.values().stream().collect(Collectors.toMap(Finding::check, Finding::verdict));
    }

    @Test
    void aHealthyPodPassesEveryLeaseCheck() {
        assertEquals(Map.of(Checks.LEASE_STATE, Verdict.PASS, Checks.LEASE_NETNS, Verdict.PASS,
                Checks.LEASE_INTERFACE, Verdict.PASS, Checks.LEASE_ADDRESS, Verdict.PASS,
                Checks.LEASE_ROUTES, Verdict.PASS, Checks.LEASE_ARP, Verdict.PASS), verdicts(run(LEASE, HEALTHY)));
    }

    @Test
    void aMissingDefaultRouteFailsOnlyTheRoutesCheckAndSaysHowToAddIt() {
        PodState noDefault = new PodState(true, true, LEASE.address(), List.of(Leases.EXTRA), null, "");
        Map<String, Finding> f = run(LEASE, noDefault);
        assertEquals(Verdict.FAIL, f.get(Checks.LEASE_ROUTES).verdict());
        assertEquals(1, f.values().stream().filter(x -> x.verdict() != Verdict.PASS).count(), f.toString());
        assertTrue(f.get(Checks.LEASE_ROUTES).saw().contains("0.0.0.0/0 via 10.99.0.1"), f.get(Checks.LEASE_ROUTES).saw());
        assertEquals("nsenter --net=/run/netns/c1 ip route add default via 10.99.0.1 dev eth0", f.get(Checks.LEASE_ROUTES).fix());
    }

    @Test
    void aRouteViaAnotherGatewayDoesNotCount() {
        PodState otherGw = new PodState(true, true, LEASE.address(),
                List.of(Leases.EXTRA, Route.parse("0.0.0.0/0", "10.99.0.254")), null, "");
        assertEquals(Verdict.FAIL, run(LEASE, otherGw).get(Checks.LEASE_ROUTES).verdict());
    }

    @Test
    void withoutReportedRoutesTheDefaultRouteViaTheGatewayIsExpectedUnlessSuppressed() {
        HeldLease old = new HeldLease("c1", "lan", "eth0", "/run/netns/c1", "bound", false, "", LEASE.address(), 24,
                LEASE.gateway(), Instant.EPOCH, null, List.of());
        assertEquals(List.of(Leases.DEFAULT), PodCheck.expectedRoutes(old));
        HeldLease suppressed = new HeldLease("c1", "lan", "eth0", "/run/netns/c1", "bound", false, "", LEASE.address(), 24,
                LEASE.gateway(), Instant.EPOCH, null, List.of("gateway"));
        assertEquals(List.of(), PodCheck.expectedRoutes(suppressed));
    }

    @Test
    void anotherHostAnsweringArpFailsTheArpCheckNamingItsMac() {
        PodState squatted = new PodState(true, true, LEASE.address(), HEALTHY.routes(), "02:00:00:00:00:99", "");
        Map<String, Finding> f = run(LEASE, squatted);
        assertEquals(Verdict.FAIL, f.get(Checks.LEASE_ARP).verdict());
        assertTrue(f.get(Checks.LEASE_ARP).saw().contains("02:00:00:00:00:99"));
        assertEquals(1, f.values().stream().filter(x -> x.verdict() != Verdict.PASS).count(), f.toString());
    }

    @Test
    void anInterfaceWithoutTheLeasedAddressFailsTheAddressCheck() {
        PodState bare = new PodState(true, true, null, HEALTHY.routes(), null, "");
        Finding f = run(LEASE, bare).get(Checks.LEASE_ADDRESS);
        assertEquals(Verdict.FAIL, f.verdict());
        assertTrue(f.saw().startsWith("eth0 carries no IPv4 address, the lease is 10.99.0.100/24"), f.saw());
    }

    @Test
    void aGoneNamespaceFailsTheNamespaceCheckAndSkipsTheChecksThatNeedIt() {
        assertEquals(Map.of(Checks.LEASE_STATE, Verdict.PASS, Checks.LEASE_NETNS, Verdict.FAIL),
                verdicts(run(LEASE, PodState.noNamespace())));
        assertEquals(Map.of(Checks.LEASE_STATE, Verdict.PASS, Checks.LEASE_NETNS, Verdict.PASS,
                Checks.LEASE_INTERFACE, Verdict.FAIL), verdicts(run(LEASE, PodState.noInterface())));
    }

    @Test
    void aNamespaceThatCannotBeEnteredFailsNamingWhy() {
        List<Finding> f = new PodCheck(l -> {
            throw new IOException("setns: Operation not permitted");
        }).check(LEASE);
        assertEquals(Verdict.FAIL, f.get(1).verdict());
        assertTrue(f.get(1).saw().contains("Operation not permitted"));
    }

    @Test
    void aLostLeaseFailsTheStateCheckWithoutLookingIntoThePod() {
        HeldLease lost = new HeldLease("c1", "lan", "eth0", "/run/netns/c1", "init-reboot", true, "lease expired",
                LEASE.address(), 24, LEASE.gateway(), Instant.EPOCH, List.of(), List.of());
        List<Finding> f = new PodCheck(l -> {
            throw new AssertionError("not probed");
        }).check(lost);
        assertEquals(1, f.size());
        assertEquals(Verdict.FAIL, f.get(0).verdict());
        assertTrue(f.get(0).saw().contains("lost") && f.get(0).saw().contains("lease expired"), f.get(0).saw());
    }

    @Test
    void aLeaseNotYetGrantedIsAWarning() {
        HeldLease pending = new HeldLease("c1", "lan", "eth0", "/run/netns/c1", "init", false, "", null, 0, null, null,
                null, List.of());
        List<Finding> f = new PodCheck(l -> HEALTHY).check(pending);
        assertEquals(List.of(Verdict.WARN), f.stream().map(Finding::verdict).toList());
    }
}
