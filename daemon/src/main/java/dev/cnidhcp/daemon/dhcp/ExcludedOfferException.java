package dev.cnidhcp.daemon.dhcp;

import java.net.Inet4Address;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * No lease, because everything the servers offered lies in, or overlaps, an excluded range
 * ({@link Exclusions}); the message names each offered address, the range it touches and the
 * server. When only offers were refused, no REQUEST was sent and nothing is held at any server; an
 * excluded ACK was declined (DHCPDECLINE).
 */
public final class ExcludedOfferException extends NoLeaseException {
    private static final long serialVersionUID = 1L;
    private final transient List<Refusal> refusals;

    /** @param nak whether the lease held is lost (a renewal or INIT-REBOOT was answered with an excluded ACK) */
    public ExcludedOfferException(List<Refusal> refusals, boolean nak) {
        super(describe(refusals), nak);
        this.refusals = List.copyOf(refusals);
    }

    public List<Refusal> refusals() {
        return refusals;
    }

    private static String describe(List<Refusal> refusals) {
        if (refusals.isEmpty()) {
            throw new IllegalArgumentException("refusals: empty (expected: at least one)");
        }
        return (refusals.size() == 1 ? "the only offer was refused: " : "every offer was refused: ")
                + refusals.stream().map(Refusal::describe).collect(Collectors.joining("; "));
    }

    /**
     * One offer (or ACK) not taken.
     *
     * @param address the offered address (yiaddr)
     * @param server  the server that offered it (option 54)
     * @param hit     the excluded range and how the offer touches it
     * @param message what was refused: {@code DHCPOFFER} or {@code DHCPACK}
     */
    public record Refusal(Inet4Address address, Inet4Address server, Exclusions.Hit hit, String message) {
        public Refusal {
            Objects.requireNonNull(address, "address");
            Objects.requireNonNull(server, "server");
            Objects.requireNonNull(hit, "hit");
            Objects.requireNonNull(message, "message");
        }

        /** e.g. {@code DHCPOFFER of 10.96.0.5 (subnet 10.96.0.0/24) from server 10.1.0.1 lies in excluded range 10.96.0.0/12}. */
        public String describe() {
            return message + " of " + address.getHostAddress() + " (subnet " + hit.subnet() + ") from server "
                    + server.getHostAddress() + (hit.kind() == Exclusions.Hit.Kind.ADDRESS
                    ? " lies in excluded range " : " overlaps excluded range ") + hit.range();
        }
    }
}
