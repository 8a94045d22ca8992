package dev.cnidhcp.daemon.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cnidhcp.daemon.dhcp.Lease;
import dev.cnidhcp.daemon.dhcp.Route;
import dev.cnidhcp.daemon.lease.LeaseKey;
import dev.cnidhcp.daemon.lease.LeaseManager;
import dev.cnidhcp.daemon.lease.LeaseView;

import dev.cnidhcp.daemon.time.Timeline;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * The answer to {@code LEASES} ({@code dhcp leases}): every lease the daemon holds, as a JSON array
 * sorted by container, network and interface. Each object has {@code container}, {@code network},
 * {@code ifname}, {@code netns}, {@code state} (e.g. {@code bound}, {@code init-reboot}),
 * {@code lost}, {@code problem}, and once a server granted one: {@code address} (CIDR),
 * {@code server}, {@code gateway}, {@code mac}, {@code leaseSeconds}, {@code acquired},
 * {@code renewAt} (T1), {@code rebindAt} (T2), {@code expiresAt} (RFC 3339, UTC) and
 * {@code remainingSeconds} (until expiry; negative once expired), and {@code routes}: the routes the
 * pod was given with the lease ({@code [{"dst":"0.0.0.0/0","gw":"10.99.0.1"}, ...]}, {@code gw} ""
 * for a route on the link: the lease's, then {@code ipam.routes}, without default routes under
 * {@code ipam.suppress}) and {@code suppress} (its values, e.g. {@code ["gateway"]}). Never waits
 * for an exchange.
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

    public String json() {
        Instant now = timeline.monotonic().instant();
        ArrayNode out = JSON.createArrayNode();
        for (LeaseView view : leases.views()) {
            LeaseKey key = view.attachment().key();
            ObjectNode lease = out.addObject();
            lease.put("container", key.containerId());
            lease.put("network", key.networkName());
            lease.put("ifname", key.ifname());
            lease.put("netns", view.attachment().netns() == null ? "" : view.attachment().netns().toString());
            lease.put("state", view.state().label());
            lease.put("lost", view.lost());
            lease.put("problem", view.problem());
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
        return out.toString();
    }

    /** An instant in UTC to the millisecond, as RFC 3339 writes it. */
    static String rfc3339(Instant instant) {
        return instant.truncatedTo(ChronoUnit.MILLIS).toString();
    }
}
