package dev.cnidhcp.daemon.app;

import java.io.IOException;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.logging.ConsoleHandler;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Entry point of {@code dhcp daemon [flags]}. SIGTERM and SIGINT stop it cleanly. */
public final class DaemonMain {
    private DaemonMain() {
    }

    public static void main(String[] args) {
        String[] flags = args.length > 0 && args[0].equals("daemon") ? Arrays.copyOfRange(args, 1, args.length) : args;
        DaemonOptions options;
        try {
            options = DaemonOptions.parse(flags);
        } catch (IllegalArgumentException e) {
            System.err.println("dhcp daemon: " + e.getMessage());
            System.err.println(DaemonOptions.USAGE);
            System.exit(2);
            return;
        }
        configureLogging(options.logFormat());
        Daemon daemon;
        try {
            daemon = new Daemon(options);
        } catch (IllegalArgumentException e) { // e.g. a -socketgroup that names no group
            System.err.println("dhcp daemon: " + e.getMessage());
            System.exit(2);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        // Registered before the socket exists, so a SIGTERM at any moment removes what start() made.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            daemon.close();
            DaemonLogManager.closeAll();
            stopped.countDown();
        }, "shutdown"));
        try {
            daemon.start();
        } catch (IOException | RuntimeException e) {
            Logger.getLogger(DaemonMain.class.getName()).severe("cannot start: " + e.getMessage());
            System.exit(1);
            return;
        }
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void configureLogging(LogStyle style) {
        Logger root = Logger.getLogger("");
        for (Handler h : root.getHandlers()) {
            root.removeHandler(h);
        }
        ConsoleHandler console = new ConsoleHandler();
        console.setFormatter(style.formatter());
        console.setLevel(Level.ALL);
        root.addHandler(console);
        root.setLevel(Level.INFO);
    }
}
