package dev.cnidhcp.daemon.config;

import dev.cnidhcp.cni.CniException;
import dev.cnidhcp.json.JsonException;
import dev.cnidhcp.json.MiniJson;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * The daemon's ipam parser on any JSON the plugin could forward (seeded, so a failure repeats): a
 * config or a {@link CniException} (code 7), nothing else (no class-cast, number-format or
 * null-pointer exception).
 */
class IpamConfigPropertyTest {
    private static final List<String> KEYS = List.of("type", "routes", "priority", "request", "provide",
            "daemonSocketPath", "other");
    private static final List<String> ARG_KEYS = List.of("K8S_POD_NAME", "K8S_POD_NAMESPACE", "IgnoreUnknown", "x");
    /** The shapes the keys expect, and broken variants of them. */
    private static final List<String> VALUES = List.of(
            "[{\"dst\":\"10.0.0.0/8\",\"gw\":\"10.1.0.1\"}]", "[{\"dst\":\"10.0.0.0/33\"}]", "[{\"gw\":1}]",
            "[{\"dst\":\"x\"}]", "[1,null]", "[{\"skipDefault\":true,\"option\":\"classless-static-routes\"}]",
            "[{\"option\":\"host-name\",\"value\":\"pod\"}]", "[{\"option\":\"61\",\"value\":\"\"}]",
            "[{\"option\":\"300\",\"value\":\"a\"}]",
            "[{\"option\":\"dhcp-client-identifier\",\"fromArg\":\"K8S_POD_NAME\"}]",
            "[{\"option\":\"x\",\"fromArg\":1}]", "[{\"option\":-1}]", "[{\"option\":1.5}]", "[{\"option\":\"\"}]",
            "100", "-1", "1e99", "1.5", "\"100\"", "null", "true", "{}", "[]", "[[]]", "\"dhcp\"",
            "99999999999999999999");
    private static final String JSON_CHARS = "[]{}\":,0123456789-.optinvaluedstgwfromArg";

    @Test
    void ipamParseThrowsOnlyCniException() {
        Random random = new Random(7);
        for (int i = 0; i < 3000; i++) {
            Map<String, Object> ipam = new HashMap<>();
            for (int n = random.nextInt(6); n > 0; n--) {
                ipam.put(KEYS.get(random.nextInt(KEYS.size())), value(random));
            }
            Map<String, String> args = new HashMap<>();
            for (int n = random.nextInt(4); n > 0; n--) {
                args.put(ARG_KEYS.get(random.nextInt(ARG_KEYS.size())), randomText(random, 10, null));
            }
            try {
                IpamConfig.parse(ipam, args);
            } catch (CniException declared) {
                // code 7, naming the key
            } catch (RuntimeException e) {
                fail("IpamConfig.parse(" + ipam + ", " + args + ") threw " + e, e);
            }
        }
    }

    private static Object value(Random random) {
        String text = random.nextInt(3) > 0 ? VALUES.get(random.nextInt(VALUES.size())) : randomText(random, 30, JSON_CHARS);
        try {
            return MiniJson.parse(text); // null too: a key given as JSON null
        } catch (JsonException e) {
            return new HashMap<>();
        }
    }

    private static String randomText(Random random, int max, String alphabet) {
        StringBuilder s = new StringBuilder();
        for (int n = random.nextInt(max + 1); n > 0; n--) {
            s.append(alphabet == null ? (char) (0x20 + random.nextInt(0x5f)) : alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return s.toString();
    }
}
