package dev.cnidhcp.daemon.testing;

import dev.cnidhcp.daemon.dhcp.ClientIdentity;
import dev.cnidhcp.daemon.dhcp.Lease;
import dev.cnidhcp.daemon.dhcp.NoLeaseException;
import dev.cnidhcp.daemon.dhcp.Route;
import dev.cnidhcp.daemon.lease.Attachment;
import dev.cnidhcp.daemon.lease.Binding;
import dev.cnidhcp.daemon.lease.LeaseTransport;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.Inet4Address;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link LeaseTransport} for tests on real threads and real clocks: every exchange answers at once
 * (after {@code exchangeTime}) with a lease of {@code leaseTime} counted from the clock's now, or,
 * while {@link #hang()} is in force, blocks until its thread is interrupted (a server that never
 * answers, cut short by DEL). Counts every call. Thread-safe.
 */
public final class InstantLeaseTransport implements LeaseTransport {
    private final Clock clock;
    private final Duration leaseTime;
    private final Duration exchangeTime;
    private final AtomicInteger acquisitions = new AtomicInteger();
    private final AtomicInteger renewals = new AtomicInteger();
    private final AtomicInteger rebindings = new AtomicInteger();
    private final AtomicInteger reboots = new AtomicInteger();
    private final AtomicInteger releases = new AtomicInteger();
    private final AtomicInteger nextHost = new AtomicInteger(10);
    private volatile CountDownLatch hanging;
    private volatile boolean silent;

    public InstantLeaseTransport(Clock clock, Duration leaseTime, Duration exchangeTime) {
        this.clock = clock;
        this.leaseTime = leaseTime;
        this.exchangeTime = exchangeTime;
    }

    /** From now on every exchange blocks until interrupted; the latch counts them as they start. */
    public CountDownLatch hang(int expected) {
        hanging = new CountDownLatch(expected);
        return hanging;
    }

    /** From now on renewals, rebindings and INIT-REBOOTs get no answer (a server that went away). */
    public void silence() {
        silent = true;
    }

    public int acquisitions() {
        return acquisitions.get();
    }

    public int renewals() {
        return renewals.get();
    }

    public int rebindings() {
        return rebindings.get();
    }

    public int reboots() {
        return reboots.get();
    }

    public int releases() {
        return releases.get();
    }

    /** A lease of {@code address} granted at {@code acquired}. */
    public Lease lease(Inet4Address address, Instant acquired) {
        return new Lease(address, 20, Route.parseAddress("10.1.0.1", "server"), null, List.of(), List.of(), "",
                List.of(), leaseTime, leaseTime.dividedBy(2), leaseTime.multipliedBy(7).dividedBy(8), acquired);
    }

    @Override
    public Binding acquire(Attachment attachment, Inet4Address requested, Instant deadline)
            throws IOException, NoLeaseException {
        exchange();
        acquisitions.incrementAndGet();
        int host = nextHost.getAndIncrement();
        Inet4Address address = requested != null ? requested
                : Route.parseAddress("10.1." + (host / 250) + "." + (host % 250 + 2), "address");
        return new Binding(new ClientIdentity(new byte[] {2, 0, 0, 0, 0, 1}, attachment.clientId()),
                lease(address, clock.instant()));
    }

    @Override
    public Lease renew(Attachment attachment, Binding binding, Instant deadline) throws IOException, NoLeaseException {
        return answer(renewals, binding);
    }

    @Override
    public Lease rebind(Attachment attachment, Binding binding, Instant deadline) throws IOException, NoLeaseException {
        return answer(rebindings, binding);
    }

    @Override
    public Lease reboot(Attachment attachment, Binding binding, Instant deadline) throws IOException, NoLeaseException {
        return answer(reboots, binding);
    }

    /** One exchange for a lease held: counted, then answered with a fresh lease of the same address. */
    private Lease answer(AtomicInteger counter, Binding binding) throws IOException, NoLeaseException {
        exchange();
        counter.incrementAndGet();
        unlessSilent();
        return lease(binding.lease().address(), clock.instant());
    }

    @Override
    public String release(Attachment attachment, Binding binding, Path fallbackNetns) {
        releases.incrementAndGet();
        return "the test";
    }

    @Override
    public void setLinkUp(Attachment attachment, boolean up) {
    }

    @Override
    public void restoreRoutes(Attachment attachment, List<Route> routes) {
    }

    @Override
    public Inet4Address interfaceAddress(Attachment attachment) {
        return null;
    }

    private void unlessSilent() throws NoLeaseException {
        if (silent) {
            throw new NoLeaseException("no answer");
        }
    }

    private void exchange() throws IOException {
        CountDownLatch hang = hanging;
        if (hang != null) {
            hang.countDown();
            try {
                new CountDownLatch(1).await(); // until interrupted
            } catch (InterruptedException e) {
                throw new InterruptedIOException("exchange cancelled");
            }
        }
        try {
            Thread.sleep(exchangeTime.toMillis());
        } catch (InterruptedException e) {
            throw new InterruptedIOException("exchange cancelled");
        }
    }
}
