package dev.cnidhcp.daemon.doctor;

import java.util.Objects;

/**
 * The outcome of one check on one subject.
 *
 * @param check   the check's name, e.g. {@code lease.routes} ({@link Checks})
 * @param subject what was checked: a file, a lease ({@code container=... ifname=... network=...}),
 *                a network, the socket
 * @param verdict pass, warn or fail
 * @param saw     what the check saw, in a sentence
 * @param fix     the command or change that repairs it; "" when it passed
 */
public record Finding(String check, String subject, Verdict verdict, String saw, String fix) {
    public Finding {
        Objects.requireNonNull(verdict, "verdict");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(saw, "saw");
        Objects.requireNonNull(fix, "fix");
        if (check == null || check.isEmpty()) {
            throw new IllegalArgumentException("check: '" + check + "' (expected: a name)");
        }
    }

    static Finding pass(String check, String subject, String saw) {
        return new Finding(check, subject, Verdict.PASS, saw, "");
    }

    static Finding warn(String check, String subject, String saw, String fix) {
        return new Finding(check, subject, Verdict.WARN, saw, fix);
    }

    static Finding fail(String check, String subject, String saw, String fix) {
        return new Finding(check, subject, Verdict.FAIL, saw, fix);
    }
}
