package dev.cnidhcp.daemon.doctor;

import java.io.IOException;

/** Looks into a pod's network namespace for one lease ({@link NetnsPodProbe}; a fake in tests). */
interface PodProbe {
    /** @throws IOException when the namespace exists but cannot be entered or read */
    PodState inspect(HeldLease lease) throws IOException;
}
