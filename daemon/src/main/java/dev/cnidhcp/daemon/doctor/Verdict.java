package dev.cnidhcp.daemon.doctor;

import java.util.Locale;

/** How one check came out. A warning is printed but does not fail {@code dhcp doctor}. */
public enum Verdict {
    PASS, WARN, FAIL;

    /** {@code pass}, {@code warn} or {@code fail}, as the JSON output spells it. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
