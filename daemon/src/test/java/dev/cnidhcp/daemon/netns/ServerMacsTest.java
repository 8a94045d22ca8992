package dev.cnidhcp.daemon.netns;

import dev.cnidhcp.daemon.dhcp.Route;
import dev.cnidhcp.daemon.lease.LeaseKey;
import org.junit.jupiter.api.Test;

import java.net.Inet4Address;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class ServerMacsTest {
    private static final LeaseKey KEY = new LeaseKey("c1", "net", "eth0");
    private static final Inet4Address SERVER = Route.parseAddress("10.99.0.1", "s");
    private static final byte[] MAC = {2, 0, 0, 0, 0, 9};

    @Test
    void theMacLearntFromAServersReplyIsUsedForThatServerOnlyUntilRelease() {
        ServerMacs macs = new ServerMacs();
        assertNull(macs.of(KEY, SERVER), "unknown after a restart: the caller frames to broadcast");
        macs.learn(KEY, SERVER, MAC);
        assertArrayEquals(MAC, macs.of(KEY, SERVER));
        assertNull(macs.of(KEY, Route.parseAddress("10.99.0.2", "t")), "another server (after rebinding)");
        macs.learn(KEY, SERVER, null);
        assertArrayEquals(MAC, macs.of(KEY, SERVER), "a reply without a source MAC keeps what was known");
        macs.forget(KEY);
        assertNull(macs.of(KEY, SERVER));
        assertEquals(0, macs.size());
    }
}
