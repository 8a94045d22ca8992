package dev.cnidhcp.json;

/** Input that is not valid JSON; the message names what is wrong and where. */
public final class JsonException extends Exception {
    private static final long serialVersionUID = 1L;

    public JsonException(String message) {
        super(message);
    }
}
