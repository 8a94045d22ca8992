package dev.cnidhcp.testlab;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Timeout;

import java.util.List;

import static dev.cnidhcp.testlab.BridgeLabTest.addressOf;
import static dev.cnidhcp.testlab.BridgeLabTest.assertInLabRange;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The daemon started with {@code -broadcast}: servers broadcast their replies and leases still work. */
@Tag("lab")
@Timeout(120)
class BroadcastLabTest {
    @RegisterExtension
    static final SharedLab LAB = new SharedLab("--broadcast");

    private static Lab lab() {
        return LAB.get();
    }

    @Test
    void leaseIsObtainedWhenTheServerBroadcastsItsReplies() throws Exception {
        String cidr = addressOf(lab().add("b1", "bridge").expectSuccess().json());
        assertInLabRange(cidr);
        assertEquals(List.of(cidr), lab().podAddresses("b1"));
        String dnsmasqLog = java.nio.file.Files.readString(lab().dir.resolve("dnsmasq.log"));
        assertTrue(dnsmasqLog.contains("broadcast response"), "dnsmasq answered by broadcast: " + dnsmasqLog);
        lab().del("b1", "bridge").expectSuccess();
    }
}
