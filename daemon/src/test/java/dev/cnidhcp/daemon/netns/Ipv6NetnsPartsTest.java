package dev.cnidhcp.daemon.netns;

import dev.cnidhcp.daemon.dhcp.ClientIdentity;
import dev.cnidhcp.daemon.dhcp.ClientOptions;
import dev.cnidhcp.daemon.dhcp6.Dhcp6Options;
import dev.cnidhcp.daemon.dhcp6.Duids;
import dev.cnidhcp.daemon.dhcp6.Ipv6Packets;
import dev.cnidhcp.daemon.dhcp6.NeighborDiscovery;
import dev.cnidhcp.daemon.lease.Address6State;
import dev.cnidhcp.daemon.lease.Attachment;
import dev.cnidhcp.daemon.lease.LeaseKey;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The IPv6 socket filter, the if_inet6 reader and the identity NetnsDhcp6 gives an attachment. */
class Ipv6NetnsPartsTest {
    private static final byte[] MAC = {2, 0x42, 0, 0, 0, 7};

    @Test
    void filterTakesDhcpv6ToTheClientPortAndNeighborDiscoveryOnly() {
        int[][] program = Bpf.ipv6ClientPackets(546);
        var ll = Dhcp6Options.parse("fe80::1");
        var me = Dhcp6Options.parse("fe80::42:ff:fe00:7");

        assertTrue(BpfTest.run(program, Ipv6Packets.udp(ll, me, 547, 546, new byte[8])) != 0);
        assertEquals(0, BpfTest.run(program, Ipv6Packets.udp(ll, me, 547, 547, new byte[8])));
        assertEquals(0, BpfTest.run(program, Ipv6Packets.udp(ll, me, 53, 5353, new byte[8])));
        byte[] ra = new byte[16];
        ra[0] = (byte) 134;
        assertTrue(BpfTest.run(program, Ipv6Packets.icmpv6(ll, NeighborDiscovery.ALL_NODES, ra)) != 0);
        assertTrue(BpfTest.run(program, Ipv6Packets.icmpv6(ll, me, NeighborDiscovery.dadSolicitation(me))) != 0);
        assertTrue(BpfTest.run(program, Ipv6Packets.icmpv6(ll, me, NeighborDiscovery.advertisement(me, MAC, true))) != 0);
        byte[] echo = new byte[8];
        echo[0] = (byte) 128;
        assertEquals(0, BpfTest.run(program, Ipv6Packets.icmpv6(ll, me, echo)), "echo requests are not ours");
        assertEquals(0, BpfTest.run(program, Ipv6Packets.icmpv6(ll, me, NeighborDiscovery.routerSolicitation(MAC))),
                "nor are other hosts' router solicitations");
    }

    @Test
    void ifInet6LinesGiveAddressPrefixScopeFlagsAndName() throws IOException {
        List<IfInet6.Entry> entries = IfInet6.parse(
                "fe80000000000000004200fffe000007 02 40 20 40     eth0\n"
                + "fd990000000000000000000000000010 02 40 00 80     eth0\n");

        assertEquals(Dhcp6Options.parse("fe80::42:ff:fe00:7"), entries.get(0).address());
        assertTrue(entries.get(0).linkLocal());
        assertEquals(IfInet6.TENTATIVE, entries.get(0).flags() & IfInet6.TENTATIVE);
        assertEquals(64, entries.get(1).prefixLength());
        assertEquals("eth0", entries.get(1).ifname());
        assertThrows(IOException.class, () -> IfInet6.parse("fe80 02 40 20 40 eth0\n"));
    }

    @Test
    void theKernelsFlagsSayWhetherTheLeasedAddressIsCarriedTentativeDadfailedOrAbsent() throws IOException {
        // as ip -6 addr shows them: 0x80 permanent, 0x40 tentative, 0x48 tentative dadfailed
        List<IfInet6.Entry> entries = IfInet6.parse(
                "fd990000000000000000000000000010 02 40 00 80     eth0\n"
                + "fd990000000000000000000000000011 02 40 00 c0     eth0\n"
                + "fd990000000000000000000000000012 02 40 00 c8     eth0\n");

        assertEquals(Address6State.CARRIED, NetnsDhcp6.stateOf(entries, Dhcp6Options.parse("fd99::10")));
        assertEquals(Address6State.TENTATIVE, NetnsDhcp6.stateOf(entries, Dhcp6Options.parse("fd99::11")));
        assertEquals(Address6State.DAD_FAILED, NetnsDhcp6.stateOf(entries, Dhcp6Options.parse("fd99::12")));
        assertEquals(Address6State.ABSENT, NetnsDhcp6.stateOf(entries, Dhcp6Options.parse("fd99::13")));
        assertEquals("dadfailed", Address6State.DAD_FAILED.label());
    }

    @Test
    void defaultClientIdGivesTheMacsDuidLlAndATemplatedOneADerivedDuid() {
        LeaseKey key = new LeaseKey("c0ffee", "net1", "eth0");
        Attachment plain = new Attachment(key, Path.of("/run/netns/x"),
                ClientIdentity.defaultClientId("c0ffee", "net1", "eth0"), ClientOptions.defaults());
        Attachment templated = new Attachment(key, Path.of("/run/netns/x"),
                "\0pod-a".getBytes(StandardCharsets.UTF_8), ClientOptions.defaults());

        assertArrayEquals(Duids.duidLl(MAC), NetnsDhcp6.identity(plain, MAC).duid());
        assertArrayEquals(Duids.fromClientId("\0pod-a".getBytes(StandardCharsets.UTF_8)),
                NetnsDhcp6.identity(templated, MAC).duid());
        assertEquals(Duids.iaid("c0ffee", "net1", "eth0"), NetnsDhcp6.identity(plain, MAC).iaid());
    }
}
