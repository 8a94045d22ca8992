package dev.cnidhcp.wire;

import dev.cnidhcp.json.JsonException;
import dev.cnidhcp.json.MiniJson;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WireRequestTest {

    private static WireRequest roundTrip(WireRequest request) throws JsonException {
        return WireRequest.decode(request.encode());
    }

    private static JsonException rejected(String text) {
        return assertThrows(JsonException.class, () -> WireRequest.decode(text.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void encodeThenDecodeGivesAnEqualRequest() throws JsonException {
        WireRequest request = new WireRequest(Map.of("CNI_COMMAND", "ADD", "CNI_IFNAME", "eth0"),
                "{\"cniVersion\":\"1.0.0\",\"name\":\"n\"}");
        assertEquals(request, roundTrip(request));
    }

    @Test
    void envValuesWithQuotesNewlinesAndBackslashesSurvive() throws JsonException {
        Map<String, String> env = Map.of("CNI_ARGS", "A=\"q\";B=line1\nline2", "CNI_PATH", "C:\\bin\t/x",
                "CNI_NETNS", "/run/netns/caf\u00e9 \uD83D\uDE00");
        WireRequest back = roundTrip(new WireRequest(env, "{}"));
        assertEquals(env, back.env());
    }

    @Test
    void stdinThatIsNotValidJsonSurvivesAsAString() throws JsonException {
        String stdin = "{\"cniVersion\": \"1.0.0\", oops\n\u0001 \\ \"unterminated";
        WireRequest back = roundTrip(new WireRequest(Map.of("CNI_COMMAND", "ADD"), stdin));
        assertEquals(stdin, back.stdin());
    }

    @Test
    void emptyEnvAndEmptyStdinRoundTrip() throws JsonException {
        WireRequest back = roundTrip(new WireRequest(Map.of(), ""));
        assertEquals(Map.of(), back.env());
        assertEquals("", back.stdin());
    }

    @Test
    void encodingIsOneJsonObjectWithEnvSortedByNameAndStdinAsString() throws JsonException {
        WireRequest request = new WireRequest(Map.of("CNI_PATH", "/p", "CNI_COMMAND", "DEL"), "{\"a\":1}");
        String text = new String(request.encode(), StandardCharsets.UTF_8);
        assertEquals("{\"env\":{\"CNI_COMMAND\":\"DEL\",\"CNI_PATH\":\"/p\"},\"stdin\":\"{\\\"a\\\":1}\"}", text);
        assertEquals(Map.of("env", Map.of("CNI_COMMAND", "DEL", "CNI_PATH", "/p"), "stdin", "{\"a\":1}"),
                MiniJson.parse(text));
    }

    @Test
    void ofKeepsOnlyCniVariables() {
        Map<String, String> process = new HashMap<>();
        process.put("CNI_COMMAND", "ADD");
        process.put("CNI_CONTAINERID", "abc");
        process.put("PATH", "/usr/bin");
        process.put("HOME", "/root");
        process.put("cni_lower", "x");
        process.put("MY_CNI_THING", "y");
        WireRequest request = WireRequest.of(process, "stdin");
        assertEquals(Map.of("CNI_COMMAND", "ADD", "CNI_CONTAINERID", "abc"), request.env());
        assertEquals("stdin", request.stdin());
    }

    @Test
    void envIsAnImmutableCopy() {
        Map<String, String> env = new HashMap<>(Map.of("CNI_COMMAND", "ADD"));
        WireRequest request = new WireRequest(env, "");
        env.put("CNI_IFNAME", "eth0");
        assertEquals(Map.of("CNI_COMMAND", "ADD"), request.env());
        assertThrows(UnsupportedOperationException.class, () -> request.env().put("X", "y"));
    }

    @Test
    void decodeRejectsInputThatIsNotJson() {
        rejected("not json");
        rejected("");
    }

    @Test
    void decodeRejectsWrongShapes() {
        for (String text : List.of("[]", "\"x\"", "{}", "{\"env\":{}}", "{\"stdin\":\"\"}",
                "{\"env\":[],\"stdin\":\"\"}", "{\"env\":{},\"stdin\":5}", "{\"env\":{},\"stdin\":{}}",
                "{\"env\":null,\"stdin\":\"\"}")) {
            JsonException e = rejected(text);
            assertTrue(e.getMessage().contains("expected {\"env\""), text + ": " + e.getMessage());
        }
    }

    @Test
    void decodeRejectsEnvValueThatIsNotAStringNamingTheVariable() {
        JsonException e = rejected("{\"env\":{\"CNI_COMMAND\":1},\"stdin\":\"\"}");
        assertTrue(e.getMessage().contains("CNI_COMMAND"), e.getMessage());
        rejected("{\"env\":{\"CNI_COMMAND\":null},\"stdin\":\"\"}");
    }

    @Test
    void decodeIgnoresExtraTopLevelKeys() throws JsonException {
        WireRequest r = WireRequest.decode("{\"env\":{},\"stdin\":\"s\",\"extra\":true}"
                .getBytes(StandardCharsets.UTF_8));
        assertEquals("s", r.stdin());
    }
}
