package dev.cnidhcp.daemon.doctor;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.Map;

/**
 * Entry point of {@code dhcp doctor}: runs the checks ({@link Doctor}) and prints them. Exit codes:
 * 0 no check failed, 1 some check failed, 2 a bad command line.
 */
public final class DoctorMain {
    private DoctorMain() {
    }

    public static void main(String[] args) {
        System.exit(run(System.out, System.err, args));
    }

    static int run(PrintStream out, PrintStream err, String... args) {
        DoctorArgs parsed;
        try {
            parsed = DoctorArgs.parse(args.length > 0 && args[0].equals("doctor")
                    ? Arrays.copyOfRange(args, 1, args.length) : args);
        } catch (IllegalArgumentException e) {
            err.println("dhcp doctor: " + e.getMessage());
            err.println(DoctorArgs.USAGE);
            return 2;
        }
        Doctor doctor = new Doctor(parsed.socketPath(), new ConfigCheck(parsed.confDir(), parsed.binDir()),
                new SocketDaemonQuery(parsed.socketPath()), DoctorMain::stat, new NetnsPodProbe(), Clock.systemUTC());
        Report report = doctor.run();
        out.print(parsed.json() ? report.json() : report.text());
        out.flush();
        return report.ok() ? 0 : 1;
    }

    /** lstat(2) of the socket path: type and mode, owner. */
    static DaemonCheck.SocketFile stat(Path path) {
        try {
            Map<String, Object> a = Files.readAttributes(path, "unix:mode,uid,gid", LinkOption.NOFOLLOW_LINKS);
            return new DaemonCheck.SocketFile(true, (Integer) a.get("mode"), (Integer) a.get("uid"), (Integer) a.get("gid"));
        } catch (IOException | UnsupportedOperationException e) { // no such file, or it cannot be seen
            return new DaemonCheck.SocketFile(false, 0, 0, 0);
        }
    }
}
