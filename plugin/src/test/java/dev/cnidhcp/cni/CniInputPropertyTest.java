package dev.cnidhcp.cni;

import dev.cnidhcp.json.JsonException;
import dev.cnidhcp.json.MiniJson;
import dev.cnidhcp.wire.WireRequest;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The CNI input parsers on arbitrary and mutated input: only their declared exceptions escape
 * ({@link JsonException} from the JSON reader and the wire envelope, {@link CniException} from the
 * request), never an index, number-format, class-cast or null-pointer exception.
 */
class CniInputPropertyTest {
    private static final String VALID_CONFIG = "{\"cniVersion\":\"1.0.0\",\"name\":\"net1\",\"type\":\"macvlan\","
            + "\"ipam\":{\"type\":\"dhcp\",\"daemonSocketPath\":\"/run/cni/dhcp.sock\","
            + "\"provide\":[{\"option\":\"host-name\",\"value\":\"pod\"}],\"routes\":[{\"dst\":\"10.0.0.0/8\"}]},"
            + "\"args\":{\"cni\":{\"x\":1}},\"prevResult\":{\"ips\":[{\"address\":\"10.1.0.5/24\"}]}}";

    @Property(tries = 300)
    void miniJsonThrowsOnlyJsonException(@ForAll("jsonish") String text) {
        try {
            MiniJson.parse(text);
        } catch (JsonException expected) {
            // declared
        }
    }

    @Property(tries = 200)
    void wireRequestDecodeThrowsOnlyJsonException(@ForAll("jsonish") String text) {
        try {
            WireRequest.decode(text.getBytes(StandardCharsets.UTF_8));
        } catch (JsonException expected) {
            // declared
        }
    }

    @Property(tries = 300)
    void requestParseThrowsOnlyCniException(@ForAll("environments") Map<String, String> env,
                                            @ForAll("configs") String stdin) {
        try {
            CniRequest.parse(env, stdin);
        } catch (CniException expected) {
            // declared
        }
        CniRequest.versionOf(stdin); // never throws
    }

    @Provide
    Arbitrary<String> jsonish() {
        return Arbitraries.oneOf(
                Arbitraries.strings().withChars("{}[]\":,.-+eE0123456789 \\/utrfalsn\u00e9\ud83d\ude00").ofMaxLength(60),
                Arbitraries.strings().ofMaxLength(40),
                mutated(VALID_CONFIG),
                mutated("{\"env\":{\"CNI_COMMAND\":\"ADD\"},\"stdin\":\"{}\"}"));
    }

    @Provide
    Arbitrary<String> configs() {
        return Arbitraries.oneOf(Arbitraries.just(VALID_CONFIG), mutated(VALID_CONFIG),
                Arbitraries.strings().ofMaxLength(30));
    }

    @Provide
    Arbitrary<Map<String, String>> environments() {
        Arbitrary<String> command = Arbitraries.of("ADD", "DEL", "CHECK", "GC", "STATUS", "add", "", "VERSIONX", "LEASES");
        Arbitrary<String> value = Arbitraries.oneOf(Arbitraries.strings().ofMaxLength(20),
                Arbitraries.of("c0ffee", "eth0", "/run/netns/p", "a=b;c=d", "IgnoreUnknown=1;K8S_POD_NAME=x", "=",
                        ";", "a=b=c", "1234567890123456"));
        Arbitrary<String> key = Arbitraries.of("CNI_CONTAINERID", "CNI_NETNS", "CNI_IFNAME", "CNI_ARGS", "CNI_PATH",
                "OTHER");
        return Combinators.combine(command, Arbitraries.maps(key, value).ofMaxSize(6)).as((c, rest) -> {
            Map<String, String> env = new java.util.HashMap<>(rest);
            env.put("CNI_COMMAND", c);
            return env;
        });
    }

    /** {@code text} with a few characters replaced, inserted or deleted. */
    static Arbitrary<String> mutated(String text) {
        Arbitrary<Integer> position = Arbitraries.integers().between(0, text.length() - 1);
        Arbitrary<Character> c = Arbitraries.of('{', '}', '[', ']', '"', ':', ',', '\\', '0', '-', 'x', ' ', '\u0000');
        Arbitrary<Integer> op = Arbitraries.integers().between(0, 2);
        Arbitrary<int[]> edit = Combinators.combine(position, c, op).as((p, ch, o) -> new int[] {p, ch, o});
        return edit.list().ofMinSize(1).ofMaxSize(4).map(edits -> {
            StringBuilder s = new StringBuilder(text);
            for (int[] e : edits) {
                int p = Math.min(e[0], s.length() - 1);
                if (p < 0) {
                    break;
                }
                switch (e[2]) {
                    case 0 -> s.setCharAt(p, (char) e[1]);
                    case 1 -> s.insert(p, (char) e[1]);
                    default -> s.deleteCharAt(p);
                }
            }
            return s.toString();
        });
    }
}
