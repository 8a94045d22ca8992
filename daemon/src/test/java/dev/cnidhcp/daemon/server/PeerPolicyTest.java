package dev.cnidhcp.daemon.server;

import dev.cnidhcp.daemon.cni.Peer;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PeerPolicyTest {
    private static final int DAEMON_UID = 990;
    private static final int SOCKET_GROUP = 4242;
    /** Supplementary groups of the test's processes by pid. */
    private static final Map<Long, Set<Integer>> GROUPS = Map.of(300L, Set.of(10, SOCKET_GROUP), 400L, Set.of(10));

    private static PeerPolicy policy(int group) {
        return new PeerPolicy(DAEMON_UID, group, pid -> GROUPS.getOrDefault(pid, Set.of()));
    }

    private static boolean accepted(PeerPolicy policy, Peer peer) {
        return policy.refusal(peer).isEmpty();
    }

    @Test
    void rootAndTheDaemonsOwnUserAreAccepted() {
        PeerPolicy p = policy(PeerPolicy.NO_GROUP);
        assertTrue(accepted(p, new Peer(100, 0, 0)));
        assertTrue(accepted(p, new Peer(100, DAEMON_UID, 5)));
    }

    @Test
    void otherUsersAreRefusedWithTheirIdsAndHowToAllowThem() {
        String why = policy(PeerPolicy.NO_GROUP).refusal(new Peer(123, 1000, 1001)).orElseThrow();
        assertTrue(why.contains("uid 1000") && why.contains("gid 1001") && why.contains("process 123"), why);
        assertTrue(why.contains("-socketgroup"), why);
    }

    @Test
    void withoutSocketGroupNoGroupMembershipHelps() {
        assertTrue(!accepted(policy(PeerPolicy.NO_GROUP), new Peer(300, 1000, SOCKET_GROUP)));
    }

    @Test
    void aPeerWhosePrimaryGroupIsTheSocketGroupIsAccepted() {
        assertTrue(accepted(policy(SOCKET_GROUP), new Peer(500, 1000, SOCKET_GROUP)));
    }

    @Test
    void aPeerWithTheSocketGroupAsSupplementaryGroupIsAccepted() {
        assertTrue(accepted(policy(SOCKET_GROUP), new Peer(300, 1000, 1000)));
    }

    @Test
    void aPeerOutsideTheSocketGroupIsRefusedAndToldWhichGroup() {
        String why = policy(SOCKET_GROUP).refusal(new Peer(400, 1000, 1000)).orElseThrow();
        assertTrue(why.contains("group " + SOCKET_GROUP), why);
    }

    @Test
    void aPeerWhoseCredentialsAreUnknownIsRefused() {
        String why = policy(SOCKET_GROUP).refusal(Peer.UNKNOWN).orElseThrow();
        assertTrue(why.contains("SO_PEERCRED"), why);
    }

    @Test
    void supplementaryGroupsComeFromTheGroupsLineOfProcStatus() {
        String status = "Name:\tdhcp\nUid:\t1000\t1000\t1000\t1000\nGid:\t100\t100\t100\t100\nGroups:\t4 24 4242 \n";
        assertEquals(Set.of(4, 24, 4242), PeerPolicy.parseGroups(status));
        assertEquals(Set.of(), PeerPolicy.parseGroups("Groups:\t\n"));
        assertEquals(Set.of(), PeerPolicy.parseGroups("Name:\tx\n"));
    }

    @Test
    void groupsOfAProcessThatIsGoneAreNone() {
        assertEquals(Set.of(), PeerPolicy.readGroups(java.nio.file.Path.of("/proc/0/status")));
    }
}
