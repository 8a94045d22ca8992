package dev.cnidhcp.daemon.config;

import dev.cnidhcp.cni.CniException;
import dev.cnidhcp.cni.ErrorCode;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The {@code ipam.clientId} template: literal text and {@code {NAME}} placeholders, where NAME is
 * {@code containerID}, {@code network}, {@code ifname} or a key of CNI_ARGS, e.g.
 * {@code {K8S_POD_NAMESPACE}/{K8S_POD_NAME}/{ifname}}. Rendered, it becomes the text of the client
 * identifier (option 61) after a type byte 0, as the reference's default identifier is.
 *
 * <p>The default template, {@code {containerID}/{network}/{ifname}}, renders exactly the reference's
 * identifier, cut to 254 bytes as {@code ClientIdentity.defaultClientId} does (a container id is
 * chosen by the runtime). A template a config names is not cut: a rendered text over 254 bytes is
 * error 7, since a truncated identifier could equal a neighbour's.
 *
 * <p>Immutable; safe to share between threads.
 */
public final class ClientIdTemplate {
    /** The longest identifier text after the type byte (option 61 carries at most 255 bytes). */
    public static final int MAX_TEXT_BYTES = 254;
    public static final String CONTAINER_ID = "containerID";
    public static final String NETWORK = "network";
    public static final String IFNAME = "ifname";
    private static final ClientIdTemplate DEFAULT;

    static {
        try {
            DEFAULT = new ClientIdTemplate("{containerID}/{network}/{ifname}", true);
        } catch (CniException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** A literal run of text, or a placeholder's name. */
    private record Part(String text, boolean placeholder) {
    }

    private final String source;
    private final List<Part> parts;
    private final boolean truncates;

    private ClientIdTemplate(String source, boolean truncates) throws CniException {
        this.source = source;
        this.parts = parse(source);
        this.truncates = truncates;
    }

    /** The reference's identifier: {@code {containerID}/{network}/{ifname}}, cut to 254 bytes. */
    public static ClientIdTemplate defaultTemplate() {
        return DEFAULT;
    }

    /**
     * Reads {@code ipam.clientId}: absent is the default; otherwise a non-empty string whose braces
     * enclose non-empty names. Anything else is error 7 naming the value.
     */
    public static ClientIdTemplate parse(Object raw) throws CniException {
        if (raw == null) {
            return DEFAULT;
        }
        if (!(raw instanceof String text) || text.isEmpty()) {
            throw invalid("ipam.clientId must be a non-empty string, got " + raw);
        }
        return new ClientIdTemplate(text, false);
    }

    private static List<Part> parse(String text) throws CniException {
        List<Part> parts = new ArrayList<>();
        StringBuilder literal = new StringBuilder();
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '}') {
                throw invalid("ipam.clientId '" + text + "': '}' at " + i + " closes no '{'");
            }
            if (c != '{') {
                literal.append(c);
                i++;
                continue;
            }
            int close = text.indexOf('}', i + 1);
            if (close < 0) {
                throw invalid("ipam.clientId '" + text + "': '{' at " + i + " is never closed");
            }
            String name = text.substring(i + 1, close);
            if (name.isEmpty() || name.indexOf('{') >= 0) {
                throw invalid("ipam.clientId '" + text + "': " + (name.isEmpty() ? "empty name" : "'{' inside a name")
                        + " at " + i + " (expected {containerID}, {network}, {ifname} or {CNI_ARGS key})");
            }
            if (!literal.isEmpty()) {
                parts.add(new Part(literal.toString(), false));
                literal.setLength(0);
            }
            parts.add(new Part(name, true));
            i = close + 1;
        }
        if (!literal.isEmpty()) {
            parts.add(new Part(literal.toString(), false));
        }
        return List.copyOf(parts);
    }

    /** Whether this is the default template (the reference's identifier). */
    public boolean isDefault() {
        return this == DEFAULT;
    }

    /**
     * The client identifier of one attachment: type 0, then the rendered text.
     *
     * @param cniArgs the request's CNI_ARGS
     * @throws CniException error 7 when a placeholder names a key CNI_ARGS lacks, or the text of a
     *                      configured template is over 254 bytes or empty
     */
    public byte[] render(String containerId, String network, String ifname, Map<String, String> cniArgs)
            throws CniException {
        StringBuilder out = new StringBuilder();
        for (Part part : parts) {
            if (!part.placeholder()) {
                out.append(part.text());
                continue;
            }
            String value = switch (part.text()) {
                case CONTAINER_ID -> containerId;
                case NETWORK -> network;
                case IFNAME -> ifname;
                default -> cniArgs.get(part.text());
            };
            if (value == null) {
                throw invalid("ipam.clientId '" + source + "' needs {" + part.text() + "}, which CNI_ARGS does not have"
                        + (cniArgs.isEmpty() ? " (CNI_ARGS is empty)" : " (it has " + String.join(", ",
                        new java.util.TreeSet<>(cniArgs.keySet())) + ")"));
            }
            out.append(value);
        }
        byte[] text = out.toString().getBytes(StandardCharsets.UTF_8);
        int n = text.length;
        if (n > MAX_TEXT_BYTES) {
            if (!truncates) {
                throw invalid("ipam.clientId '" + source + "' renders " + n + " bytes (at most " + MAX_TEXT_BYTES
                        + ")");
            }
            n = MAX_TEXT_BYTES;
        }
        if (n == 0) {
            throw invalid("ipam.clientId '" + source + "' renders an empty identifier");
        }
        byte[] id = new byte[n + 1]; // id[0] = 0: the type byte (not a hardware type), as the reference
        System.arraycopy(text, 0, id, 1, n);
        return id;
    }

    @Override
    public String toString() {
        return source;
    }

    private static CniException invalid(String message) {
        return new CniException(ErrorCode.INVALID_NETWORK_CONFIG, message);
    }
}
