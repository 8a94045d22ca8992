package dev.cnidhcp.daemon.lease;

import java.io.IOException;
import java.net.Inet4Address;

/**
 * CNI CHECK of one lease: it is held, it names the address the runtime expects, and the pod's
 * interface carries it. Reads the machine's {@link LeaseView}, so a CHECK never waits behind an
 * exchange in progress.
 */
final class LeaseCheck {
    private LeaseCheck() {
    }

    /**
     * @param expected the address of prevResult, or null to skip that comparison
     */
    static void check(LeaseView view, LeaseTransport net, Inet4Address expected) throws CheckFailedException {
        Attachment attachment = view.attachment();
        String key = attachment.key().toString();
        LeaseMachine.State state = view.state();
        if (view.binding() == null || view.lost() || !view.problem().isEmpty()
                || (state != LeaseMachine.State.BOUND && state != LeaseMachine.State.RENEWING
                && state != LeaseMachine.State.REBINDING)) {
            throw new CheckFailedException("the lease of " + key + " is not held (state " + state
                    + (view.problem().isEmpty() ? "" : ": " + view.problem()) + ")");
        }
        Inet4Address leased = view.binding().lease().address();
        if (expected != null && !expected.equals(leased)) {
            throw new CheckFailedException("prevResult names " + expected.getHostAddress() + " but the lease of "
                    + key + " is " + view.binding().lease().cidr());
        }
        Inet4Address onInterface;
        try {
            onInterface = net.interfaceAddress(attachment);
        } catch (IOException e) {
            throw new CheckFailedException("cannot read the address of " + attachment.key().ifname() + " in "
                    + attachment.netns() + ": " + e.getMessage());
        }
        if (!leased.equals(onInterface)) {
            throw new CheckFailedException(attachment.key().ifname() + " in " + attachment.netns() + " carries "
                    + (onInterface == null ? "no IPv4 address" : onInterface.getHostAddress())
                    + ", not the leased " + leased.getHostAddress());
        }
    }
}
