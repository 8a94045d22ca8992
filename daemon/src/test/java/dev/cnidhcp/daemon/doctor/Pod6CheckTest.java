package dev.cnidhcp.daemon.doctor;

import dev.cnidhcp.daemon.config.Route6;
import dev.cnidhcp.daemon.netns.IfInet6;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.Inet6Address;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The checks of one DHCPv6 lease against what its pod's interface carries (a fake probe). */
class Pod6CheckTest {
    private static final Inet6Address ADDRESS = Route6.parseAddress("fd99::10", "test");
    private static final HeldLease6 LEASE = new HeldLease6("c1", "lan", "eth0", "/run/netns/c1", "bound", false, "",
            ADDRESS, 64);
    /** IFA_F_PERMANENT: as the kernel shows an address added by the main plugin. */
    private static final int PERMANENT = 0x80;

    private static IfInet6.Entry entry(String address, int flags) {
        return new IfInet6.Entry(Route6.parseAddress(address, "test"), 64, 0, flags, "eth0");
    }

    private static Map<String, Finding> run(HeldLease6 lease, Pod6State state) {
        Map<String, Finding> out = new LinkedHashMap<>();
        for (Finding f : new Pod6Check(l -> state).check(lease)) {
            out.put(f.check(), f);
        }
        return out;
    }

    private static Map<String, Verdict> verdicts(Map<String, Finding> findings) {
        Map<String, Verdict> out = new LinkedHashMap<>();
        findings.forEach((check, f) -> out.put(check, f.verdict()));
        return out;
    }

    @Test
    void theInterfaceCarryingTheAddressAfterDadPasses() {
        Map<String, Finding> f = run(LEASE, new Pod6State(true, true,
                List.of(entry("fe80::1", PERMANENT), entry("fd99::10", PERMANENT))));

        assertEquals(Map.of(Checks.LEASE6_STATE, Verdict.PASS, Checks.LEASE6_ADDRESS, Verdict.PASS), verdicts(f));
        assertTrue(f.get(Checks.LEASE6_ADDRESS).saw().contains("eth0 carries fd99::10/64, duplicate address detection"
                + " passed"), f.toString());
    }

    @Test
    void anInterfaceWithoutDuplicateAddressDetectionPassesSayingSoNotThatDetectionPassed() {
        Map<String, Finding> f = run(LEASE, new Pod6State(true, true, List.of(entry("fd99::10", PERMANENT)), 0));

        assertEquals(Verdict.PASS, f.get(Checks.LEASE6_ADDRESS).verdict());
        String saw = f.get(Checks.LEASE6_ADDRESS).saw();
        assertTrue(saw.contains("eth0 carries fd99::10/64; the kernel does no duplicate address detection for it"
                + " (accept_dad 0 on eth0 and all"), saw);
        assertTrue(saw.contains("\"enabledad\": true"), saw);
        assertFalse(saw.contains("detection passed"), saw);
    }

    @Test
    void aNodadAddressPassesSayingItHadNoDuplicateAddressDetection() {
        Map<String, Finding> f = run(LEASE, new Pod6State(true, true,
                List.of(entry("fd99::10", PERMANENT | Pod6Check.NODAD)), 1));

        assertEquals(Verdict.PASS, f.get(Checks.LEASE6_ADDRESS).verdict());
        assertTrue(f.get(Checks.LEASE6_ADDRESS).saw().contains("no duplicate address detection for it (the address is"
                + " nodad)"), f.toString());
    }

    @Test
    void aNegativeAcceptDadIsACallerBug() {
        assertThrows(IllegalArgumentException.class, () -> new Pod6State(true, true, List.of(), -1));
    }

    @Test
    void aDadFailedAddressFailsNamingTheDuplicate() {
        Map<String, Finding> f = run(LEASE, new Pod6State(true, true,
                List.of(entry("fd99::10", PERMANENT | IfInet6.DAD_FAILED | IfInet6.TENTATIVE))));

        assertEquals(Verdict.FAIL, f.get(Checks.LEASE6_ADDRESS).verdict());
        assertTrue(f.get(Checks.LEASE6_ADDRESS).saw().contains("failed duplicate address detection"), f.toString());
    }

    @Test
    void aTentativeAddressIsAWarning() {
        Map<String, Finding> f = run(LEASE, new Pod6State(true, true, List.of(entry("fd99::10", IfInet6.TENTATIVE))));

        assertEquals(Verdict.WARN, f.get(Checks.LEASE6_ADDRESS).verdict(), f.toString());
    }

    @Test
    void anInterfaceWithoutTheAddressFailsWithTheCommandThatAddsIt() {
        Map<String, Finding> f = run(LEASE, new Pod6State(true, true, List.of(entry("fd99::99", PERMANENT))));

        Finding address = f.get(Checks.LEASE6_ADDRESS);
        assertEquals(Verdict.FAIL, address.verdict());
        assertTrue(address.saw().contains("does not carry fd99::10 (its IPv6 addresses: fd99::99/64)"), address.saw());
        assertEquals("nsenter --net=/run/netns/c1 ip -6 addr add fd99::10/64 dev eth0 (or recreate the pod)", address.fix());
    }

    @Test
    void aMissingNamespaceOrInterfaceFailsTheAddressCheck() {
        assertEquals(Verdict.FAIL, run(LEASE, Pod6State.noNamespace()).get(Checks.LEASE6_ADDRESS).verdict());
        assertEquals(Verdict.FAIL, run(LEASE, Pod6State.noInterface()).get(Checks.LEASE6_ADDRESS).verdict());
    }

    @Test
    void aLostLeaseFailsTheStateCheckAndTheInterfaceIsNotProbed() {
        HeldLease6 lost = new HeldLease6("c1", "lan", "eth0", "/run/netns/c1", "init", true,
                "valid lifetime ended without renewal", ADDRESS, 64);

        List<Finding> f = new Pod6Check(l -> {
            throw new AssertionError("not probed");
        }).check(lost);

        assertEquals(1, f.size(), f.toString());
        assertEquals(Verdict.FAIL, f.get(0).verdict());
        assertTrue(f.get(0).saw().contains("lost (state init)"), f.toString());
    }

    @Test
    void aLeaseNotGrantedYetIsAWarning() {
        HeldLease6 soliciting = new HeldLease6("c1", "lan", "eth0", "/run/netns/c1", "soliciting", false, "", null, 0);

        assertEquals(Map.of(Checks.LEASE6_STATE, Verdict.WARN), verdicts(run(soliciting, Pod6State.noNamespace())));
    }

    @Test
    void aProbeThatCannotEnterTheNamespaceFailsTheAddressCheck() {
        List<Finding> f = new Pod6Check(l -> {
            throw new IOException("Operation not permitted");
        }).check(LEASE);

        assertEquals(Verdict.FAIL, f.get(1).verdict());
        assertTrue(f.get(1).saw().contains("Operation not permitted"), f.toString());
    }
}
