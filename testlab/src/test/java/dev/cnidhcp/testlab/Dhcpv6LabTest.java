package dev.cnidhcp.testlab;

import dev.cnidhcp.daemon.dhcp.ClientIdentity;
import dev.cnidhcp.daemon.dhcp.ClientOptions;
import dev.cnidhcp.daemon.dhcp6.Binding6;
import dev.cnidhcp.daemon.dhcp6.Dhcp6Client;
import dev.cnidhcp.daemon.dhcp6.Dhcp6Options;
import dev.cnidhcp.daemon.dhcp6.Lease6;
import dev.cnidhcp.daemon.lease.Attachment;
import dev.cnidhcp.daemon.lease.LeaseKey;
import dev.cnidhcp.daemon.metrics.DaemonMetrics;
import dev.cnidhcp.daemon.netns.NetnsDhcp6;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link NetnsDhcp6} driven directly (no CNI, no daemon) against the lab's dnsmasq with a DHCPv6
 * range and Router Advertisements ({@code lab.sh up LAB --dhcpv6}), on a pod veth on the lab's
 * bridge whose link-local address is still tentative when the exchange starts: acquire (with the
 * RA's prefix length and router), renew, rebind, release; the binding is in the server's lease file
 * under the client's IAID and DUID, and gone after the release. The same against Kea's kea-dhcp6
 * ({@code --kea6}, dnsmasq sending only the RAs), and Rapid Commit with dnsmasq. An address another
 * node on the link holds is found by the duplicate address probe, declined, and another one taken.
 */
@Tag("lab")
class Dhcpv6LabTest {
    private static final Clock CLOCK = Clock.systemUTC();

    private static Attachment attachment(Lab lab, String pod) {
        String container = lab.name + "-" + pod;
        return new Attachment(new LeaseKey(container, "v6net", "eth0"), Path.of("/run/netns/" + container),
                ClientIdentity.defaultClientId(container, "v6net", "eth0"), ClientOptions.defaults());
    }

    /** A server's DHCPv6 lease lines in dnsmasq's format: expiry, IAID (decimal), address, name, client DUID. */
    private interface LeaseLines {
        List<String[]> read(Lab lab) throws Exception;
    }

    private static final LeaseLines DNSMASQ = Lab::serverLeases;

    private static final LeaseLines KEA = lab -> {
        List<String[]> out = new java.util.ArrayList<>();
        for (String line : lab.script(List.of("kea6-leases", lab.name)).expectSuccess().stdout().split("\n")) {
            if (!line.isBlank()) {
                out.add(line.trim().split("\\s+"));
            }
        }
        return out;
    };

    private static String[] leaseLine(Lab lab, LeaseLines lines, String address) throws Exception {
        for (String[] l : lines.read(lab)) {
            if (l.length >= 5 && l[2].equals(address)) {
                return l;
            }
        }
        return null;
    }

    @Test
    @Timeout(120)
    void acquiresRenewsRebindsAndReleasesAnIaNaAddressFromDnsmasq() throws Exception {
        try (Lab lab = Lab.upNamed("v6", java.util.Map.of(), "--dhcpv6", "--no-daemon")) {
            lifecycle(lab, DNSMASQ, "dnsmasq");
        }
    }

    @Test
    @Timeout(120)
    void acquiresRenewsRebindsAndReleasesAnIaNaAddressFromKea() throws Exception {
        try (Lab lab = Lab.upNamed("v6", java.util.Map.of(), "--kea6", "--no-daemon")) {
            lifecycle(lab, KEA, "Kea");
        }
    }

    private static void lifecycle(Lab lab, LeaseLines lines, String server) throws Exception {
        lab.script(List.of("veth-pod", lab.name, "p1")).expectSuccess();
        Attachment a = attachment(lab, "p1");
        NetnsDhcp6 transport = new NetnsDhcp6(new Dhcp6Client(CLOCK, false), CLOCK, NetnsDhcp6.RA_WAIT,
                Duration.ofMillis(100), new DaemonMetrics());

        long started = System.nanoTime();
        Binding6 binding = transport.acquire(a, null, Instant.now().plusSeconds(30));
        long acquireMillis = (System.nanoTime() - started) / 1_000_000;
        Lease6 lease = binding.lease();
        System.out.println("v6 lab, " + server + ": " + lease.cidr() + " router " + lease.router() + " in "
                + acquireMillis + " ms");

        String address = Dhcp6Options.text(lease.address());
        assertTrue(address.matches("fd99::1[0-9a-f]{2}"), address);
        assertEquals(64, lease.prefixLength(), "from the RA's on-link prefix fd99::/64");
        assertNotNull(lease.router(), "dnsmasq's RA has a router lifetime");
        assertTrue(lease.router().isLinkLocalAddress());
        assertEquals(List.of(Dhcp6Options.parse("fd99::53")), lease.dnsServers());
        assertEquals(List.of("lab.example"), lease.searchDomains());
        assertEquals(Duration.ofMinutes(2), lease.validLifetime());
        String[] line = leaseLine(lab, lines, address);
        assertNotNull(line, server + " records the lease: " + lab.diagnostics());
        assertEquals(Integer.toUnsignedString(binding.identity().iaid()), line[1]);
        assertEquals(HexFormat.ofDelimiter(":").formatHex(binding.identity().duid()), line[4]);

        Lease6 renewed = transport.renew(a, binding, Instant.now().plusSeconds(30));
        assertEquals(lease.address(), renewed.address());
        assertTrue(renewed.acquired().isAfter(lease.acquired()));
        assertEquals(64, renewed.prefixLength(), "a renewal keeps what the RA said");

        Lease6 rebound = transport.rebind(a, new Binding6(binding.identity(), renewed), Instant.now().plusSeconds(30));
        assertEquals(lease.address(), rebound.address());

        String from = transport.release6(a, new Binding6(binding.identity(), rebound), null);
        assertTrue(from.startsWith("the pod's namespace"), from);
        assertTrue(Lab.await(Duration.ofSeconds(5), () -> leaseLine(lab, lines, address) == null),
                server + " drops the lease at RELEASE: " + lab.diagnostics());
    }

    @Test
    @Timeout(120)
    void rapidCommitGetsALeaseInOneRoundTripAndTwoPodsGetTwoAddresses() throws Exception {
        try (Lab lab = Lab.upNamed("v6", java.util.Map.of(), "--dhcpv6", "--no-daemon")) {
            lab.script(List.of("veth-pod", lab.name, "p1")).expectSuccess();
            lab.script(List.of("veth-pod", lab.name, "p2")).expectSuccess();
            NetnsDhcp6 transport = new NetnsDhcp6(new Dhcp6Client(CLOCK, true), CLOCK, NetnsDhcp6.RA_WAIT,
                    Duration.ofMillis(100), new DaemonMetrics());

            long started = System.nanoTime();
            Binding6 first = transport.acquire(attachment(lab, "p1"), null, Instant.now().plusSeconds(30));
            long firstMillis = (System.nanoTime() - started) / 1_000_000;
            started = System.nanoTime();
            Binding6 second = transport.acquire(attachment(lab, "p2"), null, Instant.now().plusSeconds(30));
            long secondMillis = (System.nanoTime() - started) / 1_000_000;
            System.out.println("v6 lab, rapid commit: " + first.lease().cidr() + " in " + firstMillis + " ms, "
                    + second.lease().cidr() + " in " + secondMillis + " ms");

            assertTrue(!first.lease().address().equals(second.lease().address()), "two pods, two addresses");
            assertEquals(64, second.lease().prefixLength());
            for (Binding6 b : List.of(first, second)) {
                assertNotNull(leaseLine(lab, DNSMASQ, Dhcp6Options.text(b.lease().address())), lab.diagnostics());
            }
        }
    }

    /**
     * RFC 8415 18.2.8: the address granted is probed with a Neighbor Solicitation before the ADD
     * returns; another node holding it answers, the client DECLINEs it and SOLICITs again, and dnsmasq
     * (which hashes the client's DUID and IAID to pick an address, so the same client is offered the
     * same one again) gives another.
     */
    @Test
    @Timeout(120)
    void anAddressAnotherNodeHoldsIsDeclinedAndAnotherOneTaken() throws Exception {
        try (Lab lab = Lab.upNamed("v6", java.util.Map.of(), "--dhcpv6", "--no-daemon")) {
            lab.script(List.of("veth-pod", lab.name, "p1")).expectSuccess();
            Attachment a = attachment(lab, "p1");
            DaemonMetrics metrics = new DaemonMetrics();
            NetnsDhcp6 transport = new NetnsDhcp6(new Dhcp6Client(CLOCK, true), CLOCK, NetnsDhcp6.RA_WAIT,
                    Duration.ofMillis(300), metrics);
            Binding6 first = transport.acquire(a, null, Instant.now().plusSeconds(30));
            String taken = Dhcp6Options.text(first.lease().address());
            transport.release6(a, first, null);
            assertTrue(Lab.await(Duration.ofSeconds(5), () -> leaseLine(lab, DNSMASQ, taken) == null), lab.diagnostics());

            lab.script(List.of("squat", lab.name, taken)).expectSuccess();
            lab.awaitBridgeGroup("vsq", taken, Duration.ofSeconds(10));
            Binding6 second = transport.acquire(a, null, Instant.now().plusSeconds(30));

            String other = Dhcp6Options.text(second.lease().address());
            assertTrue(!other.equals(taken), "another address than the squatter's " + taken + lab.diagnostics());
            assertEquals(1, metrics.declines6(), "one address found in use and declined");
            String dnsmasqLog = java.nio.file.Files.readString(lab.dir.resolve("dnsmasq.log"));
            assertTrue(dnsmasqLog.contains("DHCPDECLINE"), "the server was told: " + lab.diagnostics());
            assertNotNull(leaseLine(lab, DNSMASQ, other), lab.diagnostics());
            transport.release6(a, second, null);
        }
    }
}
