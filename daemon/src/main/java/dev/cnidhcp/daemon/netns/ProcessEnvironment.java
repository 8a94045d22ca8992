package dev.cnidhcp.daemon.netns;

/**
 * The process's own (C library) environment, which processes it starts inherit. {@code System.getenv()}
 * is a copy the JVM took at start and does not change.
 */
public final class ProcessEnvironment {
    private ProcessEnvironment() {
    }

    /** Removes {@code name} from the environment (unsetenv(3)); a name that is not set is no error. */
    public static void unset(String name) {
        Native.LIBC.unsetenv(name);
    }
}
