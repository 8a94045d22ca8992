package dev.cnidhcp.daemon.netns;

import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.logging.Logger;

/**
 * {@link BridgePortWait.Ports} of this host: the veth's peer through ethtool's statistics (a veth's
 * first statistic is {@code peer_ifindex}), names in the daemon's namespace through a socket opened
 * there at start-up, and the port's state from sysfs ({@code /sys/class/net/NAME/brport/state}),
 * which shows the namespace it was mounted in, the daemon's; the port's bridge from the same place
 * ({@code /sys/class/net/NAME/master}).
 *
 * <p>Open it on a thread of the daemon's own namespace; it is then used from any thread.
 */
final class HostBridgePorts implements BridgePortWait.Ports {
    private static final long SIOCGIFNAME = 0x8910;
    private static final long SIOCETHTOOL = 0x8946;
    private static final int ETHTOOL_GDRVINFO = 0x3;
    private static final int ETHTOOL_GSTATS = 0x1d;
    /** struct ethtool_drvinfo: cmd, driver[32], version[32], fw[32], bus[32], erom[32], reserved[12], 5 counts. */
    private static final int DRVINFO_SIZE = 196;
    private static final int DRVINFO_N_STATS = 180;
    private static final int MAX_STATS = 4096;
    private static final int IFREQ_SIZE = 40;
    private static final int IFNAMSIZ = 16;

    private static final Logger LOG = Logger.getLogger(HostBridgePorts.class.getName());

    private final int homeSocket;
    private final Path classNet;

    private HostBridgePorts(int homeSocket, Path classNet) {
        this.homeSocket = homeSocket;
        this.classNet = classNet;
    }

    /**
     * {@link #open}, or, when that fails, ports that are never found (every veth looks like one
     * whose peer is elsewhere); {@code lost} says in the warning what the daemon then cannot do.
     */
    static BridgePortWait.Ports openOrNone(String lost) {
        try {
            return open();
        } catch (IOException e) {
            LOG.warning("cannot look at bridge ports (" + e.getMessage() + "); " + lost);
            return NO_PORTS;
        }
    }

    private static final BridgePortWait.Ports NO_PORTS = new BridgePortWait.Ports() {
        @Override
        public int vethPeerIndex(String ifname) {
            return 0;
        }

        @Override
        public String homeName(int index) {
            return null;
        }

        @Override
        public int peerOf(String name) {
            return 0;
        }

        @Override
        public int portState(String name) {
            return -1;
        }

        @Override
        public String masterOf(String name) {
            return null;
        }
    };

    /** Opens the socket that names interfaces in the calling thread's (the daemon's) namespace. */
    static HostBridgePorts open() throws IOException {
        int fd = Native.LIBC.socket(LibC.AF_INET, LibC.SOCK_DGRAM | LibC.SOCK_CLOEXEC, 0);
        if (fd < 0) {
            throw Native.failure("socket", "AF_INET");
        }
        return new HostBridgePorts(fd, Path.of("/sys/class/net"));
    }

    @Override
    public int vethPeerIndex(String ifname) throws IOException {
        Runtime runtime = Runtime.getRuntime(Native.LIBC);
        Pointer info = Memory.allocateDirect(runtime, DRVINFO_SIZE, true);
        info.putInt(0, ETHTOOL_GDRVINFO);
        ethtool(ifname, info);
        if (!"veth".equals(info.getString(4, 32, StandardCharsets.US_ASCII))) {
            return 0;
        }
        int count = info.getInt(DRVINFO_N_STATS);
        if (count < 1 || count > MAX_STATS) {
            return 0;
        }
        Pointer stats = Memory.allocateDirect(runtime, 8 + 8 * count, true);
        stats.putInt(0, ETHTOOL_GSTATS);
        stats.putInt(4, count);
        ethtool(ifname, stats);
        long peer = stats.getLong(8);
        return peer > 0 && peer <= Integer.MAX_VALUE ? (int) peer : 0;
    }

    @Override
    public String homeName(int index) {
        byte[] ifr = new byte[IFREQ_SIZE];
        ByteBuffer.wrap(ifr, IFNAMSIZ, 4).order(ByteOrder.nativeOrder()).putInt(index);
        if (Native.LIBC.ioctl(homeSocket, SIOCGIFNAME, ifr) != 0) {
            return null; // no such interface here (ENODEV)
        }
        int end = 0;
        while (end < IFNAMSIZ && ifr[end] != 0) {
            end++;
        }
        return new String(ifr, 0, end, StandardCharsets.US_ASCII);
    }

    @Override
    public int peerOf(String name) throws IOException {
        return readInt(classNet.resolve(name).resolve("iflink"));
    }

    @Override
    public int portState(String name) throws IOException {
        try {
            return readInt(classNet.resolve(name).resolve("brport").resolve("state"));
        } catch (NoSuchFileException e) {
            return -1;
        }
    }

    @Override
    public String masterOf(String name) throws IOException {
        try {
            return Files.readSymbolicLink(classNet.resolve(name).resolve("master")).getFileName().toString();
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    private static int readInt(Path file) throws IOException {
        try {
            return Integer.parseInt(Files.readString(file, StandardCharsets.US_ASCII).trim());
        } catch (NumberFormatException e) {
            throw new IOException(file + ": not a number", e);
        }
    }

    /** SIOCETHTOOL on {@code ifname} in the calling thread's namespace, {@code data} the ethtool struct. */
    private static void ethtool(String ifname, Pointer data) throws IOException {
        byte[] name = ifname.getBytes(StandardCharsets.US_ASCII);
        if (name.length >= IFNAMSIZ) {
            throw new IllegalArgumentException("ifname: " + ifname + " (expected: at most 15 characters)");
        }
        byte[] ifr = new byte[IFREQ_SIZE];
        System.arraycopy(name, 0, ifr, 0, name.length);
        ByteBuffer.wrap(ifr, IFNAMSIZ, 8).order(ByteOrder.nativeOrder()).putLong(data.address());
        int fd = Native.LIBC.socket(LibC.AF_INET, LibC.SOCK_DGRAM | LibC.SOCK_CLOEXEC, 0);
        if (fd < 0) {
            throw Native.failure("socket", "AF_INET");
        }
        try {
            if (Native.LIBC.ioctl(fd, SIOCETHTOOL, ifr) != 0) {
                throw Native.failure("ioctl SIOCETHTOOL", ifname);
            }
        } finally {
            Native.LIBC.close(fd);
        }
    }
}
