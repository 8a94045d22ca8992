package dev.cnidhcp.daemon.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cnidhcp.daemon.dhcp.Lease;
import dev.cnidhcp.daemon.dhcp.Route;
import dev.cnidhcp.daemon.dhcp6.Dhcp6Options;
import dev.cnidhcp.daemon.dhcp6.Duids;
import dev.cnidhcp.daemon.dhcp6.Lease6;
import dev.cnidhcp.daemon.lease.Attachment;
import dev.cnidhcp.daemon.lease.Lease6View;
import dev.cnidhcp.daemon.lease.LeaseKey;
import dev.cnidhcp.daemon.lease.LeaseManager;
import dev.cnidhcp.daemon.lease.LeaseView;

import dev.cnidhcp.daemon.time.Timeline;

import java.net.Inet6Address;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.List;

/**
 * The answer to {@code LEASES} ({@code dhcp leases}): every lease the daemon holds, as a JSON array
 * sorted by container, network and interface, an attachment's IPv4 lease before its DHCPv6 one.
 * Each object has {@code family} ({@code "ipv4"} or {@code "ipv6"}), {@code container}, {@code network},
 * {@code ifname}, {@code netns}, {@code state} (e.g. {@code bound}, {@code init-reboot}),
 * {@code lost}, {@code problem}, and once a server granted one: {@code address} (CIDR),
 * {@code server}, {@code gateway}, {@code mac}, {@code leaseSeconds}, {@code acquired},
 * {@code renewAt} (T1), {@code rebindAt} (T2), {@code expiresAt} (RFC 3339, UTC) and
 * {@code remainingSeconds} (until expiry; negative once expired), and {@code routes}: the routes the
 * pod was given with the lease ({@code [{"dst":"0.0.0.0/0","gw":"10.99.0.1"}, ...]}, {@code gw} ""
 * for a route on the link: the lease's, then {@code ipam.routes}, without default routes under
 * {@code ipam.suppress}) and {@code suppress} (its values, e.g. {@code ["gateway"]}). Never waits
 * for an exchange.
 *
 * <p>A DHCPv6 lease ({@code "family":"ipv6"}) has the same first fields (its {@code state} is one of
 * {@code Lease6Machine.State}: {@code init}, {@code soliciting}, {@code bound}, {@code renewing},
 * {@code rebinding}, {@code confirming}), and once a server granted one: {@code address} (CIDR, the
 * prefix length from the Router Advertisement, else 128), {@code server} (the server's DUID, colon
 * hex), {@code serverUnicast} and {@code router} ("" when none), {@code duid} (the client's DUID,
 * colon hex) and {@code iaid} (the IA_NA's, unsigned), {@code preferredSeconds}, {@code validSeconds},
 * {@code acquired}, {@code renewAt} (T1), {@code rebindAt} (T2), {@code expiresAt} (the valid
 * lifetime's end), {@code remainingSeconds}, {@code dns} and {@code search} (options 23 and 24).
 */
public final class LeaseListing {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final LeaseManager leases;
    private final Timeline timeline;

    /** With one clock for lease times and for display (tests). */
    public LeaseListing(LeaseManager leases, Clock clock) {
        this(leases, Timeline.of(clock));
    }

    /** Lease times are kept on {@code timeline}'s monotonic clock and shown as its wall time. */
    public LeaseListing(LeaseManager leases, Timeline timeline) {
        this.leases = leases;
        this.timeline = timeline;
    }

    /** Orders the attachments of both families' lists: by container, network, interface. */
    private static final Comparator<LeaseKey> ORDER = Comparator.comparing(LeaseKey::containerId)
            .thenComparing(LeaseKey::networkName).thenComparing(LeaseKey::ifname);

    public String json() {
        Instant now = timeline.monotonic().instant();
        ArrayNode out = JSON.createArrayNode();
        List<LeaseView> v4 = leases.views();
        List<Lease6View> v6 = leases.views6();
        int i = 0;
        int j = 0;
        while (i < v4.size() || j < v6.size()) {
            if (j == v6.size() || (i < v4.size()
                    && ORDER.compare(v4.get(i).attachment().key(), v6.get(j).attachment().key()) <= 0)) {
                lease4(out.addObject(), v4.get(i++), now);
            } else {
                lease6(out.addObject(), v6.get(j++), now);
            }
        }
        return out.toString();
    }

    private static void common(ObjectNode lease, String family, Attachment attachment, String state, boolean lost,
                               String problem) {
        LeaseKey key = attachment.key();
        lease.put("family", family);
        lease.put("container", key.containerId());
        lease.put("network", key.networkName());
        lease.put("ifname", key.ifname());
        lease.put("netns", attachment.netns() == null ? "" : attachment.netns().toString());
        lease.put("state", state);
        lease.put("lost", lost);
        lease.put("problem", problem);
    }

    private void lease6(ObjectNode lease, Lease6View view, Instant now) {
        common(lease, "ipv6", view.attachment(), view.state().label(), view.lost(), view.problem());
        if (view.binding() == null) {
            return;
        }
        Lease6 l = view.binding().lease();
        lease.put("address", l.cidr());
        lease.put("server", Duids.text(l.serverDuid()));
        lease.put("serverUnicast", text(l.serverUnicast()));
        lease.put("router", text(l.router()));
        lease.put("duid", Duids.text(view.binding().identity().duid()));
        lease.put("iaid", Integer.toUnsignedLong(view.binding().identity().iaid()));
        lease.put("preferredSeconds", l.preferredLifetime().toSeconds());
        lease.put("validSeconds", l.validLifetime().toSeconds());
        lease.put("acquired", rfc3339(timeline.toWall(l.acquired())));
        lease.put("renewAt", rfc3339(timeline.toWall(l.renewAt())));
        lease.put("rebindAt", rfc3339(timeline.toWall(l.rebindAt())));
        lease.put("expiresAt", rfc3339(timeline.toWall(l.expiresAt())));
        lease.put("remainingSeconds", l.expiresAt().getEpochSecond() - now.getEpochSecond());
        ArrayNode dns = lease.putArray("dns");
        l.dnsServers().forEach(a -> dns.add(text(a)));
        ArrayNode search = lease.putArray("search");
        l.searchDomains().forEach(search::add);
    }

    private static String text(Inet6Address address) {
        return address == null ? "" : Dhcp6Options.text(address);
    }

    private void lease4(ObjectNode lease, LeaseView view, Instant now) {
        common(lease, "ipv4", view.attachment(), view.state().label(), view.lost(), view.problem());
        if (view.binding() != null) {
            Lease l = view.binding().lease();
            lease.put("address", l.cidr());
            lease.put("server", l.serverId().getHostAddress());
            lease.put("gateway", l.gateway() == null ? "" : l.gateway().getHostAddress());
            lease.put("mac", view.binding().identity().macText());
            lease.put("leaseSeconds", l.leaseTime().toSeconds());
            lease.put("acquired", rfc3339(timeline.toWall(l.acquired())));
            lease.put("renewAt", rfc3339(timeline.toWall(l.renewAt())));
            lease.put("rebindAt", rfc3339(timeline.toWall(l.rebindAt())));
            lease.put("expiresAt", rfc3339(timeline.toWall(l.expiresAt())));
            lease.put("remainingSeconds", l.expiresAt().getEpochSecond() - now.getEpochSecond());
            ArrayNode routes = lease.putArray("routes");
            for (Route r : view.podRoutes()) {
                routes.addObject().put("dst", r.cidr()).put("gw", r.gateway() == null ? "" : r.gateway().getHostAddress());
            }
            ArrayNode suppress = lease.putArray("suppress");
            view.attachment().suppress().names().forEach(suppress::add);
        }
    }

    /** An instant in UTC to the millisecond, as RFC 3339 writes it. */
    static String rfc3339(Instant instant) {
        return instant.truncatedTo(ChronoUnit.MILLIS).toString();
    }
}
