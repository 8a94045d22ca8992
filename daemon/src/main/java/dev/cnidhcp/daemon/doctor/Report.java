package dev.cnidhcp.daemon.doctor;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The findings of one run, for people (a line per check, the fix under what did not pass, a
 * summary) or as JSON: {@code {"ok":false,"passed":N,"warnings":N,"failed":N,"failedChecks":[...],
 * "checks":[{"check":"lease.routes","status":"fail","subject":"...","saw":"...","fix":"..."}, ...]}}.
 * {@code ok} (and exit code 0) means that no check failed; warnings do not fail a run.
 */
record Report(List<Finding> findings) {
    private static final ObjectMapper JSON = new ObjectMapper();

    Report {
        findings = List.copyOf(findings);
    }

    boolean ok() {
        return count(Verdict.FAIL) == 0;
    }

    int count(Verdict verdict) {
        return (int) findings.stream().filter(f -> f.verdict() == verdict).count();
    }

    /** The names of the checks that failed, each once, in the order they ran. */
    Set<String> failedChecks() {
        Set<String> out = new LinkedHashSet<>();
        findings.stream().filter(f -> f.verdict() == Verdict.FAIL).forEach(f -> out.add(f.check()));
        return out;
    }

    String text() {
        StringBuilder out = new StringBuilder();
        for (Finding f : findings) {
            out.append(String.format("%-4s  %-16s %s: %s%n", f.verdict().name(), f.check(), f.subject(), f.saw()));
            if (f.verdict() != Verdict.PASS && !f.fix().isEmpty()) {
                out.append(String.format("      %-16s fix: %s%n", "", f.fix()));
            }
        }
        out.append("dhcp doctor: ").append(count(Verdict.PASS)).append(" passed, ").append(count(Verdict.WARN))
                .append(" warning(s), ").append(count(Verdict.FAIL)).append(" failed");
        if (!ok()) {
            out.append(" (").append(String.join(", ", failedChecks())).append(')');
        }
        return out.append('\n').toString();
    }

    String json() {
        ObjectNode root = JSON.createObjectNode();
        root.put("ok", ok()).put("passed", count(Verdict.PASS)).put("warnings", count(Verdict.WARN))
                .put("failed", count(Verdict.FAIL));
        ArrayNode failed = root.putArray("failedChecks");
        failedChecks().forEach(failed::add);
        ArrayNode checks = root.putArray("checks");
        for (Finding f : findings) {
            checks.addObject().put("check", f.check()).put("status", f.verdict().label()).put("subject", f.subject())
                    .put("saw", f.saw()).put("fix", f.fix());
        }
        return root.toString() + "\n";
    }
}
