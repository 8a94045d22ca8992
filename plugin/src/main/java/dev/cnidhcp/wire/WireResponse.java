package dev.cnidhcp.wire;

import java.nio.charset.StandardCharsets;

/**
 * The daemon's answer: the exit code the plugin must exit with and the text it must print on stdout
 * (a result, an error object, or nothing). Encoded as the decimal exit code, a newline, then the text.
 */
public record WireResponse(int exitCode, String stdout) {

    public WireResponse {
        if (exitCode < 0 || exitCode > 255) {
            throw new IllegalArgumentException("exitCode: " + exitCode + " (expected: 0..255)");
        }
    }

    public byte[] encode() {
        return (exitCode + "\n" + stdout).getBytes(StandardCharsets.UTF_8);
    }

    /** Decodes an answer; a malformed one is an {@link IllegalStateException} naming what was read. */
    public static WireResponse decode(byte[] bytes) {
        String text = new String(bytes, StandardCharsets.UTF_8);
        int nl = text.indexOf('\n');
        try {
            if (nl > 0 && nl <= 3) {
                return new WireResponse(Integer.parseInt(text.substring(0, nl)), text.substring(nl + 1));
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        String head = text.length() > 40 ? text.substring(0, 40) + "..." : text;
        throw new IllegalStateException("malformed answer from the daemon: '" + head + "'");
    }
}
