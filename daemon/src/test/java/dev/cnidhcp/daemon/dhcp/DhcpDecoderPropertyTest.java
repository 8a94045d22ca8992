package dev.cnidhcp.daemon.dhcp;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.dhcp4java.DHCPConstants;
import org.dhcp4java.DHCPPacket;

import java.time.Instant;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The DHCP decoder on arbitrary bytes and on mutated valid replies: a reply is accepted or dropped
 * with a {@link DhcpParseException}; nothing else escapes (no index, null-pointer or dhcp4java's
 * unchecked exceptions), whatever a server or an attacker on the link sends.
 */
class DhcpDecoderPropertyTest {
    private static final Logger DHCP4JAVA_LOG = Logger.getLogger("org.dhcp4java");

    static {
        DHCP4JAVA_LOG.setLevel(Level.OFF);
    }

    private static final int XID = 0x1234abcd;
    private static final byte[] MAC = {2, 0x42, 0, 0, 0, 7};
    private static final byte[] CLIENT_ID = ClientIdentity.defaultClientId("c0ffee", "net1", "eth0");
    private static final ClientIdentity ID = new ClientIdentity(MAC, CLIENT_ID);
    private static final byte[] VALID_ACK = ack().serialize();

    private static DHCPPacket ack() {
        DHCPPacket p = new DHCPPacket();
        p.setOp(DHCPConstants.BOOTREPLY);
        p.setXid(XID);
        p.setChaddr(MAC);
        p.setYiaddr(Route.parseAddress("10.1.0.5", "test"));
        p.setDHCPMessageType(DHCPConstants.DHCPACK);
        p.setOptionRaw(DHCPConstants.DHO_DHCP_SERVER_IDENTIFIER, new byte[] {10, 1, 0, 2});
        p.setOptionRaw(DHCPConstants.DHO_DHCP_CLIENT_IDENTIFIER, CLIENT_ID);
        p.setOptionRaw(DHCPConstants.DHO_SUBNET_MASK, new byte[] {(byte) 255, (byte) 255, (byte) 255, 0});
        p.setOptionRaw(DHCPConstants.DHO_ROUTERS, new byte[] {10, 1, 0, 1});
        p.setOptionRaw(DHCPConstants.DHO_DOMAIN_NAME_SERVERS, new byte[] {10, 1, 0, 53});
        p.setOptionAsInt(DHCPConstants.DHO_DHCP_LEASE_TIME, 3600);
        p.setOptionAsInt(DHCPConstants.DHO_DHCP_RENEWAL_TIME, 1000);
        p.setOptionRaw((byte) 121, new byte[] {24, (byte) 192, (byte) 168, 1, 10, 1, 0, 1});
        p.setOptionRaw(DHCPConstants.DHO_STATIC_ROUTES, new byte[] {10, 2, 0, 0, 10, 1, 0, 1});
        p.setOptionRaw((byte) 119, new byte[] {3, 'e', 'n', 'g', 0, 1, 'x', (byte) 0xc0, 0});
        p.setOptionAsString(DHCPConstants.DHO_DOMAIN_NAME, "example.org");
        return p;
    }

    /** Decodes like the client does: the reply, then the lease when it is an ACK. */
    private static void decode(byte[] payload) {
        try {
            DhcpMessages.Reply reply = DhcpMessages.parseReply(payload, XID, ID);
            if (reply.type() == DHCPConstants.DHCPACK) {
                DhcpMessages.leaseOf(reply, Instant.EPOCH);
            }
        } catch (DhcpParseException dropped) {
            // declared: the client drops the message and counts dropped.reason()
        }
    }

    @Property(tries = 300)
    void arbitraryBytesAreAcceptedOrDropped(@ForAll("arbitraryBytes") byte[] payload) {
        decode(payload);
    }

    @Property(tries = 500)
    void mutatedRepliesAreAcceptedOrDropped(@ForAll("mutatedReplies") byte[] payload) {
        decode(payload);
    }

    @Property(tries = 300)
    void optionDecodersThrowOnlyDhcpParseException(@ForAll("optionBytes") byte[] data) {
        List<ThrowingDecoder> decoders = List.of(OptionDecoders::classlessRoutes, OptionDecoders::staticRoutes,
                d -> OptionDecoders.addresses(6, d), OptionDecoders::prefixLength, OptionDecoders::domainSearch,
                OptionDecoders::string, d -> {
                    ReplyFraming.check(d);
                    return null;
                });
        for (ThrowingDecoder decoder : decoders) {
            try {
                decoder.decode(data);
            } catch (DhcpParseException declared) {
                // declared
            }
        }
    }

    @FunctionalInterface
    private interface ThrowingDecoder {
        Object decode(byte[] data) throws DhcpParseException;
    }

    @Provide
    Arbitrary<byte[]> arbitraryBytes() {
        return Arbitraries.bytes().array(byte[].class).ofMaxSize(600);
    }

    @Provide
    Arbitrary<byte[]> optionBytes() {
        return Arbitraries.oneOf(Arbitraries.bytes().array(byte[].class).ofMaxSize(40),
                Arbitraries.of((byte) 0, (byte) 8, (byte) 24, (byte) 32, (byte) 33, (byte) 0xc0, (byte) 0x3f, (byte) 1)
                        .array(byte[].class).ofMaxSize(40));
    }

    /** The valid ACK with up to 6 bytes overwritten and possibly cut short or extended. */
    @Provide
    Arbitrary<byte[]> mutatedReplies() {
        Arbitrary<Integer> position = Arbitraries.integers().between(0, VALID_ACK.length - 1)
                .edgeCases(c -> c.add(ReplyFraming.HEADER_LENGTH));
        Arbitrary<int[]> write = Combinators.combine(position, Arbitraries.bytes())
                .as((p, b) -> new int[] {p, b});
        Arbitrary<Integer> length = Arbitraries.integers().between(0, VALID_ACK.length + 20);
        // options start at 240: mutations aimed there hit lengths and codes
        Arbitrary<int[]> optionWrite = Combinators.combine(Arbitraries.integers().between(240, VALID_ACK.length - 1),
                Arbitraries.of((byte) 0, (byte) 1, (byte) 4, (byte) 53, (byte) 54, (byte) 61, (byte) 255, (byte) 0x7f))
                .as((p, b) -> new int[] {p, b});
        return Combinators.combine(Arbitraries.oneOf(write, optionWrite).list().ofMaxSize(6), length,
                Arbitraries.of(true, false)).as((writes, len, cut) -> {
                    byte[] m = VALID_ACK.clone();
                    for (int[] w : writes) {
                        m[w[0]] = (byte) w[1];
                    }
                    return cut ? java.util.Arrays.copyOf(m, len) : m;
                });
    }
}
