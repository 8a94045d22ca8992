package dev.cnidhcp.daemon.app;

import dev.cnidhcp.daemon.admin.AdminRequests;
import dev.cnidhcp.daemon.admin.DaemonStatus;
import dev.cnidhcp.daemon.admin.Lease6Tally;
import dev.cnidhcp.daemon.admin.LeaseListing;
import dev.cnidhcp.daemon.cni.CniHandler;
import dev.cnidhcp.daemon.cni.HostPaths;
import dev.cnidhcp.daemon.cni.ResultRenderer;
import dev.cnidhcp.daemon.dhcp.ClientSettings;
import dev.cnidhcp.daemon.dhcp.DhcpClient;
import dev.cnidhcp.daemon.dhcp6.Binding6;
import dev.cnidhcp.daemon.lease.Attachment;
import dev.cnidhcp.daemon.lease.Binding;
import dev.cnidhcp.daemon.lease.Lease6Transport;
import dev.cnidhcp.daemon.lease.LeaseContext;
import dev.cnidhcp.daemon.lease.LeaseJournal;
import dev.cnidhcp.daemon.lease.LeaseKey;
import dev.cnidhcp.daemon.lease.LeaseMachine;
import dev.cnidhcp.daemon.lease.LeaseManager;
import dev.cnidhcp.daemon.dhcp6.Dhcp6Client;
import dev.cnidhcp.daemon.netns.NetnsDhcp6;
import dev.cnidhcp.daemon.lease.WallTimeJournal;
import dev.cnidhcp.daemon.metrics.DaemonMetrics;
import dev.cnidhcp.daemon.metrics.MetricsAddress;
import dev.cnidhcp.daemon.metrics.LeaseCounts;
import dev.cnidhcp.daemon.metrics.PrometheusEndpoint;
import dev.cnidhcp.daemon.netns.BootTime;
import dev.cnidhcp.daemon.netns.Namespaces;
import dev.cnidhcp.daemon.netns.NetnsDhcp;
import dev.cnidhcp.daemon.server.PeerPolicy;
import dev.cnidhcp.daemon.server.RequestLanes;
import dev.cnidhcp.daemon.server.SocketGroup;
import dev.cnidhcp.daemon.server.SocketPolicy;
import dev.cnidhcp.daemon.server.SocketServer;
import dev.cnidhcp.daemon.server.SystemdActivation;
import dev.cnidhcp.daemon.store.LeaseStore;
import dev.cnidhcp.daemon.store.StoredLease;
import dev.cnidhcp.daemon.store.StoredLease6;
import dev.cnidhcp.daemon.time.ElasticExecutor;
import dev.cnidhcp.daemon.time.MonotonicClock;
import dev.cnidhcp.daemon.time.Timeline;
import dev.cnidhcp.daemon.time.TimerQueue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.SplittableRandom;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * Wires the daemon together and owns its life cycle: start (native layer, lease manager, socket,
 * pidfile) and stop (socket and pidfile removed; a socket passed by systemd is left to systemd).
 *
 * <p>Threads: {@code cni-io} accepts connections and reads their requests; {@code cni-add-N} answer
 * ADDs and {@code cni-request-N} every other request (two bounded lanes, so nothing waits behind an ADD);
 * {@code lease-timer} keeps the lease timers and hands due ones to {@code lease-worker-N}, which run
 * renewals (up to {@link #MAX_LEASE_WORKERS} at once, more wait; none is ever dropped, and idle
 * workers end after 30 s); {@code netns-*}
 * threads enter a pod's namespace for one exchange and end; with {@code -metrics}, the Prometheus
 * endpoint's {@code metrics-http-N} threads answer scrapes.
 */
public final class Daemon implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Daemon.class.getName());
    /** ADDs answered at once (each may wait up to -resendtimeout for a server); more wait in the queue. */
    static final int MAX_CONCURRENT_ADDS = 128;
    /** DEL, CHECK, GC, STATUS, VERSION and admin requests answered at once; more wait in their queue. */
    static final int MAX_CONCURRENT_OTHERS = 16;
    /** Requests waiting in each lane's queue at most; beyond, the answer is "busy, retry" (11). */
    private static final int MAX_QUEUED_REQUESTS = 1024;

    /**
     * Lease exchanges run at once at most (each worker waits for its netns thread, so a burst costs
     * twice as many threads); more wait, late but never dropped, for a worker.
     */
    static final int MAX_LEASE_WORKERS = 128;

    private final DaemonOptions options;
    private final TimerQueue timers;
    private final ElasticExecutor workers;
    private final SocketServer server;
    private final LeaseStore store;
    private final LeaseManager leases;
    private final DaemonMetrics metrics = new DaemonMetrics();
    private final DaemonStatus status;
    private final Timeline timeline;
    private volatile PrometheusEndpoint metricsEndpoint; // set by start(), closed by the shutdown hook
    private volatile boolean wrotePidFile;

    public Daemon(DaemonOptions options) {
        this.options = options;
        // Lease timing on a clock that never steps (boot time); wall time only in records and listings.
        Clock wall = Clock.systemUTC();
        MonotonicClock clock = MonotonicClock.start(wall, BootTime.orMonotonic());
        timeline = new Timeline(clock, wall);
        workers = new ElasticExecutor(MAX_LEASE_WORKERS, 30, TimeUnit.SECONDS, new NamedThreads("lease-worker"));
        timers = new TimerQueue(clock, workers, metrics.timerObserver());
        ClientSettings settings = new ClientSettings(options.timeout(), options.resendMax(),
                options.resendTimeout(), options.broadcast(), Duration.ofSeconds(4), options.exclude());
        NetnsDhcp network = new NetnsDhcp(new DhcpClient(settings, clock, metrics), clock, options.arpCheck(), metrics);
        store = openStore(Path.of(options.stateDir()));
        LeaseJournal journal = new WallTimeJournal(store != null ? store : unusableStateDir(options.stateDir()),
                timeline);
        leases = new LeaseManager(new LeaseContext(network, timers, clock, options.timeout(), options.resendMax(),
                journal, metrics, new SplittableRandom(), dhcp6Transport(clock, options, metrics)));
        // As the reference daemon: the socket path is under the host prefix too.
        Path socketPath = Path.of(options.hostPrefix() + options.socketPath());
        status = new DaemonStatus(leases, metrics, socketPath, options.stateDir(), timeline,
                options.exclude().strings());
        AdminRequests admin = new AdminRequests(new LeaseListing(leases, timeline), status);
        CniHandler handler = new CniHandler(leases, new ResultRenderer(), new HostPaths(options.hostPrefix()),
                options.resendTimeout(), clock, metrics, admin);
        RequestLanes lanes = new RequestLanes(bounded(MAX_CONCURRENT_ADDS, MAX_QUEUED_REQUESTS, "cni-add"),
                bounded(MAX_CONCURRENT_OTHERS, MAX_QUEUED_REQUESTS, "cni-request"));
        server = new SocketServer(socketPath, handler, lanes,
                SocketPolicy.of(socketGroup(options), options.hostPrefix()));
    }

    /**
     * The DHCPv6 exchanges on pod interfaces: the RFC 8415 client with Rapid Commit asked for, the
     * Router Advertisement waited for {@link NetnsDhcp6#RA_WAIT} at most, and the duplicate address
     * check as long as {@code -arpcheck} says.
     */
    private static Lease6Transport dhcp6Transport(Clock clock, DaemonOptions options, DaemonMetrics metrics) {
        return new NetnsDhcp6(new Dhcp6Client(clock, true), clock, NetnsDhcp6.RA_WAIT,
                NetnsDhcp6.dadWaitFor(options.arpCheck()), metrics);
    }

    /** The -socketgroup gid, or none; an unknown name stops the daemon (the operator asked for that group). */
    private static int socketGroup(DaemonOptions options) {
        if (options.socketGroup().isEmpty()) {
            return PeerPolicy.NO_GROUP;
        }
        try {
            return SocketGroup.resolve(options.socketGroup(), options.hostPrefix());
        } catch (IOException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    private static ThreadPoolExecutor bounded(int threads, int queue, String name) {
        ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(queue), new NamedThreads(name));
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    /** The lease store, or null (logged) when the state directory cannot be used. */
    private static LeaseStore openStore(Path dir) {
        try {
            return LeaseStore.open(dir);
        } catch (IOException | RuntimeException e) {
            LOG.severe("state directory " + dir + " cannot be used (" + e.getMessage() + "): ADD fails and STATUS"
                    + " reports it until the directory is fixed and the daemon restarted; DEL and CHECK still work");
            return null;
        }
    }

    /** A journal that refuses every write, naming the state directory's problem. */
    private static LeaseJournal unusableStateDir(String dir) {
        return new LeaseJournal() {
            @Override
            public void record(Attachment attachment, Binding binding) throws IOException {
                checkWritable();
            }

            @Override
            public void remove(LeaseKey key) {
            }

            @Override
            public void record6(Attachment attachment, Binding6 binding) throws IOException {
                checkWritable();
            }

            @Override
            public void checkWritable() throws IOException {
                throw new IOException("state directory " + dir + " could not be opened at start-up");
            }
        };
    }

    public void start() throws IOException {
        long started = System.nanoTime();
        Namespaces.preload();
        OptionalInt passed = SystemdActivation.passedSocket();
        recoverLeases();
        if (options.metrics().isPresent()) {
            startMetrics(options.metrics().get());
        }
        String listening = options.socketPath();
        if (passed.isPresent()) {
            Optional<Path> bound = server.startInherited(passed.getAsInt());
            listening = bound.map(Path::toString).orElse("an unnamed socket");
            bound.ifPresent(status::servingOn);
            LOG.info("socket activation: serving the listening socket passed as fd " + SystemdActivation.LISTEN_FDS_START
                    + " (" + listening + ") instead of binding -socketpath; its owner keeps the socket file at exit");
        } else {
            server.start();
        }
        if (!options.pidFile().isEmpty()) {
            Path pid = Path.of(options.pidFile());
            if (pid.toAbsolutePath().getParent() != null) {
                Files.createDirectories(pid.toAbsolutePath().getParent());
            }
            Files.writeString(pid, ProcessHandle.current().pid() + "\n", StandardCharsets.US_ASCII);
            wrotePidFile = true;
        }
        LOG.info("DHCP lease daemon ready on " + listening + " in "
                + (System.nanoTime() - started) / 1_000_000 + " ms (timeout " + options.timeout().toSeconds()
                + " s, resendmax " + options.resendMax().toSeconds() + " s, resendtimeout "
                + options.resendTimeout().toSeconds() + " s, broadcast " + options.broadcast() + ", arpcheck "
                + options.arpCheck().name().toLowerCase(java.util.Locale.ROOT) + ", statedir " + options.stateDir() + ")");
    }

    /** The Prometheus endpoint; refused to start is an error (the operator asked for it). */
    private void startMetrics(MetricsAddress address) throws IOException {
        metricsEndpoint = PrometheusEndpoint.start(address, metrics, () -> leaseCounts(leases),
                new NamedThreads("metrics-http"));
        if (!address.loopback()) {
            LOG.warning("metrics endpoint listens on " + address + ", not only on loopback: anyone who can reach"
                    + " it sees the leases' counts and timings; restrict it (firewall, network policy) or use"
                    + " 127.0.0.1");
        }
        LOG.info("Prometheus metrics at http://" + address + "/metrics");
    }

    /** The leases of both families by state, network and server, for one scrape. */
    static LeaseCounts leaseCounts(LeaseManager leases) {
        Lease6Tally v6 = Lease6Tally.of(leases.views6());
        return new LeaseCounts(leasesByState(leases), leases.countByNetwork(), leases.countByServer(),
                v6.byStateLabel(), v6.byNetwork(), v6.byServer());
    }

    /** Leases by state label ({@code bound}, {@code init-reboot}, ...), every state present. */
    static Map<String, Integer> leasesByState(LeaseManager leases) {
        Map<String, Integer> out = new LinkedHashMap<>();
        for (Map.Entry<LeaseMachine.State, Integer> e : leases.countByState().entrySet()) {
            out.put(e.getKey().label(), e.getValue());
        }
        return out;
    }

    /** Before serving: every recorded lease resumes (or, for pods that are gone, is released). */
    private void recoverLeases() throws IOException {
        if (store == null) {
            return;
        }
        long started = System.nanoTime();
        LeaseStore.Loaded loaded = store.loadAll();
        List<Attachment> attachments = new ArrayList<>();
        List<Binding> bindings = new ArrayList<>();
        for (StoredLease lease : loaded.leases()) {
            attachments.add(lease.attachment());
            bindings.add(WallTimeJournal.fromRecord(lease.binding(), timeline)); // wall time, taken once
        }
        int held = leases.recover(attachments, bindings);
        List<Attachment> attachments6 = new ArrayList<>();
        List<Binding6> bindings6 = new ArrayList<>();
        for (StoredLease6 lease : loaded.leases6()) {
            attachments6.add(lease.attachment());
            bindings6.add(WallTimeJournal.fromRecord(lease.binding(), timeline));
        }
        int held6 = leases.recover6(attachments6, bindings6);
        LOG.info("recovered " + held + " of " + loaded.leases().size() + " recorded lease(s) and " + held6 + " of "
                + loaded.leases6().size() + " DHCPv6 lease(s) from " + store.directory()
                + " in " + (System.nanoTime() - started) / 1_000_000 + " ms"
                + (loaded.problems().isEmpty() ? "" : "; " + loaded.problems().size() + " corrupt record(s) set aside"));
    }

    /** Stops serving; leases are not released (pods keep their addresses). */
    @Override
    public void close() {
        server.close();
        if (metricsEndpoint != null) {
            metricsEndpoint.close();
        }
        timers.close();
        workers.shutdownNow();
        if (wrotePidFile) {
            try {
                Files.deleteIfExists(Path.of(options.pidFile()));
            } catch (IOException e) {
                LOG.warning("cannot remove pidfile " + options.pidFile() + ": " + e.getMessage());
            }
        }
        LOG.info("DHCP lease daemon stopped");
    }
}
