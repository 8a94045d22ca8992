package dev.cnidhcp.plugin;

import java.time.Clock;
import java.time.ZoneId;

/** Entry point of {@code dist/bin/dhcp leases} and {@code dist/bin/dhcp status}. */
public final class AdminMain {
    private AdminMain() {
    }

    public static void main(String[] args) {
        System.exit(new AdminCli(System.out, System.err, Clock.systemUTC(), ZoneId.systemDefault()).run(args));
    }
}
