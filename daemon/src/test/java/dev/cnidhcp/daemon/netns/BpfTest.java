package dev.cnidhcp.daemon.netns;

import dev.cnidhcp.daemon.dhcp.Ipv4Udp;
import dev.cnidhcp.daemon.dhcp.Route;
import org.junit.jupiter.api.Test;

import java.net.Inet4Address;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The socket filters, run through a small interpreter of the classic BPF instructions they use (as
 * the kernel would run them), and their encoding as {@code struct sock_filter}.
 */
class BpfTest {
    private static final Inet4Address LEASED = Route.parseAddress("10.99.0.150", "a");
    private static final Inet4Address OTHER = Route.parseAddress("10.99.0.151", "b");
    private static final Inet4Address SERVER = Route.parseAddress("10.99.0.1", "s");
    private static final byte[] MAC = {2, 0, 0, 0, 0, 1};
    private static final byte[] SERVER_MAC = {2, 0, 0, 0, 0, 9};

    /** Runs a program over a packet; 0 means dropped. Loads past the end drop, as in the kernel. */
    static int run(int[][] program, byte[] p) {
        int a = 0;
        int x = 0;
        for (int pc = 0; pc < program.length; pc++) {
            int[] i = program[pc];
            int k = i[3];
            switch (i[0]) {
                case 0x30 -> { // ldb [k]
                    if (k + 1 > p.length) {
                        return 0;
                    }
                    a = p[k] & 0xff;
                }
                case 0x28 -> { // ldh [k]
                    if (k + 2 > p.length) {
                        return 0;
                    }
                    a = ((p[k] & 0xff) << 8) | (p[k + 1] & 0xff);
                }
                case 0x20 -> { // ld [k]
                    if (k + 4 > p.length) {
                        return 0;
                    }
                    a = ByteBuffer.wrap(p, k, 4).getInt();
                }
                case 0x48 -> { // ldh [x+k]
                    if (x + k + 2 > p.length) {
                        return 0;
                    }
                    a = ((p[x + k] & 0xff) << 8) | (p[x + k + 1] & 0xff);
                }
                case 0xb1 -> { // ldxb 4*([k]&0xf)
                    if (k + 1 > p.length) {
                        return 0;
                    }
                    x = (p[k] & 0xf) * 4;
                }
                case 0x15 -> pc += a == k ? i[1] : i[2]; // jeq #k
                case 0x45 -> pc += (a & k) != 0 ? i[1] : i[2]; // jset #k
                case 0x06 -> {
                    return k; // ret #k
                }
                default -> throw new AssertionError("instruction 0x" + Integer.toHexString(i[0]) + " not interpreted");
            }
        }
        throw new AssertionError("the program ran off its end");
    }

    private static byte[] udp(int dstPort) {
        return Ipv4Udp.wrap(new byte[300], SERVER, LEASED, Ipv4Udp.SERVER_PORT, dstPort);
    }

    private static byte[] arp(int op, byte[] senderIp, byte[] targetIp) {
        ByteBuffer b = ByteBuffer.allocate(28);
        b.putShort((short) 1).putShort((short) 0x0800).put((byte) 6).put((byte) 4).putShort((short) op);
        b.put(SERVER_MAC).put(senderIp).put(new byte[6]).put(targetIp);
        return b.array();
    }

    @Test
    void dhcpSocketFilterKeepsOnlyUnfragmentedUdpToPort68() {
        int[][] filter = Bpf.udpToPort(Ipv4Udp.CLIENT_PORT);
        assertEquals(0xffff, run(filter, udp(68)));
        assertEquals(0, run(filter, udp(67)), "the client's own requests, other UDP");
        byte[] tcp = udp(68);
        tcp[9] = 6;
        assertEquals(0, run(filter, tcp));
        byte[] fragment = udp(68);
        fragment[7] = 1; // fragment offset 8 bytes
        assertEquals(0, run(filter, fragment));
        byte[] withOptions = new byte[udp(68).length + 4]; // IHL 6: the port is read past the options
        byte[] plain = udp(68);
        System.arraycopy(plain, 0, withOptions, 0, 20);
        System.arraycopy(plain, 20, withOptions, 24, plain.length - 20);
        withOptions[0] = 0x46;
        assertEquals(0xffff, run(filter, withOptions));
        assertEquals(0, run(filter, new byte[5]), "truncated");
    }

    @Test
    void probeFilterKeepsArpAboutTheAddressOnly() {
        int[][] filter = Bpf.arpAbout(LEASED);
        assertEquals(0xffff, run(filter, arp(2, LEASED.getAddress(), SERVER.getAddress())), "someone has it");
        assertEquals(0xffff, run(filter, arp(1, new byte[4], LEASED.getAddress())), "someone probes for it");
        assertEquals(0, run(filter, arp(1, SERVER.getAddress(), OTHER.getAddress())));
    }

    @Test
    void responderFilterKeepsRequestsForTheAddressOnly() {
        int[][] filter = Bpf.arpRequestFor(LEASED);
        assertEquals(0xffff, run(filter, arp(1, SERVER.getAddress(), LEASED.getAddress())));
        assertEquals(0, run(filter, arp(2, SERVER.getAddress(), LEASED.getAddress())), "a reply");
        assertEquals(0, run(filter, arp(1, SERVER.getAddress(), OTHER.getAddress())), "another address");
        assertEquals(0, run(filter, new byte[20]), "truncated");
    }

    @Test
    void programsAreEncodedAsSockFilterStructsInNativeOrder() {
        byte[] encoded = Bpf.encode(new int[][] {{0x15, 2, 5, 0x0a630096}, {0x06, 0, 0, 0xffff}});
        ByteBuffer expected = ByteBuffer.allocate(16).order(ByteOrder.nativeOrder());
        expected.putShort((short) 0x15).put((byte) 2).put((byte) 5).putInt(0x0a630096);
        expected.putShort((short) 0x06).put((byte) 0).put((byte) 0).putInt(0xffff);
        assertArrayEquals(expected.array(), encoded);
        assertEquals(0x0a630096, Bpf.arpRequestFor(LEASED)[3][3], "addresses compare as big-endian words");
    }

    @Test
    void sockaddrLlNamesTheInterfaceTheEthertypeAndTheDestinationMac() {
        byte[] sll = PacketSockets.sockaddrLl(7, LibC.ETH_P_IP, SERVER_MAC);
        ByteBuffer b = ByteBuffer.wrap(sll).order(ByteOrder.nativeOrder());
        assertEquals(LibC.AF_PACKET, b.getShort(0));
        assertEquals(0x08, sll[2]);
        assertEquals(0x00, sll[3]);
        assertEquals(7, b.getInt(4));
        assertEquals(6, sll[11]);
        assertArrayEquals(SERVER_MAC, PacketSockets.sourceMac(sll), "a received address reads back the same way");
        assertArrayEquals(null, PacketSockets.sourceMac(PacketSockets.sockaddrLl(7, LibC.ETH_P_IP, null)));
        assertArrayEquals(MAC, PacketSockets.sourceMac(PacketSockets.sockaddrLl(1, LibC.ETH_P_ARP, MAC)));
    }
}
