package dev.cnidhcp.plugin;

/** Entry point of {@code dist/bin/dhcp} when invoked by a container runtime. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.exit(new Plugin(System.getenv(), System.in, System.out).run());
    }
}
