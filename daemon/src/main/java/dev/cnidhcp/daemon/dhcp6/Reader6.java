package dev.cnidhcp.daemon.dhcp6;

import dev.cnidhcp.daemon.dhcp.DhcpParseException;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * The one reader of untrusted DHCPv6 and ICMPv6 bytes: a cursor over a window of a received
 * message that checks every read against the window and throws a {@link DhcpParseException} naming
 * what was being read. Not thread-safe; a decoder makes its own and drops it.
 */
final class Reader6 {
    private final byte[] data;
    private final int end;
    private final String what;
    private int position;

    Reader6(byte[] data, String what) {
        this(data, 0, data.length, what);
    }

    Reader6(byte[] data, int start, int end, String what) {
        if (start < 0 || end > data.length || start > end) {
            throw new IllegalArgumentException("window: [" + start + ", " + end + ") (expected: inside 0.."
                    + data.length + ")");
        }
        this.data = data;
        this.end = end;
        this.what = what;
        this.position = start;
    }

    int remaining() {
        return end - position;
    }

    boolean hasRemaining() {
        return position < end;
    }

    void require(int n, String item) throws DhcpParseException {
        if (n < 0 || n > end - position) {
            throw new DhcpParseException(what + ": " + item + " needs " + n + " bytes, " + remaining() + " left");
        }
    }

    int u8(String item) throws DhcpParseException {
        require(1, item);
        return data[position++] & 0xff;
    }

    int u16(String item) throws DhcpParseException {
        require(2, item);
        int v = ((data[position] & 0xff) << 8) | (data[position + 1] & 0xff);
        position += 2;
        return v;
    }

    int u24(String item) throws DhcpParseException {
        require(3, item);
        int v = ((data[position] & 0xff) << 16) | ((data[position + 1] & 0xff) << 8) | (data[position + 2] & 0xff);
        position += 3;
        return v;
    }

    /** Four bytes, network order, unsigned (lifetimes, T1, T2). */
    long u32(String item) throws DhcpParseException {
        require(4, item);
        long v = 0;
        for (int i = 0; i < 4; i++) {
            v = (v << 8) | (data[position + i] & 0xff);
        }
        position += 4;
        return v;
    }

    Inet6Address address(String item) throws DhcpParseException {
        return Dhcp6Options.address(bytes(16, item));
    }

    byte[] bytes(int n, String item) throws DhcpParseException {
        require(n, item);
        byte[] out = Arrays.copyOfRange(data, position, position + n);
        position += n;
        return out;
    }

    void skip(int n, String item) throws DhcpParseException {
        require(n, item);
        position += n;
    }

    /** Fails when bytes are left over: a fixed-size field was longer than it may be. */
    void requireEnd(String item) throws DhcpParseException {
        if (position != end) {
            throw new DhcpParseException(what + ": " + remaining() + " bytes after " + item);
        }
    }

    static Inet6Address unchecked(byte[] sixteen) {
        try {
            return (Inet6Address) InetAddress.getByAddress(sixteen);
        } catch (UnknownHostException | ClassCastException e) {
            throw new IllegalArgumentException("address: " + sixteen.length + " bytes (expected: 16)", e);
        }
    }
}
