package dev.cnidhcp.daemon.config;

import dev.cnidhcp.cni.CniException;
import dev.cnidhcp.json.JsonException;
import dev.cnidhcp.json.MiniJson;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The daemon's ipam parser on any JSON the plugin could forward: a config or a {@link CniException}
 * (code 7), nothing else (no class-cast, number-format or null-pointer exception).
 */
class IpamConfigPropertyTest {
    private static final List<String> KEYS = List.of("type", "routes", "priority", "request", "provide",
            "daemonSocketPath", "other");

    @Property(tries = 400)
    void ipamParseThrowsOnlyCniException(@ForAll("ipams") Map<String, Object> ipam,
                                         @ForAll("cniArgs") Map<String, String> args) {
        try {
            IpamConfig.parse(ipam, args);
        } catch (CniException expected) {
            // declared
        }
    }

    @Provide
    Arbitrary<Map<String, Object>> ipams() {
        return Arbitraries.maps(Arbitraries.of(KEYS), values()).ofMaxSize(5);
    }

    @Provide
    Arbitrary<Map<String, String>> cniArgs() {
        return Arbitraries.maps(Arbitraries.of("K8S_POD_NAME", "K8S_POD_NAMESPACE", "IgnoreUnknown", "x"),
                Arbitraries.strings().ofMaxLength(10)).ofMaxSize(3);
    }

    /** JSON values as MiniJson produces them, including the shapes the keys expect and broken variants. */
    private static Arbitrary<Object> values() {
        return Arbitraries.oneOf(Arbitraries.of(
                "[{\"dst\":\"10.0.0.0/8\",\"gw\":\"10.1.0.1\"}]", "[{\"dst\":\"10.0.0.0/33\"}]", "[{\"gw\":1}]",
                "[{\"dst\":\"x\"}]", "[1,null]", "[{\"skipDefault\":true,\"option\":\"classless-static-routes\"}]",
                "[{\"option\":\"host-name\",\"value\":\"pod\"}]", "[{\"option\":\"61\",\"value\":\"\"}]",
                "[{\"option\":\"300\",\"value\":\"a\"}]", "[{\"option\":\"dhcp-client-identifier\",\"fromArg\":\"K8S_POD_NAME\"}]",
                "[{\"option\":\"x\",\"fromArg\":1}]", "[{\"option\":-1}]", "[{\"option\":1.5}]", "[{\"option\":\"\"}]",
                "100", "-1", "1e99", "1.5", "\"100\"", "null", "true", "{}", "[]", "[[]]", "\"dhcp\"",
                "99999999999999999999").map(IpamConfigPropertyTest::json), mutatedJson());
    }

    private static Arbitrary<Object> mutatedJson() {
        return Arbitraries.strings().withChars("[]{}\":,0123456789-.optinvaluedstgwfromArg").ofMaxLength(30)
                .map(text -> {
                    try {
                        return MiniJson.parse(text);
                    } catch (JsonException e) {
                        return new HashMap<>();
                    }
                }).filter(v -> v != null);
    }

    private static Object json(String text) {
        try {
            return MiniJson.parse(text);
        } catch (JsonException e) {
            throw new AssertionError(text, e);
        }
    }
}
