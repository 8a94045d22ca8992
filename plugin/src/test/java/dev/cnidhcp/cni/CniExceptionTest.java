package dev.cnidhcp.cni;

import dev.cnidhcp.json.JsonException;
import dev.cnidhcp.json.MiniJson;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

class CniExceptionTest {

    @Test
    void toJsonHasVersionCodeAndMsgInThatOrder() throws JsonException {
        String json = new CniException(7, "bad config").toJson("1.0.0");
        assertEquals("{\"cniVersion\":\"1.0.0\",\"code\":7,\"msg\":\"bad config\"}", json);
        Map<?, ?> parsed = (Map<?, ?>) MiniJson.parse(json);
        assertEquals(List.of("cniVersion", "code", "msg"), new ArrayList<>(parsed.keySet()));
    }

    @Test
    void toJsonOmitsDetailsWhenEmptyOrNull() throws JsonException {
        Map<?, ?> empty = (Map<?, ?>) MiniJson.parse(new CniException(4, "m", "").toJson("0.4.0"));
        Map<?, ?> nul = (Map<?, ?>) MiniJson.parse(new CniException(4, "m", null).toJson("0.4.0"));
        assertFalse(empty.containsKey("details"));
        assertFalse(nul.containsKey("details"));
        assertEquals("", new CniException(4, "m", null).details());
    }

    @Test
    void toJsonIncludesDetailsWhenPresent() throws JsonException {
        Map<?, ?> parsed = (Map<?, ?>) MiniJson.parse(new CniException(11, "down", "start it").toJson("1.1.0"));
        assertEquals(Map.of("cniVersion", "1.1.0", "code", 11L, "msg", "down", "details", "start it"), parsed);
    }

    @Test
    void toJsonEscapesMessageAndDetails() throws JsonException {
        CniException e = new CniException(6, "bad \"json\"\nat\\offset", "tab\there");
        Map<?, ?> parsed = (Map<?, ?>) MiniJson.parse(e.toJson("1.1.0"));
        assertEquals("bad \"json\"\nat\\offset", parsed.get("msg"));
        assertEquals("tab\there", parsed.get("details"));
    }

    @Test
    void codeMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> new CniException(0, "m"));
        assertThrows(IllegalArgumentException.class, () -> new CniException(-1, "m"));
    }

    @Test
    void codeAndDetailsAreExposed() {
        CniException e = new CniException(100, "no lease", "check the server");
        assertEquals(100, e.code());
        assertEquals("no lease", e.getMessage());
        assertEquals("check the server", e.details());
    }
}
