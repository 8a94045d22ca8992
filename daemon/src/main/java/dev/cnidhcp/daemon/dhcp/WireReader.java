package dev.cnidhcp.daemon.dhcp;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * The one reader of untrusted DHCP, DHCPv6 and ICMPv6 bytes: a cursor over a window of a received message (a field, an
 * option's value) that checks every read against the window and throws a {@link DhcpParseException}
 * naming what was being read, instead of an index exception. Positions are indexes into the
 * underlying array. Not thread-safe; a decoder makes its own and drops it.
 */
public final class WireReader {
    private final byte[] data;
    private final int start;
    private final int end;
    private final String what;
    private int position;

    /** Reads all of {@code data}; {@code what} names it in error messages ("option 121"). */
    public WireReader(byte[] data, String what) {
        this(data, 0, data.length, what);
    }

    /** Reads {@code data[start, end)}. */
    public WireReader(byte[] data, int start, int end, String what) {
        if (start < 0 || end > data.length || start > end) {
            throw new IllegalArgumentException("window: [" + start + ", " + end + ") (expected: inside 0.."
                    + data.length + ")");
        }
        this.data = data;
        this.start = start;
        this.end = end;
        this.what = what;
        this.position = start;
    }

    public String what() {
        return what;
    }

    /** Where the next read starts, relative to the window's start. */
    public int offset() {
        return position - start;
    }

    public int remaining() {
        return end - position;
    }

    public boolean hasRemaining() {
        return position < end;
    }

    /** A reader of the same window positioned at {@code offset} from its start (DNS name pointers). */
    public WireReader at(int offset) throws DhcpParseException {
        if (offset < 0 || offset > end - start) {
            throw new DhcpParseException(what + ": offset " + offset + " outside its " + (end - start) + " bytes");
        }
        WireReader r = new WireReader(data, start, end, what);
        r.position = start + offset;
        return r;
    }

    /** Fails unless {@code n} more bytes are there. */
    public void require(int n, String item) throws DhcpParseException {
        if (n < 0 || n > end - position) {
            throw new DhcpParseException(what + ": " + item + " at byte " + offset() + " needs " + n + " bytes, "
                    + remaining() + " left");
        }
    }

    public int u8(String item) throws DhcpParseException {
        require(1, item);
        return data[position++] & 0xff;
    }

    /** The next byte without consuming it. */
    public int peek(String item) throws DhcpParseException {
        require(1, item);
        return data[position] & 0xff;
    }

    public int u16(String item) throws DhcpParseException {
        require(2, item);
        int v = ((data[position] & 0xff) << 8) | (data[position + 1] & 0xff);
        position += 2;
        return v;
    }

    /** Four bytes, network order, as a signed int (use {@link Integer#toUnsignedLong} for times). */
    public int s32(String item) throws DhcpParseException {
        require(4, item);
        int v = OptionDecoders.readInt(data, position);
        position += 4;
        return v;
    }

    public Inet4Address address(String item) throws DhcpParseException {
        return Route.fromInt(s32(item));
    }

    public byte[] bytes(int n, String item) throws DhcpParseException {
        require(n, item);
        byte[] out = Arrays.copyOfRange(data, position, position + n);
        position += n;
        return out;
    }

    public void skip(int n, String item) throws DhcpParseException {
        require(n, item);
        position += n;
    }

    /** Three bytes, network order (DHCPv6 transaction ids). */
    public int u24(String item) throws DhcpParseException {
        require(3, item);
        int v = ((data[position] & 0xff) << 16) | ((data[position + 1] & 0xff) << 8) | (data[position + 2] & 0xff);
        position += 3;
        return v;
    }

    /** Four bytes, network order, unsigned (DHCPv6 lifetimes, T1, T2). */
    public long u32(String item) throws DhcpParseException {
        return s32(item) & 0xffffffffL;
    }

    /** Sixteen bytes: an IPv6 address. */
    public Inet6Address address6(String item) throws DhcpParseException {
        byte[] sixteen = bytes(16, item);
        try {
            return (Inet6Address) InetAddress.getByAddress(sixteen);
        } catch (UnknownHostException | ClassCastException e) {
            throw new IllegalStateException("16 bytes are an IPv6 address", e);
        }
    }

    /** Fails when bytes are left over: a fixed-size field was longer than it may be. */
    public void requireEnd(String item) throws DhcpParseException {
        if (position != end) {
            throw new DhcpParseException(what + ": " + remaining() + " bytes after " + item);
        }
    }
}
