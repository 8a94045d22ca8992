package dev.cnidhcp.daemon.lease;

import dev.cnidhcp.daemon.dhcp.Lease;
import dev.cnidhcp.daemon.dhcp.Route;
import dev.cnidhcp.daemon.log.AttachmentLog;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The pod's link as a lease dictates it: down while the lease is lost (so the pod stops using an
 * address the server may give to someone else), up only for each attempt to get it back (a packet
 * cannot leave a link that is down), up again with its routes (the kernel dropped them with the
 * link) once the same address is regained, and down for good when the server gave another address.
 * While all is well the link is left alone.
 *
 * <p>Threads: called by one {@link LeaseMachine} under its lock.
 */
final class PodLink implements LeaseListener {
    private final Attachment attachment;
    private final LeaseTransport net;
    private final AttachmentLog log;
    private boolean down;

    PodLink(Attachment attachment, LeaseTransport net, AttachmentLog log) {
        this.attachment = attachment;
        this.net = net;
        this.log = log;
    }

    @Override
    public void regaining(Lease lost) {
        try {
            set(true);
        } catch (IOException | RuntimeException e) {
            log.warning("cannot set " + attachment.key().ifname() + " up for the attempt: " + LeaseMachine.describe(e));
        }
    }

    @Override
    public void lost(Lease lease, String why) {
        quietlyDown();
    }

    @Override
    public void regainFailed() {
        quietlyDown();
    }

    @Override
    public void bound(Binding binding, String how, boolean regained, String problem) {
        if (!problem.isEmpty()) {
            quietlyDown();
        } else if (regained) {
            restore(binding.lease());
        }
    }

    /**
     * After regaining the pod's address: link up, and the routes the kernel dropped with it back, as
     * the ADD's result gave them (without default routes when the attachment suppresses the gateway).
     */
    private void restore(Lease lease) {
        try {
            set(true);
            List<Route> routes = podRoutes(attachment, lease);
            net.restoreRoutes(attachment, routes);
            log.info(lease.cidr() + " is back; " + attachment.key().ifname() + " up again with "
                    + routes.size() + " route(s)");
        } catch (IOException | RuntimeException e) {
            log.severe("regained " + lease.cidr() + " but cannot restore the link or its routes: "
                    + LeaseMachine.describe(e));
        }
    }

    /** The routes the pod was given with {@code lease}: the lease's, then the config's, as suppressed. */
    static List<Route> podRoutes(Attachment attachment, Lease lease) {
        List<Route> routes = new ArrayList<>(lease.routes());
        routes.addAll(attachment.staticRoutes());
        return attachment.suppress().routesOf(routes);
    }

    private void set(boolean up) throws IOException {
        if (down == !up) {
            return;
        }
        net.setLinkUp(attachment, up);
        down = !up;
    }

    private void quietlyDown() {
        try {
            set(false);
        } catch (IOException | RuntimeException e) {
            log.warning("cannot set " + attachment.key().ifname() + " down: " + LeaseMachine.describe(e));
        }
    }
}
