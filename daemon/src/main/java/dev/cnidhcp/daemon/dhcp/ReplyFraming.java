package dev.cnidhcp.daemon.dhcp;

/**
 * Checks the framing of a received BOOTP/DHCP message before anything reads its fields (RFC 2131
 * section 2, RFC 2132 section 2): the fixed header is complete, op is BOOTREPLY, the magic cookie is
 * there, and every option's length stays inside its field ({@link DhcpOptions}: the options field up
 * to the end option, then {@code file} and {@code sname} when option 52 says so); option 53 has one
 * byte. A pure function over the bytes; it never reads past them.
 */
public final class ReplyFraming {
    /** op, htype, hlen, hops, xid, secs, flags, 4 addresses, chaddr, sname, file. */
    static final int HEADER_LENGTH = 236;
    /** The header plus the magic cookie: the shortest DHCP message. */
    static final int MIN_LENGTH = HEADER_LENGTH + 4;
    /** dhcp4java's limit; servers answer within the client's maximum message size (option 57, 1500). */
    static final int MAX_LENGTH = 1500;
    private static final int BOOTREPLY = 2;
    private static final int[] MAGIC_COOKIE = {99, 130, 83, 99};

    private ReplyFraming() {
    }

    /**
     * @return the message's options, read by {@link DhcpOptions#parse} (instances concatenated,
     *         option 52 honoured)
     * @throws DhcpParseException naming the first problem, with its {@link DropReason}
     */
    public static DhcpOptions check(byte[] m) throws DhcpParseException {
        if (m.length < MIN_LENGTH || m.length > MAX_LENGTH) {
            throw new DhcpParseException("malformed DHCP message: " + m.length + " bytes (expected: "
                    + MIN_LENGTH + ".." + MAX_LENGTH + ")");
        }
        if ((m[0] & 0xff) != BOOTREPLY) {
            throw new DhcpParseException(DropReason.NOT_BOOTREPLY, "op " + (m[0] & 0xff) + " is not BOOTREPLY");
        }
        for (int k = 0; k < 4; k++) {
            if ((m[HEADER_LENGTH + k] & 0xff) != MAGIC_COOKIE[k]) {
                throw new DhcpParseException(DropReason.BAD_COOKIE, "no DHCP magic cookie (a BOOTP message)");
            }
        }
        DhcpOptions options = DhcpOptions.parse(m);
        byte[] type = options.get(OptionCode.MESSAGE_TYPE);
        if (type != null && type.length != 1) {
            throw new DhcpParseException("malformed DHCP message: option 53 has length " + type.length
                    + " (expected: 1)");
        }
        return options;
    }
}
