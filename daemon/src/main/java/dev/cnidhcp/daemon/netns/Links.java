package dev.cnidhcp.daemon.netns;

import dev.cnidhcp.daemon.dhcp.Route;
import jnr.ffi.Pointer;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;

/**
 * Interface queries and changes through ioctl, in the network namespace of the calling thread (call
 * it from inside {@link Namespaces#call}).
 */
public final class Links {
    private static final int IFREQ_SIZE = 40;
    private static final int IFNAMSIZ = 16;

    private Links() {
    }

    /** The interface index, or 0 when there is no such interface in this namespace. */
    public static int index(String ifname) {
        return Native.LIBC.if_nametoindex(ifname);
    }

    /**
     * The hardware addresses of every interface in this namespace, colon hex in lower case (the pod's
     * own interfaces, whose ARP answers are not another host's).
     */
    public static Set<String> namespaceMacs() throws IOException {
        Pointer list = Native.LIBC.if_nameindex();
        if (list == null) {
            throw Native.failure("if_nameindex", "this namespace");
        }
        Set<String> macs = new HashSet<>();
        try {
            int entry = 2 * Native.addressSize(); // an unsigned int padded to pointer alignment, then a pointer
            for (long offset = 0; list.getInt(offset) != 0; offset += entry) {
                String name = list.getPointer(offset + Native.addressSize()).getString(0);
                try {
                    macs.add(HexFormat.ofDelimiter(":").formatHex(mac(name)));
                } catch (IOException e) {
                    // gone since the listing, or no hardware address: not an answering interface
                }
            }
        } finally {
            Native.LIBC.if_freenameindex(list);
        }
        return macs;
    }

    /** The 6-byte hardware address. */
    public static byte[] mac(String ifname) throws IOException {
        byte[] ifr = ioctl(ifname, LibC.SIOCGIFHWADDR, null);
        byte[] mac = new byte[6];
        System.arraycopy(ifr, IFNAMSIZ + 2, mac, 0, 6);
        return mac;
    }

    /** The interface's IPv4 address, or null when it has none. */
    public static Inet4Address address(String ifname) throws IOException {
        try {
            byte[] ifr = ioctl(ifname, LibC.SIOCGIFADDR, null);
            byte[] ip = new byte[4];
            System.arraycopy(ifr, IFNAMSIZ + 4, ip, 0, 4);
            return (Inet4Address) InetAddress.getByAddress(ip);
        } catch (NativeException e) {
            if (e.errno() == NativeException.EADDRNOTAVAIL) { // no address
                return null;
            }
            throw e;
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    public static int flags(String ifname) throws IOException {
        byte[] ifr = ioctl(ifname, LibC.SIOCGIFFLAGS, null);
        return ByteBuffer.wrap(ifr, IFNAMSIZ, 2).order(ByteOrder.nativeOrder()).getShort() & 0xffff;
    }

    /** Sets the link up or down (IFF_UP), leaving the other flags as they are. */
    public static void setUp(String ifname, boolean up) throws IOException {
        int flags = flags(ifname);
        int wanted = up ? flags | LibC.IFF_UP : flags & ~LibC.IFF_UP;
        if (wanted != flags) {
            byte[] value = new byte[2];
            ByteBuffer.wrap(value).order(ByteOrder.nativeOrder()).putShort((short) wanted);
            ioctl(ifname, LibC.SIOCSIFFLAGS, value);
        }
    }

    /**
     * Brings the link up if it is down and waits, polling every few milliseconds, until it has a
     * carrier (IFF_RUNNING) or the deadline passes. Returns whether the link runs.
     */
    public static boolean bringUp(String ifname, long deadlineNanos) throws IOException, InterruptedException {
        setUp(ifname, true);
        long sleepMillis = 1;
        while ((flags(ifname) & LibC.IFF_RUNNING) == 0) {
            if (System.nanoTime() >= deadlineNanos) {
                return false;
            }
            Thread.sleep(sleepMillis);
            sleepMillis = Math.min(sleepMillis * 2, 50);
        }
        return true;
    }

    /**
     * Adds an IPv4 route through the interface (SIOCADDRT): via the route's gateway, or on the link
     * when it has none. A route that exists already is not an error.
     */
    public static void addRoute(String ifname, Route route) throws IOException {
        // struct rtentry on LP64: pad1@0, dst@8, gateway@24, genmask@40, flags@56, metric@80, dev@88; 120 bytes
        ByteBuffer rt = ByteBuffer.allocate(120).order(ByteOrder.nativeOrder());
        putSockaddrIn(rt, 8, route.destination());
        short flags = LibC.RTF_UP;
        if (route.gateway() != null) {
            putSockaddrIn(rt, 24, route.gateway());
            flags |= LibC.RTF_GATEWAY;
        }
        putSockaddrIn(rt, 40, Route.fromInt(Route.mask(route.prefixLength())));
        if (route.prefixLength() == 32) {
            flags |= LibC.RTF_HOST;
        }
        rt.putShort(56, flags);
        jnr.ffi.Pointer dev = jnr.ffi.Memory.allocateDirect(jnr.ffi.Runtime.getRuntime(Native.LIBC), IFNAMSIZ);
        dev.putString(0, ifname, IFNAMSIZ, StandardCharsets.US_ASCII);
        rt.putLong(88, dev.address());
        LibC libc = Native.LIBC;
        int fd = libc.socket(LibC.AF_INET, LibC.SOCK_DGRAM | LibC.SOCK_CLOEXEC, 0);
        if (fd < 0) {
            throw Native.failure("socket", "AF_INET");
        }
        try {
            if (libc.ioctl(fd, LibC.SIOCADDRT, rt.array()) != 0 && Native.errno() != LibC.EEXIST) {
                throw Native.failure("ioctl SIOCADDRT", route.cidr() + " via "
                        + (route.gateway() == null ? "link" : route.gateway().getHostAddress()) + " dev " + ifname);
            }
        } finally {
            libc.close(fd);
            java.lang.ref.Reference.reachabilityFence(dev);
        }
    }

    private static void putSockaddrIn(ByteBuffer b, int offset, Inet4Address address) {
        b.putShort(offset, (short) LibC.AF_INET); // sin_family, native order; sin_port stays 0
        byte[] ip = address.getAddress();
        for (int i = 0; i < 4; i++) {
            b.put(offset + 4 + i, ip[i]);
        }
    }

    private static byte[] ioctl(String ifname, long request, byte[] value) throws IOException {
        byte[] name = ifname.getBytes(StandardCharsets.US_ASCII);
        if (name.length >= IFNAMSIZ) {
            throw new IllegalArgumentException("ifname: " + ifname + " (expected: at most 15 characters)");
        }
        byte[] ifr = new byte[IFREQ_SIZE];
        System.arraycopy(name, 0, ifr, 0, name.length);
        if (value != null) {
            System.arraycopy(value, 0, ifr, IFNAMSIZ, value.length);
        }
        LibC libc = Native.LIBC;
        int fd = libc.socket(LibC.AF_INET, LibC.SOCK_DGRAM | LibC.SOCK_CLOEXEC, 0);
        if (fd < 0) {
            throw Native.failure("socket", "AF_INET");
        }
        try {
            if (libc.ioctl(fd, request, ifr) != 0) {
                throw Native.failure("ioctl 0x" + Long.toHexString(request), ifname);
            }
            return ifr;
        } finally {
            libc.close(fd);
        }
    }
}
