package dev.cnidhcp.daemon.dhcp;

import org.junit.jupiter.api.Test;
import org.dhcp4java.DHCPConstants;
import org.dhcp4java.DHCPPacket;

import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.logging.Level;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * The DHCP decoder on arbitrary bytes and on mutated valid replies (seeded, so a failure repeats): a reply is accepted or dropped
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
            if (reply.type().equals(MessageType.ACK)) {
                DhcpMessages.leaseOf(reply, Instant.EPOCH);
            }
        } catch (DhcpParseException dropped) {
            // declared: the client drops the message and counts dropped.reason()
        }
    }

    @Test
    void arbitraryBytesAreAcceptedOrDropped() {
        Random random = new Random(11);
        for (int i = 0; i < 2000; i++) {
            byte[] payload = new byte[random.nextInt(601)];
            random.nextBytes(payload);
            decodeExpectingNoSurprise(payload);
        }
    }

    /** The valid ACK with up to 6 bytes overwritten (half of them aimed at option codes and lengths), possibly cut short. */
    @Test
    void mutatedRepliesAreAcceptedOrDropped() {
        byte[] optionBytes = {0, 1, 4, 53, 54, 61, (byte) 255, 0x7f};
        Random random = new Random(12);
        for (int i = 0; i < 5000; i++) {
            byte[] m = VALID_ACK.clone();
            for (int n = random.nextInt(7); n > 0; n--) {
                if (random.nextBoolean()) {
                    m[random.nextInt(m.length)] = (byte) random.nextInt(256);
                } else {
                    m[ReplyFraming.HEADER_LENGTH + random.nextInt(m.length - ReplyFraming.HEADER_LENGTH)] =
                            optionBytes[random.nextInt(optionBytes.length)];
                }
            }
            if (random.nextBoolean()) {
                m = Arrays.copyOf(m, random.nextInt(VALID_ACK.length + 21));
            }
            decodeExpectingNoSurprise(m);
        }
    }

    @Test
    void optionDecodersThrowOnlyDhcpParseException() {
        byte[] interesting = {0, 8, 24, 32, 33, (byte) 0xc0, 0x3f, 1};
        List<ThrowingDecoder> decoders = List.of(OptionDecoders::classlessRoutes, OptionDecoders::staticRoutes,
                d -> OptionDecoders.addresses(6, d), OptionDecoders::prefixLength, OptionDecoders::domainSearch,
                OptionDecoders::string, d -> {
                    ReplyFraming.check(d);
                    return null;
                });
        Random random = new Random(13);
        for (int i = 0; i < 3000; i++) {
            byte[] data = new byte[random.nextInt(41)];
            if (random.nextBoolean()) {
                random.nextBytes(data);
            } else {
                for (int k = 0; k < data.length; k++) {
                    data[k] = interesting[random.nextInt(interesting.length)];
                }
            }
            for (ThrowingDecoder decoder : decoders) {
                try {
                    decoder.decode(data);
                } catch (DhcpParseException declared) {
                    // declared
                } catch (RuntimeException e) {
                    fail("a decoder threw " + e + " on " + HexFormat.of().formatHex(data), e);
                }
            }
        }
    }

    private static void decodeExpectingNoSurprise(byte[] payload) {
        try {
            decode(payload);
        } catch (RuntimeException e) {
            fail("decoding threw " + e + " on " + HexFormat.of().formatHex(payload), e);
        }
    }

    @FunctionalInterface
    private interface ThrowingDecoder {
        Object decode(byte[] data) throws DhcpParseException;
    }
}
