package dev.cnidhcp.testlab;

/**
 * A lab resource's cleanup that runs exactly once: when the owner closes it, or, if the test JVM
 * stops first (a killed or timed-out run), from a shutdown hook. Thread-safe.
 */
final class Teardown {
    private final Runnable action;
    private final Thread hook;
    private boolean done;

    private Teardown(Runnable action, String name) {
        this.action = action;
        this.hook = new Thread(this::fromHook, name);
    }

    /** Registers {@code action} to run at JVM exit unless {@link #run()} ran it before. */
    static Teardown atExit(String name, Runnable action) {
        Teardown teardown = new Teardown(action, name);
        Runtime.getRuntime().addShutdownHook(teardown.hook);
        return teardown;
    }

    /** Runs the cleanup now (once) and drops the shutdown hook. */
    void run() {
        if (!once()) {
            return;
        }
        action.run();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // already shutting down: the hook finds the cleanup done
        }
    }

    private void fromHook() {
        if (once()) {
            action.run();
        }
    }

    private synchronized boolean once() {
        if (done) {
            return false;
        }
        done = true;
        return true;
    }
}
