package dev.cnidhcp.cni;

import dev.cnidhcp.json.JsonException;
import dev.cnidhcp.json.MiniJson;
import dev.cnidhcp.wire.WireRequest;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * The CNI input parsers on arbitrary and mutated input (seeded, so a failure repeats): only their
 * declared exceptions escape ({@link JsonException} from the JSON reader and the wire envelope,
 * {@link CniException} from the request), never an index, number-format, class-cast or null-pointer
 * exception.
 */
class CniInputPropertyTest {
    private static final String VALID_CONFIG = "{\"cniVersion\":\"1.0.0\",\"name\":\"net1\",\"type\":\"macvlan\","
            + "\"ipam\":{\"type\":\"dhcp\",\"daemonSocketPath\":\"/run/cni/dhcp.sock\","
            + "\"provide\":[{\"option\":\"host-name\",\"value\":\"pod\"}],\"routes\":[{\"dst\":\"10.0.0.0/8\"}]},"
            + "\"args\":{\"cni\":{\"x\":1}},\"prevResult\":{\"ips\":[{\"address\":\"10.1.0.5/24\"}]}}";
    private static final String VALID_WIRE = "{\"env\":{\"CNI_COMMAND\":\"ADD\"},\"stdin\":\"{}\"}";
    private static final String JSON_CHARS = "{}[]\":,.-+eE0123456789 \\/utrfalsn\u00e9\ud83d\ude00";
    private static final char[] EDITS = {'{', '}', '[', ']', '"', ':', ',', '\\', '0', '-', 'x', ' ', '\u0000'};
    private static final List<String> COMMANDS = List.of("ADD", "DEL", "CHECK", "GC", "STATUS", "add", "", "VERSIONX",
            "LEASES");
    private static final List<String> KEYS = List.of("CNI_CONTAINERID", "CNI_NETNS", "CNI_IFNAME", "CNI_ARGS",
            "CNI_PATH", "OTHER");
    private static final List<String> VALUES = List.of("c0ffee", "eth0", "/run/netns/p", "a=b;c=d",
            "IgnoreUnknown=1;K8S_POD_NAME=x", "=", ";", "a=b=c", "1234567890123456");

    @Test
    void miniJsonThrowsOnlyJsonException() {
        Random random = new Random(1);
        for (int i = 0; i < 2000; i++) {
            String text = jsonish(random);
            try {
                MiniJson.parse(text);
            } catch (JsonException declared) {
                // the parser's answer to bad input
            } catch (RuntimeException e) {
                fail("MiniJson.parse(" + quoted(text) + ") threw " + e, e);
            }
        }
    }

    @Test
    void wireRequestDecodeThrowsOnlyJsonException() {
        Random random = new Random(2);
        for (int i = 0; i < 1000; i++) {
            String text = jsonish(random);
            try {
                WireRequest.decode(text.getBytes(StandardCharsets.UTF_8));
            } catch (JsonException declared) {
                // the envelope's answer to bad input
            } catch (RuntimeException e) {
                fail("WireRequest.decode(" + quoted(text) + ") threw " + e, e);
            }
        }
    }

    @Test
    void requestParseThrowsOnlyCniException() {
        Random random = new Random(3);
        for (int i = 0; i < 2000; i++) {
            Map<String, String> env = environment(random);
            String stdin = switch (random.nextInt(3)) {
                case 0 -> VALID_CONFIG;
                case 1 -> mutated(random, VALID_CONFIG);
                default -> randomString(random, 30, null);
            };
            try {
                CniRequest.parse(env, stdin);
            } catch (CniException declared) {
                // the request's answer to bad input
            } catch (RuntimeException e) {
                fail("CniRequest.parse(" + env + ", " + quoted(stdin) + ") threw " + e, e);
            }
            try {
                CniRequest.versionOf(stdin); // never throws
            } catch (RuntimeException e) {
                fail("CniRequest.versionOf(" + quoted(stdin) + ") threw " + e, e);
            }
        }
    }

    private static String jsonish(Random random) {
        return switch (random.nextInt(4)) {
            case 0 -> randomString(random, 60, JSON_CHARS);
            case 1 -> randomString(random, 40, null);
            case 2 -> mutated(random, VALID_CONFIG);
            default -> mutated(random, VALID_WIRE);
        };
    }

    private static Map<String, String> environment(Random random) {
        Map<String, String> env = new HashMap<>();
        for (int n = random.nextInt(7); n > 0; n--) {
            String value = random.nextBoolean() ? randomString(random, 20, null) : VALUES.get(random.nextInt(VALUES.size()));
            env.put(KEYS.get(random.nextInt(KEYS.size())), value);
        }
        env.put("CNI_COMMAND", COMMANDS.get(random.nextInt(COMMANDS.size())));
        return env;
    }

    /** Up to {@code max} characters from {@code alphabet}, or any UTF-16 unit when it is null. */
    static String randomString(Random random, int max, String alphabet) {
        StringBuilder s = new StringBuilder();
        for (int n = random.nextInt(max + 1); n > 0; n--) {
            s.append(alphabet == null ? (char) random.nextInt(0x10000) : alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return s.toString();
    }

    /** {@code text} with 1 to 4 characters replaced, inserted or deleted. */
    static String mutated(Random random, String text) {
        StringBuilder s = new StringBuilder(text);
        for (int n = 1 + random.nextInt(4); n > 0 && s.length() > 0; n--) {
            int p = random.nextInt(s.length());
            char c = EDITS[random.nextInt(EDITS.length)];
            switch (random.nextInt(3)) {
                case 0 -> s.setCharAt(p, c);
                case 1 -> s.insert(p, c);
                default -> s.deleteCharAt(p);
            }
        }
        return s.toString();
    }

    private static String quoted(String text) {
        StringBuilder s = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            s.append(c < 0x20 || c > 0x7e ? String.format("\\u%04x", (int) c) : String.valueOf(c));
        }
        return s.append('"').toString();
    }
}
