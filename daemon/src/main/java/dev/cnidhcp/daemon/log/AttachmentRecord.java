package dev.cnidhcp.daemon.log;

import java.util.logging.Level;
import java.util.logging.LogRecord;

/**
 * A log record about one attachment (one interface of one container on one network), carrying its
 * identity as fields rather than inside the message: the text format writes them as the message's
 * prefix, the JSON format as fields of their own. Made by {@link AttachmentLog}.
 */
public final class AttachmentRecord extends LogRecord {
    private static final long serialVersionUID = 1L;

    private final String containerId;
    private final String ifname;
    private final String network;

    /**
     * @param containerId CNI_CONTAINERID, or "" when unknown
     * @param ifname      CNI_IFNAME, or "" when unknown
     * @param network     the network's name, or "" when unknown
     */
    public AttachmentRecord(Level level, String message, String containerId, String ifname, String network) {
        super(level, message);
        this.containerId = containerId == null ? "" : containerId;
        this.ifname = ifname == null ? "" : ifname;
        this.network = network == null ? "" : network;
    }

    public String containerId() {
        return containerId;
    }

    public String ifname() {
        return ifname;
    }

    public String network() {
        return network;
    }

    /**
     * How the text format names the attachment: {@code container=ID ifname=IF network=NAME}, the parts
     * that are unknown left out ("" when none is known).
     */
    public String label() {
        StringBuilder out = new StringBuilder(96);
        part(out, "container", containerId);
        part(out, "ifname", ifname);
        part(out, "network", network);
        return out.toString();
    }

    private static void part(StringBuilder out, String name, String value) {
        if (!value.isEmpty()) {
            out.append(out.length() == 0 ? "" : " ").append(name).append('=').append(value);
        }
    }
}
