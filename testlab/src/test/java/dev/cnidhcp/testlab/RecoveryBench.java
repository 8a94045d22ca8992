package dev.cnidhcp.testlab;

import dev.cnidhcp.daemon.dhcp.ClientIdentity;
import dev.cnidhcp.daemon.dhcp.ClientOptions;
import dev.cnidhcp.daemon.dhcp.Lease;
import dev.cnidhcp.daemon.dhcp.Route;
import dev.cnidhcp.daemon.lease.Attachment;
import dev.cnidhcp.daemon.lease.Binding;
import dev.cnidhcp.daemon.lease.LeaseKey;
import dev.cnidhcp.daemon.store.LeaseStore;
import dev.cnidhcp.daemon.store.StoredLease;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Writes N lease records into a state directory for {@code scripts/recovery-bench.sh}: each names an
 * interface that exists in the lab's node namespace, with a one-day lease granted now, so a daemon
 * started on that directory resumes them all (BOUND) without sending anything.
 *
 * <p>Usage: {@code RecoveryBench STATEDIR NETNS IFNAME COUNT}
 */
public final class RecoveryBench {
    private RecoveryBench() {
    }

    public static void main(String[] args) throws Exception {
        LeaseStore store = LeaseStore.open(Path.of(args[0]));
        Path netns = Path.of(args[1]);
        String ifname = args[2];
        int count = Integer.parseInt(args[3]);
        Instant now = Instant.now();
        for (int i = 0; i < count; i++) {
            String container = "bench" + i;
            LeaseKey key = new LeaseKey(container, "bench", ifname);
            byte[] clientId = ClientIdentity.defaultClientId(container, "bench", ifname);
            Attachment attachment = new Attachment(key, netns, clientId, ClientOptions.defaults(), List.of(), null);
            Lease lease = new Lease(Route.fromInt(0x0a630000 | (i + 1)), 16, Route.parseAddress("10.99.0.2", "server"),
                    null, List.of(), List.of(), "", List.of(), Duration.ofDays(1), Duration.ofHours(12),
                    Duration.ofHours(21), now);
            byte[] mac = {2, 0, 0, 0, (byte) (i >> 8), (byte) i};
            store.save(new StoredLease(attachment, new Binding(new ClientIdentity(mac, clientId), lease)));
        }
    }
}
