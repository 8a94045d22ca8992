package dev.cnidhcp.daemon.doctor;

import dev.cnidhcp.daemon.dhcp.Cidr;
import dev.cnidhcp.daemon.dhcp6.Dhcp6Options;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The checks across the node's leases: no two share an address ({@link Checks#LEASES_UNIQUE}; the
 * DHCPv6 leases: {@link Checks#LEASES6_UNIQUE}), and
 * no leased subnet (address and mask) overlaps a range the daemon excludes ({@code -exclude}, as
 * STATUS reports it) or the lease's config excludes ({@code ipam.exclude}) ({@link Checks#LEASES_EXCLUDE}).
 */
final class AddressCheck {
    private AddressCheck() {
    }

    static Finding unique(List<HeldLease> leases) {
        Map<String, List<String>> byAddress = new LinkedHashMap<>();
        for (HeldLease l : leases) {
            if (l.address() != null) {
                byAddress.computeIfAbsent(l.address().getHostAddress(), a -> new ArrayList<>()).add(l.label());
            }
        }
        List<String> shared = new ArrayList<>();
        for (Map.Entry<String, List<String>> e : byAddress.entrySet()) {
            if (e.getValue().size() > 1) {
                shared.add(e.getKey() + " held by " + String.join(" and ", e.getValue()));
            }
        }
        if (shared.isEmpty()) {
            return Finding.pass(Checks.LEASES_UNIQUE, "node", byAddress.size() + " leased address(es), all distinct");
        }
        return Finding.fail(Checks.LEASES_UNIQUE, "node", String.join("; ", shared),
                "two attachments with the same client identifier at one server, or a server that gives an address"
                        + " twice: compare their ipam.clientId; recreate one of the pods");
    }

    /** No two DHCPv6 leases of the node share an address. */
    static Finding unique6(List<HeldLease6> leases) {
        Map<String, List<String>> byAddress = new LinkedHashMap<>();
        for (HeldLease6 l : leases) {
            if (l.address() != null) {
                byAddress.computeIfAbsent(Dhcp6Options.text(l.address()), a -> new ArrayList<>()).add(l.label());
            }
        }
        List<String> shared = new ArrayList<>();
        for (Map.Entry<String, List<String>> e : byAddress.entrySet()) {
            if (e.getValue().size() > 1) {
                shared.add(e.getKey() + " held by " + String.join(" and ", e.getValue()));
            }
        }
        if (shared.isEmpty()) {
            return Finding.pass(Checks.LEASES6_UNIQUE, "node", byAddress.size() + " DHCPv6 address(es), all distinct");
        }
        return Finding.fail(Checks.LEASES6_UNIQUE, "node", String.join("; ", shared),
                "two attachments with the same DUID and IAID at one server (an ipam.clientId template that renders"
                        + " the same identifier for both), or a server that gives an address twice: compare their"
                        + " 'duid' and 'iaid' in 'dhcp leases --json'; recreate one of the pods");
    }

    /**
     * @param daemonExcludes the daemon's {@code -exclude} ranges, or null when STATUS does not report them
     * @param configExcludes {@code ipam.exclude} of each network's config, by network name
     */
    static Finding excluded(List<HeldLease> leases, List<String> daemonExcludes, Map<String, List<String>> configExcludes) {
        List<String> overlaps = new ArrayList<>();
        List<String> unreadable = new ArrayList<>();
        int ranges = 0;
        for (HeldLease l : leases) {
            if (l.subnet() == null) {
                continue;
            }
            List<String> all = new ArrayList<>(daemonExcludes == null ? List.of() : daemonExcludes);
            all.addAll(configExcludes.getOrDefault(l.network(), List.of()));
            for (String text : all) {
                Cidr range;
                try {
                    range = Cidr.parse(text);
                } catch (IllegalArgumentException e) {
                    unreadable.add(text);
                    continue;
                }
                if (range.overlaps(l.subnet())) {
                    overlaps.add(l.label() + ": " + l.address().getHostAddress() + "/" + l.prefix() + " (subnet "
                            + l.subnet() + ") overlaps " + range);
                }
            }
        }
        for (List<String> c : configExcludes.values()) {
            ranges += c.size();
        }
        ranges += daemonExcludes == null ? 0 : daemonExcludes.size();
        if (!overlaps.isEmpty()) {
            return Finding.fail(Checks.LEASES_EXCLUDE, "node", String.join("; ", overlaps),
                    "the DHCP server's pool or subnet overlaps a range pods must not use: change the server's subnet"
                            + " (or the -exclude / ipam.exclude list if it is wrong), then recreate these pods");
        }
        String note = daemonExcludes == null ? "; the daemon does not report its -exclude ranges (not reported)" : "";
        if (!unreadable.isEmpty()) {
            return Finding.warn(Checks.LEASES_EXCLUDE, "node", "cannot read exclude range(s) " + unreadable + note,
                    "write each range as a.b.c.d/len");
        }
        return Finding.pass(Checks.LEASES_EXCLUDE, "node", ranges == 0 ? "no exclude ranges set" + note
                : "no leased subnet overlaps the " + ranges + " exclude range(s)" + note);
    }
}
