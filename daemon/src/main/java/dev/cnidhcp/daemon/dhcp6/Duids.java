package dev.cnidhcp.daemon.dhcp6;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.UUID;

/**
 * The client's DUID and IAID for one attachment (RFC 8415 sections 11 and 12), both stable for the
 * attachment's life, so that a renewal, a rebind after a daemon restart and the release name the
 * same binding at the server:
 * <ul>
 *   <li>By default a DUID-LL (type 3, hardware type 1): the interface's MAC. Nothing has to be stored,
 *       and the pod's interface keeps its MAC while it lives.</li>
 *   <li>When the attachment sets a client identifier template, the DUID comes from the rendered client
 *       identifier, so that the operator's choice names the pod towards both families: a client
 *       identifier of RFC 4361 form (type 255, IAID, DUID) gives its DUID and IAID unchanged, which is
 *       what RFC 4361 section 6.1 asks for a dual-stack client; any other gives a DUID-UUID (type 4,
 *       RFC 6355) whose UUID is the name-based (version 3) UUID of the identifier's bytes. A DUID-LL
 *       would claim a MAC that is not there and a DUID-EN needs an enterprise number of our own;
 *       the UUID is fixed-size, deterministic and distinct per identifier.</li>
 *   <li>The IAID (unless the RFC 4361 identifier gives one): the first four bytes of SHA-256 over
 *       {@code containerId/networkName/ifname} (UTF-8), so that two interfaces of one pod, or one
 *       interface on two networks, have two IAs.</li>
 * </ul>
 */
public final class Duids {
    /** RFC 8415 section 11.1: the 2-byte type and at most 130 bytes after it. */
    public static final int MAX_DUID = 132;
    public static final int TYPE_LLT = 1;
    public static final int TYPE_EN = 2;
    public static final int TYPE_LL = 3;
    public static final int TYPE_UUID = 4;
    private static final int HARDWARE_ETHERNET = 1;
    /** RFC 4361 section 6.1: a DHCPv4 client identifier of type 255 carries IAID and DUID. */
    private static final int RFC4361_TYPE = 255;

    private Duids() {
    }

    /** DUID-LL for an Ethernet MAC: 00 03 00 01 and the six bytes. */
    public static byte[] duidLl(byte[] mac) {
        if (mac.length != 6) {
            throw new IllegalArgumentException("mac: " + mac.length + " bytes (expected: 6)");
        }
        byte[] duid = new byte[10];
        duid[1] = TYPE_LL;
        duid[3] = HARDWARE_ETHERNET;
        System.arraycopy(mac, 0, duid, 4, 6);
        return duid;
    }

    /** The DUID a client identifier rendered from a template gives (see the class comment). */
    public static byte[] fromClientId(byte[] clientId) {
        if (isRfc4361(clientId)) {
            return Arrays.copyOfRange(clientId, 5, clientId.length);
        }
        UUID uuid = UUID.nameUUIDFromBytes(clientId);
        byte[] duid = new byte[18];
        duid[1] = TYPE_UUID;
        IaNa.put32(duid, 2, uuid.getMostSignificantBits() >>> 32);
        IaNa.put32(duid, 6, uuid.getMostSignificantBits());
        IaNa.put32(duid, 10, uuid.getLeastSignificantBits() >>> 32);
        IaNa.put32(duid, 14, uuid.getLeastSignificantBits());
        return duid;
    }

    /** The IAID of an attachment (see the class comment). */
    public static int iaid(String containerId, String networkName, String ifname) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256")
                    .digest((containerId + "/" + networkName + "/" + ifname).getBytes(StandardCharsets.UTF_8));
            return ((hash[0] & 0xff) << 24) | ((hash[1] & 0xff) << 16) | ((hash[2] & 0xff) << 8) | (hash[3] & 0xff);
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError("every JDK has SHA-256", e);
        }
    }

    /**
     * The identity of an attachment.
     *
     * @param templatedClientId the client identifier rendered from the attachment's template, or null
     *                          when it sets none (then the DUID is the MAC's DUID-LL)
     */
    public static Identity6 identity(String containerId, String networkName, String ifname, byte[] mac,
                                     byte[] templatedClientId) {
        if (templatedClientId == null) {
            return new Identity6(duidLl(mac), iaid(containerId, networkName, ifname));
        }
        if (isRfc4361(templatedClientId)) {
            int iaid = ((templatedClientId[1] & 0xff) << 24) | ((templatedClientId[2] & 0xff) << 16)
                    | ((templatedClientId[3] & 0xff) << 8) | (templatedClientId[4] & 0xff);
            return new Identity6(fromClientId(templatedClientId), iaid);
        }
        return new Identity6(fromClientId(templatedClientId), iaid(containerId, networkName, ifname));
    }

    /** A DUID as logs show it: hex bytes with colons. */
    public static String text(byte[] duid) {
        return duid == null ? "(none)" : java.util.HexFormat.ofDelimiter(":").formatHex(duid);
    }

    /** Type 255, four bytes of IAID and a DUID of at least 3 bytes. */
    private static boolean isRfc4361(byte[] clientId) {
        return clientId.length >= 8 && (clientId[0] & 0xff) == RFC4361_TYPE && clientId.length - 5 <= MAX_DUID;
    }
}
