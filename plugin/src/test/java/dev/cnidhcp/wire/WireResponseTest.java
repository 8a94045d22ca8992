package dev.cnidhcp.wire;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WireResponseTest {

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void encodingIsExitCodeNewlineThenStdout() {
        assertEquals("0\n{\"cniVersion\":\"1.0.0\"}",
                new String(new WireResponse(0, "{\"cniVersion\":\"1.0.0\"}").encode(), StandardCharsets.UTF_8));
        assertEquals("1\n", new String(new WireResponse(1, "").encode(), StandardCharsets.UTF_8));
    }

    @Test
    void encodeThenDecodeGivesAnEqualResponse() {
        for (WireResponse r : List.of(new WireResponse(0, "{}"), new WireResponse(1, "{\"code\":7}"),
                new WireResponse(255, "x"), new WireResponse(0, ""),
                new WireResponse(0, "multi\nline\n\nbody caf\u00e9\n"))) {
            assertEquals(r, WireResponse.decode(r.encode()));
        }
    }

    @Test
    void exitCodeMustBeBetweenZeroAnd255() {
        new WireResponse(0, "");
        new WireResponse(255, "");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new WireResponse(256, ""));
        assertTrue(e.getMessage().contains("256"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new WireResponse(-1, ""));
    }

    @Test
    void decodeReadsOnlyTheFirstLineAsExitCode() {
        WireResponse r = WireResponse.decode(bytes("1\n2\n3"));
        assertEquals(1, r.exitCode());
        assertEquals("2\n3", r.stdout());
    }

    @Test
    void malformedAnswerIsIllegalStateException() {
        for (String text : List.of("", "0", "{\"cniVersion\":\"1.0.0\"}", "\n{}", "x\n{}", "1000\n{}", "256\n{}",
                "-1\n{}", " 0\n")) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> WireResponse.decode(bytes(text)), () -> "accepted '" + text + "'");
            assertTrue(e.getMessage().startsWith("malformed answer from the daemon"), e.getMessage());
        }
    }

    @Test
    void malformedAnswerMessageQuotesAShortenedHead() {
        String text = "garbage ".repeat(20);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> WireResponse.decode(bytes(text)));
        assertTrue(e.getMessage().contains("'" + text.substring(0, 40) + "...'"), e.getMessage());
    }
}
