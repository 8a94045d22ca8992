package dev.cnidhcp.json;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MiniJsonTest {

    @Test
    void objectBecomesLinkedHashMapInSourceOrder() throws JsonException {
        Object parsed = MiniJson.parse("{\"z\":1,\"a\":2,\"m\":3}");
        Map<?, ?> map = assertInstanceOf(LinkedHashMap.class, parsed);
        assertEquals(List.of("z", "a", "m"), new ArrayList<>(map.keySet()));
    }

    @Test
    void arrayBecomesListOfValuesOfMixedTypes() throws JsonException {
        Object parsed = MiniJson.parse("[1, \"two\", true, false, null, {}, []]");
        List<?> list = assertInstanceOf(ArrayList.class, parsed);
        assertEquals(Arrays.asList(1L, "two", true, false, null, Map.of(), List.of()), list);
    }

    @Test
    void emptyObjectAndEmptyArrayParse() throws JsonException {
        assertEquals(Map.of(), MiniJson.parse("{}"));
        assertEquals(List.of(), MiniJson.parse("[]"));
        assertEquals(Map.of(), MiniJson.parse(" { } "));
        assertEquals(List.of(), MiniJson.parse("[ ]"));
    }

    @Test
    void surroundingWhitespaceIsAllowed() throws JsonException {
        assertEquals(Map.of("a", 1L), MiniJson.parse(" \t\r\n{ \"a\" :\n1 }\n "));
    }

    @Test
    void stringEscapesAreDecoded() throws JsonException {
        assertEquals("a\nb", MiniJson.parse("\"a\\nb\""));
        assertEquals("caf\u00e9", MiniJson.parse("\"caf\\u00e9\""));
        assertEquals("say \"hi\"", MiniJson.parse("\"say \\\"hi\\\"\""));
        assertEquals("\\/\b\f\r\t", MiniJson.parse("\"\\\\\\/\\b\\f\\r\\t\""));
        assertEquals("\u00e9", MiniJson.parse("\"\\u00E9\""));
    }

    @Test
    void surrogatePairEscapesFormOneCodePoint() throws JsonException {
        assertEquals("\uD83D\uDE00", MiniJson.parse("\"\\ud83d\\ude00\""));
    }

    @Test
    void nonAsciiCharactersPassThroughUnescaped() throws JsonException {
        assertEquals("\u00e9t\u00e9 \uD83D\uDE00", MiniJson.parse("\"\u00e9t\u00e9 \uD83D\uDE00\""));
    }

    @Test
    void integersAreLongs() throws JsonException {
        assertEquals(42L, MiniJson.parse("42"));
        assertEquals(-7L, MiniJson.parse("-7"));
        assertEquals(0L, MiniJson.parse("0"));
        assertInstanceOf(Long.class, MiniJson.parse("123456789012345678"));
    }

    @Test
    void fractionsAndExponentsAreDoubles() throws JsonException {
        assertEquals(1.5, MiniJson.parse("1.5"));
        assertEquals(1000.0, MiniJson.parse("1e3"));
        assertEquals(-2.5e-3, MiniJson.parse("-2.5E-3"));
        assertInstanceOf(Double.class, MiniJson.parse("2.0"));
    }

    @Test
    void integersTooLongForALongBecomeDoubles() throws JsonException {
        assertEquals(1.2345678901234567e22, MiniJson.parse("12345678901234567890123"));
    }

    @Test
    void literalsTrueFalseNull() throws JsonException {
        assertEquals(Boolean.TRUE, MiniJson.parse("true"));
        assertEquals(Boolean.FALSE, MiniJson.parse("false"));
        assertNull(MiniJson.parse("null"));
        Map<?, ?> map = (Map<?, ?>) MiniJson.parse("{\"k\":null}");
        assertTrue(map.containsKey("k"));
        assertNull(map.get("k"));
    }

    @Test
    void nestedStructuresParse() throws JsonException {
        Object parsed = MiniJson.parse("{\"ipam\":{\"routes\":[{\"dst\":\"0.0.0.0/0\"}],\"priority\":5}}");
        assertEquals(Map.of("ipam", Map.of("routes", List.of(Map.of("dst", "0.0.0.0/0")), "priority", 5L)), parsed);
    }

    @Test
    void nestingOfSixtyFourLevelsIsAccepted() throws JsonException {
        String text = "[".repeat(64) + "]".repeat(64);
        Object value = MiniJson.parse(text);
        int depth = 0;
        while (value instanceof List<?> list && !list.isEmpty()) {
            value = list.get(0);
            depth++;
        }
        assertEquals(63, depth);
    }

    @Test
    void nestingBeyondTheLimitIsRejectedWithoutStackOverflow() {
        JsonException e = assertThrows(JsonException.class, () -> MiniJson.parse("[".repeat(100_000)));
        assertTrue(e.getMessage().contains("nesting deeper than 64"), e.getMessage());
        assertThrows(JsonException.class, () -> MiniJson.parse("{\"a\":".repeat(1000) + "1" + "}".repeat(1000)));
    }

    @Test
    void trailingGarbageIsRejectedNamingTheOffset() {
        JsonException e = assertThrows(JsonException.class, () -> MiniJson.parse("{} x"));
        assertEquals("unexpected trailing content at offset 3", e.getMessage());
        assertThrows(JsonException.class, () -> MiniJson.parse("{}{}"));
        assertThrows(JsonException.class, () -> MiniJson.parse("1 2"));
    }

    @Test
    void truncatedInputIsRejected() {
        for (String text : List.of("", "   ", "{", "{\"a\"", "{\"a\":", "{\"a\":1", "{\"a\":1,", "[", "[1,", "[1",
                "\"abc", "\"ab\\", "\"\\u00e", "tru", "fals", "nul", "-")) {
            assertThrows(JsonException.class, () -> MiniJson.parse(text), () -> "accepted '" + text + "'");
        }
    }

    @Test
    void endOfInputErrorNamesTheOffsetWhereInputEnded() {
        JsonException e = assertThrows(JsonException.class, () -> MiniJson.parse("{\"a\":"));
        assertEquals("unexpected end of input at offset 5", e.getMessage());
    }

    @Test
    void syntaxErrorMessageNamesWhatAndTheOffset() {
        JsonException e = assertThrows(JsonException.class, () -> MiniJson.parse("{\"a\" 1}"));
        assertEquals("expected ':' at offset 5", e.getMessage());
        e = assertThrows(JsonException.class, () -> MiniJson.parse("[1;2]"));
        assertEquals("expected ',' or ']' at offset 2", e.getMessage());
        e = assertThrows(JsonException.class, () -> MiniJson.parse("{\"a\":1 \"b\":2}"));
        assertEquals("expected ',' or '}' at offset 7", e.getMessage());
    }

    @Test
    void unquotedKeysAreRejected() {
        JsonException e = assertThrows(JsonException.class, () -> MiniJson.parse("{a:1}"));
        assertTrue(e.getMessage().startsWith("expected a string key"), e.getMessage());
    }

    @Test
    void unknownWordsAndCharactersAreRejected() {
        assertThrows(JsonException.class, () -> MiniJson.parse("True"));
        assertThrows(JsonException.class, () -> MiniJson.parse("nil"));
        assertThrows(JsonException.class, () -> MiniJson.parse("'a'"));
        assertThrows(JsonException.class, () -> MiniJson.parse("[1,]"));
        assertThrows(JsonException.class, () -> MiniJson.parse("{\"a\":1,}"));
    }

    @Test
    void badNumbersAreRejected() {
        assertThrows(JsonException.class, () -> MiniJson.parse("1.2.3"));
        assertThrows(JsonException.class, () -> MiniJson.parse("1e"));
        assertThrows(JsonException.class, () -> MiniJson.parse("--1"));
    }

    @Test
    void rawControlCharacterInsideStringIsRejected() {
        JsonException e = assertThrows(JsonException.class, () -> MiniJson.parse("\"a\nb\""));
        assertEquals("control character in string at offset 2", e.getMessage());
    }

    @Test
    void unknownEscapeIsRejected() {
        JsonException e = assertThrows(JsonException.class, () -> MiniJson.parse("\"\\x\""));
        assertTrue(e.getMessage().contains("bad escape '\\x'"), e.getMessage());
        assertThrows(JsonException.class, () -> MiniJson.parse("\"\\uzzzz\""));
    }

    @Test
    void unicodeEscapeTakesExactlyFourAsciiHexDigitsWithoutSign() {
        for (String text : List.of("\"\\u+041\"", "\"\\u-001\"", "\"\\u 041\"", "\"\\u00g1\"",
                "\"\\u\uff10\uff10\uff14\uff11\"")) {
            JsonException e = assertThrows(JsonException.class, () -> MiniJson.parse(text),
                    () -> "accepted " + text);
            assertTrue(e.getMessage().startsWith("bad \\u escape at offset 3"), e.getMessage());
        }
    }

    @Test
    void quoteEscapesQuoteBackslashAndControlCharacters() {
        assertEquals("\"a\\\"b\\\\c\"", MiniJson.quote("a\"b\\c"));
        assertEquals("\"\\n\\r\\t\"", MiniJson.quote("\n\r\t"));
        assertEquals("\"\\u0000\\u0001\\u001f\"", MiniJson.quote("\u0000\u0001\u001f"));
        assertEquals("\"caf\u00e9\"", MiniJson.quote("caf\u00e9"));
        assertEquals("\"\"", MiniJson.quote(""));
    }

    @Test
    void quoteRoundTripsEveryControlCharacter() throws JsonException {
        StringBuilder all = new StringBuilder();
        for (char c = 0; c < 0x20; c++) {
            all.append(c);
        }
        all.append("\"\\/ \u007f \u00e9 \u2028 \uD83D\uDE00");
        String s = all.toString();
        String quoted = MiniJson.quote(s);
        for (int i = 1; i < quoted.length() - 1; i++) {
            assertFalse(quoted.charAt(i) < 0x20, "raw control character at " + i + " of " + quoted);
        }
        assertEquals(s, MiniJson.parse(quoted));
    }

    @Test
    void numbersFollowTheJsonGrammarExactly() throws JsonException {
        for (String bad : new String[] {"01", "1.", "-.5", "1.e5", "+1", "--1", "1e", "0x10"}) {
            assertThrows(JsonException.class, () -> MiniJson.parse(bad), bad);
        }
        assertEquals(9007199254740993L, MiniJson.parse("9007199254740993"), "19 digits fit a long exactly");
        assertEquals(-0.5, MiniJson.parse("-0.5"));
        assertEquals(1e-5, MiniJson.parse("1E-5"));
    }

    /** Every string of up to 5 characters over the number alphabet, against RFC 8259's grammar as a regex. */
    @Test
    void numberScannerAgreesWithTheRfcGrammarOnEveryShortString() {
        java.util.regex.Pattern rfc = java.util.regex.Pattern.compile("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?");
        String alphabet = "-+.eE019";
        List<String> strings = new ArrayList<>(List.of(""));
        for (int from = 0, length = 1; length <= 5; length++) {
            int to = strings.size();
            for (int k = from; k < to; k++) {
                for (char c : alphabet.toCharArray()) {
                    strings.add(strings.get(k) + c);
                }
            }
            from = to;
        }
        for (String s : strings) {
            java.util.regex.Matcher m = rfc.matcher(s);
            int expected = !m.matches() ? 0 : m.group(2) == null && m.group(3) == null ? 1 : 2;
            assertEquals(expected, MiniJson.numberShape(s), "'" + s + "'");
        }
    }
}
