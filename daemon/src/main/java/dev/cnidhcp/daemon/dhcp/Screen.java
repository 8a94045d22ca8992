package dev.cnidhcp.daemon.dhcp;

/**
 * What one exchange of {@link DhcpClient} does with replies of an accepted type: take them, or
 * refuse them and keep listening. Lives on the exchange's thread, for that exchange only.
 */
interface Screen {
    /** Takes every reply; never ends an exchange early. */
    Screen ALL = new Screen() {
        @Override
        public boolean passes(DhcpMessages.Reply reply) {
            return true;
        }

        @Override
        public boolean endsExchange() {
            return false;
        }
    };

    /** Whether the exchange takes {@code reply}; a refused one has been counted and logged. */
    boolean passes(DhcpMessages.Reply reply);

    /**
     * Asked when a transmission's wait ended without a reply taken: whether the exchange ends there,
     * instead of retransmitting.
     */
    boolean endsExchange();
}
