package dev.cnidhcp.daemon.dhcp;

import dev.cnidhcp.daemon.log.AttachmentLog;
import dev.cnidhcp.daemon.metrics.DaemonMetrics;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * SELECTING's screen: refuses each DHCPOFFER whose address lies in, or whose subnet overlaps, an
 * excluded range, logging and counting each, and remembers them; once one was refused, the
 * exchange ends with the retransmission window it came in unless another server's offer was taken
 * meanwhile. Confined to the thread of one acquisition.
 */
final class OfferScreen implements Screen {
    private final Exclusions excluded;
    private final DaemonMetrics metrics;
    private final AttachmentLog log;
    private final List<ExcludedOfferException.Refusal> refusals = new ArrayList<>();

    OfferScreen(Exclusions excluded, DaemonMetrics metrics, AttachmentLog log) {
        this.excluded = excluded;
        this.metrics = metrics;
        this.log = log;
    }

    @Override
    public boolean passes(DhcpMessages.Reply offer) {
        if (excluded.isEmpty()) {
            return true;
        }
        Optional<Exclusions.Hit> hit = excluded.check(offer.yiaddr(), DhcpMessages.prefixOf(offer));
        if (hit.isEmpty()) {
            return true;
        }
        ExcludedOfferException.Refusal refusal = new ExcludedOfferException.Refusal(offer.yiaddr(), offer.serverId(),
                hit.get(), "DHCPOFFER");
        metrics.offerRefused(hit.get().range().toString(), hit.get().kind().label());
        log.warning("refused " + refusal.describe() + "; waiting for another server's offer");
        if (refusals.stream().noneMatch(r -> r.address().equals(offer.yiaddr()) && r.server().equals(offer.serverId()))) {
            refusals.add(refusal);
        }
        return false;
    }

    @Override
    public boolean endsExchange() {
        return refusedAny();
    }

    boolean refusedAny() {
        return !refusals.isEmpty();
    }

    /** The offers refused, each (address, server) once, in the order they came. */
    List<ExcludedOfferException.Refusal> refusals() {
        return List.copyOf(refusals);
    }
}
