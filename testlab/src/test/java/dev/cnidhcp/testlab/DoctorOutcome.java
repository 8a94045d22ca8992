package dev.cnidhcp.testlab;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * One {@code dhcp doctor --json} run in a lab's node namespace: its exit code and report, with the
 * views the doctor lab tests assert on.
 */
record DoctorOutcome(int exit, JsonNode json) {

    /** Runs doctor against the lab's daemon, with {@code confDir} and {@code binDir} as the CNI dirs. */
    static DoctorOutcome run(Lab lab, Path confDir, Path binDir) throws IOException {
        Lab.Run run = lab.dhcp("doctor", "--json", "-socketpath", lab.socket().toString(), "-confdir", confDir.toString(),
                "-bindir", binDir.toString());
        return new DoctorOutcome(run.exit(), run.json());
    }

    /** The checks that failed. */
    Set<String> failed() {
        Set<String> out = new LinkedHashSet<>();
        json.get("failedChecks").forEach(c -> out.add(c.asText()));
        return out;
    }

    /** Every finding as "check status subject: saw / fix: fix". */
    List<String> findings() {
        List<String> out = new ArrayList<>();
        for (JsonNode c : json.get("checks")) {
            out.add(c.get("check").asText() + " " + c.get("status").asText() + " " + c.get("subject").asText() + ": "
                    + c.get("saw").asText() + " / fix: " + c.get("fix").asText());
        }
        return out;
    }

    /** The findings of {@code check} with status {@code status}. */
    List<String> of(String check, String status) {
        return findings().stream().filter(f -> f.startsWith(check + " " + status + " ")).toList();
    }

    /** The findings of one check that did not pass, as "subject: saw / fix: fix" lines. */
    List<String> problems(String check) {
        List<String> out = new ArrayList<>();
        for (JsonNode c : json.get("checks")) {
            if (c.get("check").asText().equals(check) && !c.get("status").asText().equals("pass")) {
                out.add(c.get("subject").asText() + ": " + c.get("saw").asText() + " / fix: " + c.get("fix").asText());
            }
        }
        return out;
    }

    /** Whether no check failed or warned. */
    boolean allPass() {
        return exit == 0 && findings().stream().allMatch(f -> f.split(" ", 3)[1].equals("pass"));
    }
}
