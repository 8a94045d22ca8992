package dev.cnidhcp.daemon.dhcp;

/**
 * Why a received DHCP message was dropped; {@link #label()} is the value it is counted under
 * ({@code DaemonMetrics.droppedPacket}), a short constant.
 */
public enum DropReason {
    /** Too short or too long, an option running past the end, no end option: not a DHCP message. */
    MALFORMED("malformed"),
    /** op is not BOOTREPLY (2). */
    NOT_BOOTREPLY("not_bootreply"),
    /** The magic cookie 99.130.83.99 is missing: a plain BOOTP message. */
    BAD_COOKIE("bad_cookie"),
    /** The transaction id is not the exchange's. */
    WRONG_XID("wrong_xid"),
    /** The hardware address is not the client's. */
    WRONG_CHADDR("wrong_chaddr"),
    /** The server echoed a client identifier (option 61) that is not the client's. */
    WRONG_CLIENT_ID("wrong_client_id"),
    /** No DHCP message type (option 53). */
    NO_MESSAGE_TYPE("no_message_type"),
    /** An OFFER or ACK without a server identifier (option 54). */
    NO_SERVER_ID("no_server_id"),
    /**
     * An ACK or NAK to the REQUEST for an offer, from another server than the one whose offer was
     * taken: an authoritative dnsmasq NAKs a REQUEST naming another server ("wrong server-ID"), and
     * that must not undo the chosen server's ACK.
     */
    NOT_SELECTED_SERVER("not_selected_server"),
    /** Well-formed and for this client, but not a type the exchange waits for (or none is waited for). */
    UNEXPECTED("unexpected");

    private final String label;

    DropReason(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
