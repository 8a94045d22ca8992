package dev.cnidhcp.cni;

import dev.cnidhcp.json.MiniJson;

/**
 * The one failure type that reaches the CNI edge: a spec error code, a message and optional details.
 * Rendered as the spec's error JSON by {@link #toJson(String)}.
 */
public final class CniException extends Exception {
    private static final long serialVersionUID = 1L;

    private final int code;
    private final String details;

    public CniException(int code, String message) {
        this(code, message, "");
    }

    public CniException(int code, String message, String details) {
        super(message);
        if (code <= 0) {
            throw new IllegalArgumentException("code: " + code + " (expected: > 0)");
        }
        this.code = code;
        this.details = details == null ? "" : details;
    }

    public int code() {
        return code;
    }

    public String details() {
        return details;
    }

    /** The error object of the CNI specification, in the given result version. */
    public String toJson(String cniVersion) {
        StringBuilder out = new StringBuilder(128);
        out.append("{\"cniVersion\":").append(MiniJson.quote(cniVersion))
                .append(",\"code\":").append(code)
                .append(",\"msg\":").append(MiniJson.quote(String.valueOf(getMessage())));
        if (!details.isEmpty()) {
            out.append(",\"details\":").append(MiniJson.quote(details));
        }
        return out.append('}').toString();
    }
}
