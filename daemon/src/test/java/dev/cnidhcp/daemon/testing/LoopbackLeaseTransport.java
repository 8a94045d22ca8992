package dev.cnidhcp.daemon.testing;

import dev.cnidhcp.daemon.dhcp.ClientIdentity;
import dev.cnidhcp.daemon.dhcp.ClientSettings;
import dev.cnidhcp.daemon.dhcp.DhcpClient;
import dev.cnidhcp.daemon.dhcp.DhcpTransport;
import dev.cnidhcp.daemon.dhcp.Lease;
import dev.cnidhcp.daemon.dhcp.Route;
import dev.cnidhcp.daemon.dhcp.NoLeaseException;
import dev.cnidhcp.daemon.lease.Attachment;
import dev.cnidhcp.daemon.lease.Binding;
import dev.cnidhcp.daemon.lease.LeaseKey;
import dev.cnidhcp.daemon.lease.LeaseTransport;
import dev.cnidhcp.daemon.log.AttachmentLog;

import java.io.IOException;
import java.net.Inet4Address;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * The {@link LeaseTransport} of lease-machine tests: the real {@link DhcpClient} talking to a
 * {@link ScriptedDhcpServer}, without namespaces. As {@code NetnsDhcp}: acquire, reboot and rebind
 * broadcast; renew unicasts to the lease's server; release unicasts a DHCPRELEASE. Each exchange
 * "closes its socket" at the end (replies not read are lost).
 *
 * <p>The unicast path can be cut ({@link #unicastPath(boolean)}): renewals and releases then go nowhere
 * (the server never sees them) and the renewal times out on the fake clock, as when the server is
 * reachable only by broadcast, or not at all. Link changes and calls are recorded; the address the pod's
 * interface carries (for CHECK) is whatever the test sets.
 */
public final class LoopbackLeaseTransport implements LeaseTransport {
    /** The client's settings in lease tests: replyTimeout 10 s, resendMax 62 s, giveUpAfter 60 s, first 4 s. */
    public static final ClientSettings SETTINGS = new ClientSettings(Duration.ofSeconds(10), Duration.ofSeconds(62),
            Duration.ofSeconds(60), false, Duration.ofSeconds(4));

    private final DhcpClient client;
    private final ScriptedDhcpServer server;
    private final FakeClock clock;
    private volatile boolean unicastPath = true;
    private volatile IOException releaseFailure;
    private volatile IOException exchangeFailure;
    private final List<String> calls = new ArrayList<>();
    private final List<Boolean> linkChanges = new ArrayList<>();
    private final List<List<Route>> restoredRoutes = new ArrayList<>();
    private final List<Binding> released = new ArrayList<>();
    private final Map<LeaseKey, Inet4Address> interfaceAddresses = new ConcurrentHashMap<>();
    private final Map<LeaseKey, Boolean> linkUp = new ConcurrentHashMap<>();
    private final java.util.Set<LeaseKey> gone = ConcurrentHashMap.newKeySet();
    private int lostUnicasts;

    /** Over a {@link DhcpClient} with {@link #SETTINGS} on {@code clock}. */
    public LoopbackLeaseTransport(ScriptedDhcpServer server, FakeClock clock) {
        this(new DhcpClient(SETTINGS, clock), server, clock);
    }

    public LoopbackLeaseTransport(DhcpClient client, ScriptedDhcpServer server, FakeClock clock) {
        this.client = client;
        this.server = server;
        this.clock = clock;
    }

    /** The interface's MAC: 02:00 and four bytes of the key's hash, so each attachment has its own. */
    public static byte[] macOf(LeaseKey key) {
        int h = key.hashCode();
        return new byte[] {2, 0, (byte) (h >>> 24), (byte) (h >>> 16), (byte) (h >>> 8), (byte) h};
    }

    // ------------------------------------------------------------------ test controls

    /** Whether unicasts (renewals, releases) reach the server; true by default. */
    public LoopbackLeaseTransport unicastPath(boolean reachable) {
        unicastPath = reachable;
        return this;
    }

    /** Makes every release fail with {@code e} (null: releases work again). */
    public LoopbackLeaseTransport failReleasesWith(IOException e) {
        releaseFailure = e;
        return this;
    }

    /**
     * Makes every exchange (acquire, renew, rebind, reboot) fail with {@code e} before anything is sent,
     * as when the pod's namespace or interface is gone (null: exchanges work again).
     */
    public LoopbackLeaseTransport failExchangesWith(IOException e) {
        exchangeFailure = e;
        return this;
    }

    /** Makes the pod of {@code key} gone: looking at its interface fails with AttachmentGoneException. */
    public LoopbackLeaseTransport gone(LeaseKey key) {
        gone.add(key);
        return this;
    }

    /** Sets the address the pod's interface carries (null: none). */
    public LoopbackLeaseTransport setInterfaceAddress(LeaseKey key, Inet4Address address) {
        if (address == null) {
            interfaceAddresses.remove(key);
        } else {
            interfaceAddresses.put(key, address);
        }
        return this;
    }

    /** The calls made, in order: "acquire 10.1.0.10", "renew", "setLinkUp false", ... */
    public synchronized List<String> calls() {
        return List.copyOf(calls);
    }

    /** Every setLinkUp argument, in order. */
    public synchronized List<Boolean> linkChanges() {
        return List.copyOf(linkChanges);
    }

    /** Whether the interface of {@code key} is up: true unless set down. */
    public boolean linkUp(LeaseKey key) {
        return linkUp.getOrDefault(key, true);
    }

    public synchronized List<Binding> released() {
        return List.copyOf(released);
    }

    public synchronized long count(String callPrefix) {
        return calls.stream().filter(c -> c.startsWith(callPrefix)).count();
    }

    /** Messages sent while the unicast path was cut. */
    public synchronized int lostUnicasts() {
        return lostUnicasts;
    }

    // ------------------------------------------------------------------ LeaseTransport

    @Override
    public Binding acquire(Attachment a, Inet4Address requested, Instant deadline) throws IOException, NoLeaseException {
        record("acquire" + (requested == null ? "" : " " + requested.getHostAddress()));
        ClientIdentity id = new ClientIdentity(macOf(a.key()), a.clientId());
        try (DhcpTransport t = server) {
            return new Binding(id, client.acquire(t, id, a.options(), a.exclude(), requested, deadline, logOf(a)));
        }
    }

    @Override
    public Lease renew(Attachment a, Binding binding, Instant deadline) throws IOException, NoLeaseException {
        record("renew");
        try (DhcpTransport t = unicast(binding.lease().serverId())) {
            return client.renew(t, binding.identity(), a.options(), a.exclude(), binding.lease(), deadline, logOf(a));
        }
    }

    @Override
    public Lease rebind(Attachment a, Binding binding, Instant deadline) throws IOException, NoLeaseException {
        record("rebind");
        try (DhcpTransport t = server) {
            return client.renew(t, binding.identity(), a.options(), a.exclude(), binding.lease(), deadline, logOf(a));
        }
    }

    @Override
    public Lease reboot(Attachment a, Binding binding, Instant deadline) throws IOException, NoLeaseException {
        record("reboot " + binding.lease().address().getHostAddress());
        try (DhcpTransport t = server) {
            return client.reboot(t, binding.identity(), a.options(), a.exclude(), binding.lease().address(), deadline,
                    logOf(a));
        }
    }

    @Override
    public String release(Attachment a, Binding binding, Path fallbackNetns) throws IOException {
        synchronized (this) {
            calls.add("release " + binding.lease().address().getHostAddress());
        }
        IOException failure = releaseFailure;
        if (failure != null) {
            throw failure;
        }
        try (DhcpTransport t = unicast(binding.lease().serverId())) {
            client.release(t, binding.identity(), binding.lease());
        }
        synchronized (this) {
            released.add(binding);
        }
        return "loopback";
    }

    @Override
    public void setLinkUp(Attachment a, boolean up) {
        synchronized (this) {
            calls.add("setLinkUp " + up);
            linkChanges.add(up);
        }
        linkUp.put(a.key(), up);
    }

    @Override
    public synchronized void restoreRoutes(Attachment a, List<Route> routes) {
        calls.add("restoreRoutes " + routes.size());
        restoredRoutes.add(List.copyOf(routes));
    }

    /** Every route list restoreRoutes() was given, in order. */
    public synchronized List<List<Route>> restoredRoutes() {
        return List.copyOf(restoredRoutes);
    }

    @Override
    public Inet4Address interfaceAddress(Attachment a) throws IOException {
        if (exchangeFailure instanceof dev.cnidhcp.daemon.lease.AttachmentGoneException gone) {
            throw gone;
        }
        if (gone.contains(a.key())) {
            throw new dev.cnidhcp.daemon.lease.AttachmentGoneException("network namespace " + a.netns()
                    + " no longer exists");
        }
        return interfaceAddresses.get(a.key());
    }

    private void record(String call) throws IOException {
        synchronized (this) {
            calls.add(call);
        }
        IOException failure = exchangeFailure;
        if (failure != null) {
            throw failure;
        }
    }

    private DhcpTransport unicast(Inet4Address serverId) {
        return unicastPath ? server.unicastTo(serverId) : new BlackHole();
    }

    /** A unicast path that leads nowhere: sends vanish, waits pass on the fake clock. */
    private final class BlackHole implements DhcpTransport {
        @Override
        public void send(byte[] dhcpPayload, Inet4Address source) {
            synchronized (LoopbackLeaseTransport.this) {
                lostUnicasts++;
            }
        }

        @Override
        public byte[] receive(long timeoutMillis) {
            clock.advanceMillis(Math.max(0, timeoutMillis));
            return null;
        }

        @Override
        public void close() {
        }
    }

    private static AttachmentLog logOf(Attachment a) {
        return new AttachmentLog(java.util.logging.Logger.getLogger(LoopbackLeaseTransport.class.getName()),
                a.key().containerId(), a.key().ifname(), a.key().networkName());
    }
}
