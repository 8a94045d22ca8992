package dev.cnidhcp.daemon.doctor;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Recent acquisition failures and NAKs per network ({@link Checks#NETWORK_FAILURES}), from STATUS:
 * its {@code networks} object ({@code {"<net>":{"leases":N,"noOffer":N,"naks":N,"lastFailure":
 * {"at":...,"message":...}|null,"lastAdded":...|null}}}) when the daemon reports it, else its one
 * {@code lastAcquisitionFailure} (whose {@code attachment} names the network).
 *
 * <p>A network fails when a lease could not be obtained in the last {@link #RECENT} and no ADD on
 * that network obtained a new lease since ({@code lastAdded}: the server is down, or its pool is
 * exhausted); an ADD served since turns it into a warning: the server gives new pods addresses
 * again. Renewals do not count: an exhausted pool renews the leases it has. From a daemon that does
 * not report {@code lastAdded}, any lease of the network granted since (an ADD or a renewal) counts.
 */
final class NetworkCheck {
    static final Duration RECENT = Duration.ofMinutes(10);

    private NetworkCheck() {
    }

    /** One network's figures; counts are -1 when not reported. */
    private record Net(long noOffer, long naks, Instant failedAt, String message, Optional<Instant> lastAdded) {
    }

    /** Not reported: {@code lastAdded} absent (an older daemon) is null, reported as never is empty. */
    private static Optional<Instant> lastAdded(JsonNode network) {
        JsonNode at = network.get("lastAdded");
        if (at == null) {
            return null;
        }
        return at.isTextual() ? Optional.ofNullable(HeldLease.instant(at.asText())) : Optional.empty();
    }

    /** @param now the daemon's time (STATUS {@code time}) */
    static List<Finding> check(JsonNode status, List<HeldLease> leases, Instant now) {
        Map<String, Net> nets = new TreeMap<>();
        JsonNode networks = status.get("networks");
        boolean perNetwork = networks != null && networks.isObject();
        if (perNetwork) {
            networks.fields().forEachRemaining(e -> {
                JsonNode f = e.getValue().path("lastFailure");
                nets.put(e.getKey(), new Net(e.getValue().path("noOffer").asLong(-1), e.getValue().path("naks").asLong(-1),
                        f.isObject() ? HeldLease.instant(f.path("at").asText("")) : null, f.path("message").asText(""),
                        lastAdded(e.getValue())));
            });
        } else {
            JsonNode f = status.path("lastAcquisitionFailure");
            if (f.isObject()) {
                nets.put(networkOf(f.path("attachment").asText("")), new Net(-1, -1,
                        HeldLease.instant(f.path("at").asText("")), f.path("message").asText(""), null));
            }
        }
        for (HeldLease l : leases) {
            nets.putIfAbsent(l.network(), new Net(-1, -1, null, "", null));
        }
        String note = perNetwork ? "" : " (per-network counts not reported by this daemon)";
        List<Finding> out = new ArrayList<>();
        if (nets.isEmpty()) {
            out.add(Finding.pass(Checks.NETWORK_FAILURES, "node", "no leases and no failed acquisition" + note));
            return out;
        }
        for (Map.Entry<String, Net> e : nets.entrySet()) {
            out.add(check(e.getKey(), e.getValue(), leases, now, note));
        }
        return out;
    }

    private static Finding check(String network, Net net, List<HeldLease> leases, Instant now, String note) {
        String subject = "network=" + network;
        int held = 0;
        int grantedSince = 0;
        for (HeldLease l : leases) {
            if (l.network().equals(network) && l.address() != null) {
                held++;
                if (net.failedAt() != null && l.acquired() != null && l.acquired().isAfter(net.failedAt())) {
                    grantedSince++;
                }
            }
        }
        String counts = held + " lease(s) held" + (net.noOffer() >= 0 ? ", " + net.noOffer() + " without offer" : "")
                + (net.naks() >= 0 ? ", " + net.naks() + " NAK(s)" : "");
        boolean recent = net.failedAt() != null && Duration.between(net.failedAt(), now).compareTo(RECENT) < 0;
        if (!recent) {
            return Finding.pass(Checks.NETWORK_FAILURES, subject, counts + "; no failed acquisition in the last "
                    + RECENT.toMinutes() + " minutes" + note);
        }
        String failure = "a lease could not be obtained at " + net.failedAt() + " ("
                + Duration.between(net.failedAt(), now).toSeconds() + " s ago): " + net.message() + "; " + counts;
        String fix = net.message().contains("OFFER")
                ? "no server offered an address: check that the DHCP server runs and hears this segment (relay, VLAN,"
                        + " firewall), and whether its pool is exhausted (compare its lease table with the pool size)"
                : "see the message; the server's log says why it refused (NAKs)";
        if (net.lastAdded() != null) {
            if (net.lastAdded().isPresent() && net.lastAdded().get().isAfter(net.failedAt())) {
                return Finding.warn(Checks.NETWORK_FAILURES, subject, failure + "; an ADD got a new lease since, at "
                        + net.lastAdded().get() + ": the server serves new pods again" + note, "if ADDs still fail: " + fix);
            }
        } else if (grantedSince > 0) {
            return Finding.warn(Checks.NETWORK_FAILURES, subject, failure + "; " + grantedSince
                    + " lease(s) granted since: the server answers again" + note, "if ADDs still fail: " + fix);
        }
        return Finding.fail(Checks.NETWORK_FAILURES, subject, failure + note, fix);
    }

    /** The network named in {@code container=... ifname=... network=NAME}, or "" when none is. */
    static String networkOf(String attachment) {
        int at = attachment.indexOf("network=");
        if (at < 0) {
            return "";
        }
        int end = attachment.indexOf(' ', at);
        return attachment.substring(at + "network=".length(), end < 0 ? attachment.length() : end);
    }
}
