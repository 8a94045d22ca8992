package dev.cnidhcp.daemon.dhcp;

import java.net.Inet4Address;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The ranges pod addresses must stay out of (the daemon's {@code -exclude}, a network config's
 * {@code ipam.exclude}): a service range, the node network, a corporate range. An offered address
 * that lies in one of them, or whose subnet (address and mask) overlaps one, is not taken.
 * Immutable; duplicates are kept once, in the order first given.
 *
 * @param ranges the excluded ranges
 */
public record Exclusions(List<Cidr> ranges) {
    public static final Exclusions NONE = new Exclusions(List.of());

    public Exclusions {
        ranges = List.copyOf(new LinkedHashSet<>(ranges));
    }

    /**
     * Parses a comma-separated list ({@code -exclude 10.96.0.0/12,192.168.0.0/16}); blanks around
     * entries are ignored, an empty text is no range.
     *
     * @throws IllegalArgumentException naming the entry that is not a CIDR
     */
    public static Exclusions parseList(String text) {
        List<Cidr> out = new ArrayList<>();
        if (text.isBlank()) {
            return NONE;
        }
        for (String part : text.split(",", -1)) {
            out.add(Cidr.parse(part.strip()));
        }
        return new Exclusions(out);
    }

    /** The ranges of both, this one's first. */
    public Exclusions union(Exclusions other) {
        if (other.ranges.isEmpty()) {
            return this;
        }
        if (ranges.isEmpty()) {
            return other;
        }
        List<Cidr> all = new ArrayList<>(ranges);
        all.addAll(other.ranges);
        return new Exclusions(all);
    }

    public boolean isEmpty() {
        return ranges.isEmpty();
    }

    /**
     * Why an address offered with a subnet would be refused: the first range that holds the address
     * ({@link Hit.Kind#ADDRESS}), else the first that overlaps its subnet ({@link Hit.Kind#SUBNET});
     * empty when none does.
     */
    public Optional<Hit> check(Inet4Address address, int prefixLength) {
        for (Cidr range : ranges) {
            if (range.contains(address)) {
                return Optional.of(new Hit(range, Hit.Kind.ADDRESS, Cidr.containing(address, prefixLength)));
            }
        }
        Cidr subnet = Cidr.containing(address, prefixLength);
        for (Cidr range : ranges) {
            if (range.overlaps(subnet)) {
                return Optional.of(new Hit(range, Hit.Kind.SUBNET, subnet));
            }
        }
        return Optional.empty();
    }

    /** The ranges as {@code a.b.c.d/len} strings. */
    public List<String> strings() {
        return ranges.stream().map(Cidr::toString).toList();
    }

    @Override
    public String toString() {
        return String.join(",", strings());
    }

    /**
     * An excluded range that an offer touches.
     *
     * @param range  the excluded range
     * @param kind   whether the address itself lies in it, or only its subnet overlaps it
     * @param subnet the offered subnet (address and mask)
     */
    public record Hit(Cidr range, Kind kind, Cidr subnet) {
        public Hit {
            Objects.requireNonNull(range, "range");
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(subnet, "subnet");
        }

        public enum Kind {
            /** The offered address lies in the range. */
            ADDRESS("address"),
            /** The offered subnet overlaps the range (the address itself is outside). */
            SUBNET("subnet");

            private final String label;

            Kind(String label) {
                this.label = label;
            }

            /** The metric label value: {@code address} or {@code subnet}. */
            public String label() {
                return label;
            }
        }
    }
}
