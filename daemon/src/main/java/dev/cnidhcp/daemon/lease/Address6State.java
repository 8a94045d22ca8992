package dev.cnidhcp.daemon.lease;

import java.util.Locale;

/**
 * Where the pod's interface stands with a leased IPv6 address, as the kernel's flags say
 * ({@link Lease6Transport#addressState6}): the main plugin configures the address after ADD returns,
 * and the kernel then runs its own duplicate address detection (RFC 4862) on it.
 */
public enum Address6State {
    /** On the interface, duplicate address detection passed (or is off). */
    CARRIED,
    /** On the interface, duplicate address detection still running (IFA_F_TENTATIVE). */
    TENTATIVE,
    /** On the interface but unusable: another node answered the kernel's probe (IFA_F_DADFAILED). */
    DAD_FAILED,
    /** Not on the interface (the main plugin has not configured it, or removed it). */
    ABSENT;

    /** As {@code ip -6 addr} says it: {@code carried}, {@code tentative}, {@code dadfailed}, {@code absent}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace("_", "");
    }
}
