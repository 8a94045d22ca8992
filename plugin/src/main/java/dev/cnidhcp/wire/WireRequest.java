package dev.cnidhcp.wire;

import dev.cnidhcp.json.JsonException;
import dev.cnidhcp.json.MiniJson;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the plugin sends the daemon over the Unix socket: the CNI environment variables and the raw
 * stdin, as one JSON object {@code {"env":{...},"stdin":"..."}}. The plugin then shuts its output, and
 * the daemon answers with a {@link WireResponse}. The stdin travels as a string, not as parsed JSON,
 * so that the daemon can report a decoding failure exactly as the plugin would.
 *
 * @param env   CNI_* environment variables
 * @param stdin the network configuration exactly as received
 */
public record WireRequest(Map<String, String> env, String stdin) {
    /**
     * Requests larger than this are refused by the daemon (and not sent by the plugin): room for the
     * plugin's largest stdin (1 MiB) with its JSON escapes and the environment.
     */
    public static final int MAX_BYTES = 2 << 20;

    public WireRequest {
        env = Map.copyOf(env);
    }

    /** Keeps the CNI_* variables of a process environment. */
    public static WireRequest of(Map<String, String> processEnv, String stdin) {
        Map<String, String> cni = new TreeMap<>();
        for (Map.Entry<String, String> e : processEnv.entrySet()) { // no lambda: this runs in every plugin start
            if (e.getKey().startsWith("CNI_")) {
                cni.put(e.getKey(), e.getValue());
            }
        }
        return new WireRequest(cni, stdin);
    }

    public byte[] encode() {
        StringBuilder out = new StringBuilder(stdin.length() + 256);
        out.append("{\"env\":{");
        boolean first = true;
        for (Map.Entry<String, String> e : new TreeMap<>(env).entrySet()) {
            out.append(first ? "" : ",").append(MiniJson.quote(e.getKey())).append(':')
                    .append(MiniJson.quote(e.getValue()));
            first = false;
        }
        out.append("},\"stdin\":").append(MiniJson.quote(stdin)).append('}');
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Decodes a request; anything but the documented shape is a {@link JsonException}. */
    public static WireRequest decode(byte[] bytes) throws JsonException {
        Object parsed = MiniJson.parse(new String(bytes, StandardCharsets.UTF_8));
        if (!(parsed instanceof Map<?, ?> root) || !(root.get("env") instanceof Map<?, ?> env)
                || !(root.get("stdin") instanceof String stdin)) {
            throw new JsonException("expected {\"env\":{...},\"stdin\":\"...\"}");
        }
        Map<String, String> vars = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : env.entrySet()) {
            if (!(e.getValue() instanceof String value)) {
                throw new JsonException("env value of " + e.getKey() + " is not a string");
            }
            vars.put((String) e.getKey(), value);
        }
        return new WireRequest(vars, stdin);
    }
}
