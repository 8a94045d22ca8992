package dev.cnidhcp.wire;

import dev.cnidhcp.json.JsonException;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Java wire code's side of the golden wire fixtures in {@code testdata/wire} (its README says
 * what each file is), the code {@code dhcp leases} and {@code dhcp status} use: every request is the
 * byte-exact encoding of its environment and stdin and decodes back to them; every answer decodes to
 * its exit code and stdout, or fails as its {@code .malformed} file says. The daemon's side is the
 * daemon module's WireFixturesTest; the native forwarder's is native/tests/test_fixtures.c.
 */
class WireFixturesTest {
    /** The most stdin {@code dhcp} forwards ({@code INPUT_MAX_BYTES}, native/src/input.h); more is its own error 7. */
    private static final int MAX_STDIN_BYTES = 1 << 20;

    static final Path FIXTURES = Path.of(System.getProperty("wire.fixtures", "../testdata/wire"));
    /** The largest stdin {@code dhcp} sends (1 MiB): plain-add.stdin padded with spaces; see the README. */
    static final int LARGEST_STDIN_REQUEST_BYTES = 1_048_820;
    static final String LARGEST_STDIN_REQUEST_SHA256 = "d9b102863a4e6da2b1e095337eec2266423ae04765cd313e574ff10d571212d4";
    /** The same stdin padded with newlines: each is 2 bytes on the wire, so the request is too large. */
    static final int NEWLINE_PADDED_REQUEST_BYTES = 2_097_304;

    static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String text(Path file) {
        return new String(read(file), StandardCharsets.UTF_8);
    }

    /** A NUL-separated environment (as /proc/PID/environ); the first of duplicate keys counts, as getenv(3) has it. */
    static Map<String, String> environ(byte[] bytes) {
        Map<String, String> env = new LinkedHashMap<>();
        int start = 0;
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == 0) {
                String entry = new String(bytes, start, i - start, StandardCharsets.UTF_8);
                int eq = entry.indexOf('=');
                env.putIfAbsent(entry.substring(0, eq), entry.substring(eq + 1));
                start = i + 1;
            }
        }
        assertEquals(bytes.length, start, "every entry of an .environ file ends with a NUL byte");
        return env;
    }

    /** The request cases: the names of requests/*.request.json. */
    static List<String> requestCases() {
        return cases(FIXTURES.resolve("requests"), ".request.json");
    }

    static List<String> cases(Path dir, String suffix) {
        try (Stream<Path> files = Files.list(dir)) {
            List<String> names = new ArrayList<>();
            files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(suffix)).sorted()
                    .forEach(n -> names.add(n.substring(0, n.length() - suffix.length())));
            assertFalse(names.isEmpty(), "no " + suffix + " fixtures in " + dir.toAbsolutePath());
            return names;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path request(String name, String ext) {
        return FIXTURES.resolve("requests").resolve(name + ext);
    }

    /** What `dhcp` exits with and prints for an answer. */
    record Outcome(int exit, String stdout) {
        static Outcome of(WireResponse answer) {
            return new Outcome(answer.exitCode(), answer.stdout());
        }
    }

    @TestFactory
    Stream<DynamicTest> eachRequestIsTheByteExactEncodingOfTheCniVariablesOfItsEnvironmentAndItsStdin() {
        return requestCases().stream().map(name -> DynamicTest.dynamicTest(name, () -> {
            Map<String, String> env = environ(read(request(name, ".environ")));
            WireRequest request = WireRequest.of(env, text(request(name, ".stdin")));
            byte[] expected = read(request(name, ".request.json"));
            assertEquals(new String(expected, StandardCharsets.UTF_8), new String(request.encode(), StandardCharsets.UTF_8));
            assertArrayEquals(expected, request.encode());
        }));
    }

    @TestFactory
    Stream<DynamicTest> eachRequestDecodesToTheCniVariablesAndTheStdinItWasMadeOf() {
        return requestCases().stream().map(name -> DynamicTest.dynamicTest(name, () -> {
            Map<String, String> cni = new TreeMap<>();
            environ(read(request(name, ".environ"))).forEach((k, v) -> {
                if (k.startsWith("CNI_")) {
                    cni.put(k, v);
                }
            });
            WireRequest decoded = WireRequest.decode(read(request(name, ".request.json")));
            assertEquals(cni, new TreeMap<>(decoded.env()));
            assertEquals(text(request(name, ".stdin")), decoded.stdin());
        }));
    }

    @TestFactory
    Stream<DynamicTest> eachAnswerDecodesToItsExitCodeAndStdoutOrFailsAsItsFixtureSays() {
        Path dir = FIXTURES.resolve("answers");
        return cases(dir, ".answer.txt").stream().map(name -> DynamicTest.dynamicTest(name, () -> {
            byte[] raw = read(dir.resolve(name + ".answer.txt"));
            Path malformed = dir.resolve(name + ".malformed");
            if (Files.exists(malformed)) {
                IllegalStateException e = assertThrows(IllegalStateException.class, () -> WireResponse.decode(raw));
                assertEquals(text(malformed), e.getMessage());
                return;
            }
            WireResponse answer = WireResponse.decode(raw);
            assertEquals(Integer.parseInt(text(dir.resolve(name + ".exit"))), answer.exitCode());
            assertEquals(text(dir.resolve(name + ".stdout")), answer.stdout());
            if (!name.startsWith("lenient-")) { // the daemon writes the exit code in plain decimal
                assertArrayEquals(raw, answer.encode());
            }
        }));
    }

    @Test
    void theAdminRequestsAreTheirFixturesByteForByte() {
        assertArrayEquals(read(FIXTURES.resolve("admin/leases.request.json")), AdminCommand.request(AdminCommand.LEASES).encode());
        assertArrayEquals(read(FIXTURES.resolve("admin/daemon-status.request.json")),
                AdminCommand.request(AdminCommand.DAEMON_STATUS).encode());
    }

    @Test
    void noRequestCaseCarriesTheAdminMarkerThoughSomeEnvironmentsSetIt() throws JsonException {
        for (String name : requestCases()) {
            WireRequest decoded = WireRequest.decode(read(request(name, ".request.json")));
            assertFalse(AdminCommand.isAdmin(decoded), name);
            assertFalse(decoded.env().containsKey(AdminCommand.MARKER), name);
        }
        assertEquals("1", environ(read(request("many-env", ".environ"))).get(AdminCommand.MARKER));
    }

    // --- generated: the largest stdin, and beyond (README: "Generated cases") ---

    static byte[] padded(byte pad, int size) {
        byte[] config = read(request("plain-add", ".stdin"));
        byte[] out = Arrays.copyOf(config, size);
        Arrays.fill(out, config.length, size, pad);
        return out;
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void theLargestStdinIsOneMebibyteAndItsRequestIsWithinTheDaemonsLimit() throws JsonException {
        byte[] stdin = padded((byte) ' ', MAX_STDIN_BYTES);
        Map<String, String> env = environ(read(request("plain-add", ".environ")));
        byte[] encoded = WireRequest.of(env, new String(stdin, StandardCharsets.UTF_8)).encode();
        assertEquals(LARGEST_STDIN_REQUEST_BYTES, encoded.length);
        assertEquals(LARGEST_STDIN_REQUEST_SHA256, sha256(encoded));
        assertTrue(encoded.length <= WireRequest.MAX_BYTES);
        assertEquals(new String(stdin, StandardCharsets.UTF_8), WireRequest.decode(encoded).stdin());
    }

}
