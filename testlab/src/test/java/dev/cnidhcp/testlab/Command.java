package dev.cnidhcp.testlab;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** One finished command of a packaging test: exit code and what it printed. */
record Command(int exit, String stdout, String stderr) {

    /** Runs {@code command} with {@code env} added, feeding it {@code stdin}; kills it after {@code timeoutSeconds}. */
    static Command run(List<String> command, Map<String, String> env, String stdin, long timeoutSeconds)
            throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().putAll(env);
        Path out = Files.createTempFile("cmd-out", ".txt");
        Path err = Files.createTempFile("cmd-err", ".txt");
        try {
            Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            try (var in = p.getOutputStream()) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                // it did not read its input; the exit code tells the rest
            }
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
                throw new IOException(command + " did not finish within " + timeoutSeconds + " s");
            }
            return new Command(p.exitValue(), Files.readString(out), Files.readString(err));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    static Command run(String... command) throws IOException, InterruptedException {
        return run(List.of(command), Map.of(), "", 120);
    }

    /** Whether {@code program} is an executable on PATH. */
    static boolean onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }

    Command expectSuccess() {
        if (exit != 0) {
            throw new AssertionError("exit " + exit + ": " + stdout + " " + stderr);
        }
        return this;
    }
}
