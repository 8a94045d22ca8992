package dev.cnidhcp.daemon.doctor;

import java.io.IOException;

/** Looks into a pod's network namespace for one DHCPv6 lease ({@link NetnsPod6Probe}; a fake in tests). */
interface Pod6Probe {
    /** @throws IOException when the namespace exists but cannot be entered or read */
    Pod6State inspect(HeldLease6 lease) throws IOException;
}
