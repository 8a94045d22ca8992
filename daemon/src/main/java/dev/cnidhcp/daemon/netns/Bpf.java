package dev.cnidhcp.daemon.netns;

import jnr.ffi.Memory;
import jnr.ffi.Pointer;

import java.io.IOException;
import java.net.Inet4Address;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The classic BPF programs attached to the packet sockets, so the kernel drops what the daemon does
 * not want before it is queued or wakes a thread. On a SOCK_DGRAM packet socket offsets start at the
 * network header (IPv4 header, ARP header). Instructions are {code, jt, jf, k}.
 */
final class Bpf {
    private static final int ACCEPT = 0xffff;

    private Bpf() {
    }

    /** IPv4 UDP, not a fragment, to destination {@code port}. */
    static int[][] udpToPort(int port) {
        return new int[][] {
            {0x30, 0, 0, 9},          // ldb [9]            (IP protocol)
            {0x15, 0, 6, 17},         // jeq #17 (UDP)      else drop
            {0x28, 0, 0, 6},          // ldh [6]            (flags + fragment offset)
            {0x45, 4, 0, 0x1fff},     // jset #0x1fff       fragment -> drop
            {0xb1, 0, 0, 0},          // ldxb 4*([0]&0xf)   (IP header length)
            {0x48, 0, 0, 2},          // ldh [x+2]          (UDP destination port)
            {0x15, 0, 1, port},       // jeq #port          else drop
            {0x06, 0, 0, ACCEPT},     // ret                accept
            {0x06, 0, 0, 0},          // ret #0             drop
        };
    }

    /**
     * IPv6 without extension headers: UDP to destination {@code port}, or the ICMPv6 Neighbor
     * Discovery messages a DHCPv6 client reads (Router Advertisement 134, Neighbor Solicitation 135
     * and Advertisement 136). Offsets: next header 6, hop limit 7, upper layer from 40.
     */
    static int[][] ipv6ClientPackets(int port) {
        return new int[][] {
            {0x30, 0, 0, 6},          // 0 ldb [6]          (next header)
            {0x15, 0, 2, 17},         // 1 jeq #17 (UDP)    else 4
            {0x28, 0, 0, 42},         // 2 ldh [42]         (UDP destination port)
            {0x15, 5, 6, port},       // 3 jeq #port        -> 9 accept, else 10 drop
            {0x15, 0, 5, 58},         // 4 jeq #58 (ICMPv6) else 10 drop
            {0x30, 0, 0, 40},         // 5 ldb [40]         (ICMPv6 type)
            {0x15, 2, 0, 134},        // 6 jeq #134         -> 9
            {0x15, 1, 0, 135},        // 7 jeq #135         -> 9
            {0x15, 0, 1, 136},        // 8 jeq #136         else 10
            {0x06, 0, 0, ACCEPT},     // 9 ret              accept
            {0x06, 0, 0, 0},          // 10 ret #0          drop
        };
    }

    /** ARP whose sender or target protocol address is {@code address} (what a conflict check reads). */
    static int[][] arpAbout(Inet4Address address) {
        int a = ByteBuffer.wrap(address.getAddress()).getInt();
        return new int[][] {
            {0x20, 0, 0, 14},         // ld [14]            (sender IP)
            {0x15, 2, 0, a},          // jeq #address       -> accept
            {0x20, 0, 0, 24},         // ld [24]            (target IP)
            {0x15, 0, 1, a},          // jeq #address       else drop
            {0x06, 0, 0, ACCEPT},
            {0x06, 0, 0, 0},
        };
    }

    /** ARP requests (op 1) for target protocol address {@code address} (what an ARP responder answers). */
    static int[][] arpRequestFor(Inet4Address address) {
        int a = ByteBuffer.wrap(address.getAddress()).getInt();
        return new int[][] {
            {0x28, 0, 0, 6},          // ldh [6]            (operation)
            {0x15, 0, 3, 1},          // jeq #1 (request)   else drop
            {0x20, 0, 0, 24},         // ld [24]            (target IP)
            {0x15, 0, 1, a},          // jeq #address       else drop
            {0x06, 0, 0, ACCEPT},
            {0x06, 0, 0, 0},
        };
    }

    /** {@code struct sock_filter[]}: u16 code, u8 jt, u8 jf, u32 k, native byte order. */
    static byte[] encode(int[][] program) {
        ByteBuffer filters = ByteBuffer.allocate(program.length * 8).order(ByteOrder.nativeOrder());
        for (int[] insn : program) {
            if (insn.length != 4) {
                throw new IllegalArgumentException("instruction: " + insn.length + " fields (expected: 4)");
            }
            filters.putShort((short) insn[0]).put((byte) insn[1]).put((byte) insn[2]).putInt(insn[3]);
        }
        return filters.array();
    }

    /** Attaches {@code program} to the socket (SO_ATTACH_FILTER). */
    static void attach(int fd, int[][] program) throws IOException {
        byte[] filters = encode(program);
        Pointer memory = Memory.allocateDirect(jnr.ffi.Runtime.getRuntime(Native.LIBC), filters.length);
        memory.put(0, filters, 0, filters.length);
        // struct sock_fprog { unsigned short len; struct sock_filter *filter; } (padded to 16 bytes)
        ByteBuffer fprog = ByteBuffer.allocate(16).order(ByteOrder.nativeOrder());
        fprog.putShort((short) program.length).putShort((short) 0).putInt(0).putLong(memory.address());
        try {
            if (Native.LIBC.setsockopt(fd, LibC.SOL_SOCKET, LibC.SO_ATTACH_FILTER, fprog.array(), 16) != 0) {
                throw Native.failure("setsockopt", "SO_ATTACH_FILTER");
            }
        } finally {
            java.lang.ref.Reference.reachabilityFence(memory);
        }
    }
}
