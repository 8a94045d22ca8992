package dev.cnidhcp.daemon.lease;

import dev.cnidhcp.daemon.dhcp.ClientOptions;
import dev.cnidhcp.daemon.dhcp.Exclusions;
import dev.cnidhcp.daemon.dhcp.Route;
import dev.cnidhcp.daemon.dhcp.Suppression;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Where a lease lives and how it presents itself: its key, the pod's network namespace (as the daemon
 * sees it, host prefix applied), the client identifier, the options the client requests and
 * provides, the static routes of the config ({@code ipam.routes}, which the daemon puts back with
 * the lease's when it brings the link up again after a lost lease), and the namespace the ADD came
 * from (a path that outlives the calling process, or null), where a release goes out when the pod's
 * interface is gone; and what of the lease the pod is not given ({@code ipam.suppress}), which the
 * daemon honours too when it puts routes back.
 *
 * <p>{@code releaseOnDel} ({@code ipam.releaseOnDel}): whether the end of the attachment (DEL, GC,
 * an undelivered ADD, a pod gone without DEL) sends DHCPRELEASE; when false the lease is only
 * forgotten, and the server keeps it for the same client identifier until it expires.
 *
 * <p>{@code exclude} ({@code ipam.exclude}): ranges this attachment's leases must not touch, on top
 * of the daemon's {@code -exclude} (applied by the client as the daemon runs now, so a changed flag
 * holds for leases recorded before it).
 *
 * <p>{@code dhcpv4}, {@code dhcpv6} ({@code ipam.dhcpv4}, {@code ipam.dhcpv6}): which families the
 * attachment leases; at least one. An attachment made without them (and a record written before
 * they existed) leases IPv4 only.
 */
public record Attachment(LeaseKey key, Path netns, byte[] clientId, ClientOptions options, List<Route> staticRoutes,
                         Path runtimeNetns, Suppression suppress, boolean releaseOnDel, Exclusions exclude,
                         boolean dhcpv4, boolean dhcpv6) {
    public Attachment {
        if (!dhcpv4 && !dhcpv6) {
            throw new IllegalArgumentException("dhcpv4 and dhcpv6: both false (expected: at least one family)");
        }
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(suppress, "suppress");
        Objects.requireNonNull(exclude, "exclude");
        clientId = clientId.clone();
        staticRoutes = List.copyOf(staticRoutes);
    }

    /** An IPv4-only attachment (what every attachment was before DHCPv6). */
    public Attachment(LeaseKey key, Path netns, byte[] clientId, ClientOptions options, List<Route> staticRoutes,
                      Path runtimeNetns, Suppression suppress, boolean releaseOnDel, Exclusions exclude) {
        this(key, netns, clientId, options, staticRoutes, runtimeNetns, suppress, releaseOnDel, exclude, true, false);
    }

    /** The same attachment leasing the given families. */
    public Attachment withFamilies(boolean v4, boolean v6) {
        return new Attachment(key, netns, clientId, options, staticRoutes, runtimeNetns, suppress, releaseOnDel,
                exclude, v4, v6);
    }

    /** An attachment that excludes no range of its own. */
    public Attachment(LeaseKey key, Path netns, byte[] clientId, ClientOptions options, List<Route> staticRoutes,
                      Path runtimeNetns, Suppression suppress, boolean releaseOnDel) {
        this(key, netns, clientId, options, staticRoutes, runtimeNetns, suppress, releaseOnDel, Exclusions.NONE);
    }

    /** An attachment that suppresses nothing and is released at its end. */
    public Attachment(LeaseKey key, Path netns, byte[] clientId, ClientOptions options, List<Route> staticRoutes,
                      Path runtimeNetns) {
        this(key, netns, clientId, options, staticRoutes, runtimeNetns, Suppression.NONE, true);
    }

    /** An attachment without static routes and without a known runtime namespace. */
    public Attachment(LeaseKey key, Path netns, byte[] clientId, ClientOptions options) {
        this(key, netns, clientId, options, List.of(), null);
    }

    @Override
    public byte[] clientId() {
        return clientId.clone();
    }

    /** Whether this attachment presents the same client identifier as {@code other}, without copying either. */
    public boolean sameClientId(Attachment other) {
        return Arrays.equals(clientId, other.clientId);
    }
}
