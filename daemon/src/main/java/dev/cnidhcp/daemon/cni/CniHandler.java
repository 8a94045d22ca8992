package dev.cnidhcp.daemon.cni;

import dev.cnidhcp.cni.CniException;
import dev.cnidhcp.cni.CniRequest;
import dev.cnidhcp.cni.CniVersion;
import dev.cnidhcp.cni.ErrorCode;
import dev.cnidhcp.daemon.admin.AdminRequests;
import dev.cnidhcp.daemon.config.IpamConfig;
import dev.cnidhcp.daemon.config.Route6;
import dev.cnidhcp.daemon.dhcp.ExcludedOfferException;
import dev.cnidhcp.daemon.dhcp.NoLeaseException;
import dev.cnidhcp.daemon.dhcp.Route;
import dev.cnidhcp.daemon.lease.Attachment;
import dev.cnidhcp.daemon.lease.Binding;
import dev.cnidhcp.daemon.lease.CheckFailedException;
import dev.cnidhcp.daemon.lease.ClientIdHeldException;
import dev.cnidhcp.daemon.lease.LeaseKey;
import dev.cnidhcp.daemon.lease.LeaseManager;
import dev.cnidhcp.daemon.lease.NotRecordedException;
import dev.cnidhcp.daemon.log.AttachmentLog;
import dev.cnidhcp.daemon.metrics.DaemonMetrics;
import dev.cnidhcp.json.JsonException;
import dev.cnidhcp.wire.AdminCommand;
import dev.cnidhcp.wire.WireRequest;
import dev.cnidhcp.wire.WireResponse;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Answers one CNI invocation forwarded by the plugin: checks it with the same code the plugin uses,
 * dispatches the command, and turns every failure into the spec's error object with its code. The
 * read-only admin requests of {@code dhcp leases} and {@code dhcp status} ({@link AdminCommand}) go
 * to {@link AdminRequests}. Every answer is counted by command and code, and the time of every ADD
 * answered with a lease is observed.
 */
public final class CniHandler implements RequestHandler {
    private static final Logger LOG = Logger.getLogger(CniHandler.class.getName());
    /** The command label of requests that name no known command. */
    static final String OTHER_COMMAND = "other";

    private final LeaseManager leases;
    private final ResultRenderer renderer;
    private final HostPaths paths;
    private final Duration addTimeout;
    private final Clock clock;
    private final DaemonMetrics metrics;
    private final AdminRequests admin;

    /**
     * @param addTimeout how long an ADD may wait for a lease before it fails
     * @param metrics    counts requests by command and code, and ADD durations
     * @param admin      answers {@code dhcp leases} and {@code dhcp status}
     */
    public CniHandler(LeaseManager leases, ResultRenderer renderer, HostPaths paths, Duration addTimeout, Clock clock,
                      DaemonMetrics metrics, AdminRequests admin) {
        this.leases = leases;
        this.renderer = renderer;
        this.paths = paths;
        this.addTimeout = addTimeout;
        this.clock = clock;
        this.metrics = metrics;
        this.admin = admin;
    }

    /** Decodes and answers raw request bytes; never throws. Nothing is undone: the caller delivers. */
    public WireResponse handle(byte[] rawRequest, Peer peer) {
        WireRequest request;
        try {
            request = WireRequest.decode(rawRequest);
        } catch (JsonException e) {
            return undecodable(e).response();
        }
        return handle(request, peer);
    }

    /** {@link #answer}'s response, for callers that always deliver it. */
    public WireResponse handle(WireRequest wire, Peer peer) {
        return answer(wire, peer).response();
    }

    @Override
    public Answer undecodable(JsonException e) {
        metrics.request(OTHER_COMMAND, ErrorCode.DECODING_FAILURE);
        return Answer.of(error(new CniException(ErrorCode.DECODING_FAILURE, "malformed request to the daemon: "
                + e.getMessage()), CniVersion.LATEST));
    }

    /**
     * Answers one request; never throws. The answer to an ADD that obtained a lease carries its
     * release (a DEL of the attachment from the caller's namespace), for when the caller is gone.
     */
    @Override
    public Answer answer(WireRequest wire, Peer peer) {
        return answer(wire, peer, System.nanoTime());
    }

    /** As {@link #answer(WireRequest, Peer)}, for a request that arrived at {@code receivedNanos} ({@code System.nanoTime}). */
    @Override
    public Answer answer(WireRequest wire, Peer peer, long receivedNanos) {
        String command = wire.env().get("CNI_COMMAND");
        if (AdminCommand.isAdmin(wire)) {
            metrics.request(command, 0);
            return Answer.of(admin.answer(command));
        }
        if ("VERSION".equalsIgnoreCase(command)) {
            metrics.request("VERSION", 0);
            return Answer.of(new WireResponse(0,
                    CniVersion.versionInfoJson(CniRequest.versionOf(wire.stdin(), CniVersion.LATEST))));
        }
        long started = System.nanoTime();
        try {
            Answer answer = answerCommand(wire, peer, receivedNanos);
            metrics.request(commandLabel(command), 0);
            if ("ADD".equals(commandLabel(command))) {
                metrics.addAnswered(Duration.ofNanos(System.nanoTime() - started));
            }
            return answer;
        } catch (CniException e) {
            metrics.request(commandLabel(command), e.code());
            log(wire).info("answered " + commandLabel(command) + " with error " + e.code() + ": " + e.getMessage());
            return Answer.of(error(e, CniRequest.versionOf(wire.stdin()))); // parsed again only on failure
        } catch (RuntimeException e) {
            metrics.request(commandLabel(command), ErrorCode.INTERNAL);
            log(wire).log(Level.SEVERE, commandLabel(command) + ": unexpected failure", e);
            return Answer.of(error(new CniException(ErrorCode.INTERNAL, "internal error in the DHCP daemon: " + e),
                    CniRequest.versionOf(wire.stdin())));
        }
    }

    private Answer answerCommand(WireRequest wire, Peer peer, long receivedNanos) throws CniException {
        CniRequest request = CniRequest.parse(wire.env(), wire.stdin());
        IpamConfig config = IpamConfig.parse(request.ipam(), request.args());
        return switch (request.command()) {
            case ADD -> add(request, config, peer, receivedNanos);
            case DEL -> {
                delete(request, peer);
                yield Answer.of(new WireResponse(0, ""));
            }
            case CHECK -> {
                check(request);
                yield Answer.of(new WireResponse(0, ""));
            }
            case GC -> {
                collectGarbage(request, peer);
                yield Answer.of(new WireResponse(0, ""));
            }
            case STATUS -> {
                status();
                yield Answer.of(new WireResponse(0, ""));
            }
            case VERSION -> throw new AssertionError("answered above");
        };
    }

    /**
     * The ADD's result, and its undo for when the caller is gone: the lease is taken back only when
     * this ADD obtained it and no retry has been handed it since ({@link LeaseManager#revoke}).
     */
    private Answer add(CniRequest request, IpamConfig config, Peer peer, long receivedNanos) throws CniException {
        LeaseKey key = keyOf(request);
        requireIpsResult(config, request.cniVersion());
        Path netns = NetnsPathPolicy.of(paths).check(request.netns());
        byte[] clientId = config.clientIdOf(key.containerId(), key.networkName(), key.ifname(), request.args());
        Attachment attachment = new Attachment(key, netns, clientId, config.options(), config.routes(),
                paths.durableNetnsOf(peer), config.suppress(), config.releaseOnDel(), config.exclude(),
                config.dhcpv4(), config.dhcpv6());
        try {
            // The deadline counts from when the request arrived, not from when a thread took it up.
            Instant arrived = clock.instant().minusNanos(Math.max(0, System.nanoTime() - receivedNanos));
            LeaseManager.Grant grant = leases.grant(attachment, arrived.plus(addTimeout));
            return new Answer(new WireResponse(0, renderer.render(
                    grant.binding() == null ? null : grant.binding().lease(),
                    grant.binding6() == null ? null : grant.binding6().lease(), config, request.cniVersion())),
                    () -> leases.revoke(grant));
        } catch (ExcludedOfferException e) {
            throw new CniException(ErrorCode.NO_LEASE, "no DHCP lease for " + key + ": " + e.getMessage(),
                    "the DHCP server's pool overlaps a range excluded by the daemon's -exclude or ipam.exclude:"
                            + " change the server's subnet or the excluded ranges");
        } catch (NoLeaseException e) {
            throw new CniException(ErrorCode.NO_LEASE, "no DHCP lease for " + key + ": " + e.getMessage(),
                    "is a DHCP server reachable from interface " + key.ifname() + " and does its pool have room?");
        } catch (ClientIdHeldException e) {
            throw new CniException(ErrorCode.TRY_AGAIN_LATER, "no DHCP lease for " + key + ": " + e.getMessage());
        } catch (NotRecordedException e) {
            throw new CniException(ErrorCode.IO_FAILURE, "cannot keep a lease for " + key + ": " + e.getMessage(),
                    "check the daemon's -statedir (writable, not full)");
        } catch (IOException e) {
            throw new CniException(ErrorCode.NETNS_FAILURE, "cannot run DHCP for " + key + " in " + netns + ": "
                    + e.getMessage());
        }
    }

    /**
     * An IPv6 lease is given only in the {@code ips} list of 0.3.0 and later: an ADD asking for one
     * with an older cniVersion is refused (error 1) before any lease is taken.
     */
    static void requireIpsResult(IpamConfig config, String cniVersion) throws CniException {
        if (config.dhcpv6() && !CniVersion.atLeast(cniVersion, "0.3.0")) {
            throw new CniException(ErrorCode.INCOMPATIBLE_VERSION, "ipam.dhcpv6 needs cniVersion 0.3.0 or later,"
                    + " but the network config says " + cniVersion + ": this plugin returns an IPv6 lease only in the"
                    + " \"ips\" list of 0.3.0 and later results",
                    "set the network config's cniVersion to 0.3.0 or later, or remove \"dhcpv6\": true");
        }
    }

    /**
     * DEL is best effort: a release that cannot be sent is logged, and DEL still succeeds, also when the
     * namespace is gone. DEL never enters CNI_NETNS (the release goes out from the recorded or the
     * caller's namespace), so a CNI_NETNS the ADD rule refuses is only logged: failing DEL for it would
     * leave the runtime unable to clean up.
     */
    private void delete(CniRequest request, Peer peer) {
        try {
            NetnsPathPolicy.of(paths).checkForDel(request.netns());
        } catch (CniException e) {
            new AttachmentLog(LOG, request.containerId(), request.ifname(), request.networkName())
                    .warning("DEL with " + e.getMessage() + "; releasing anyway");
        }
        try {
            leases.delete(keyOf(request), paths.netnsOf(peer));
        } catch (IOException e) {
            // logged by the lease manager; the lease is forgotten and expires at the server
        }
    }

    private void check(CniRequest request) throws CniException {
        NetnsPathPolicy.of(paths).check(request.netns());
        LeaseKey key = keyOf(request);
        if (!leases.holds(key)) {
            throw new CniException(ErrorCode.UNKNOWN_CONTAINER, "no DHCP lease is held for " + key);
        }
        Inet4Address expected = prevResultAddress4(request.config());
        Inet6Address expected6 = prevResultAddress6(request.config());
        if (expected == null && expected6 == null) {
            throw new CniException(ErrorCode.INVALID_NETWORK_CONFIG, "prevResult has no IPv4 or IPv6 address in \"ips\"");
        }
        try {
            leases.check(key, expected, expected6);
        } catch (CheckFailedException e) {
            throw new CniException(ErrorCode.CHECK_FAILED, e.getMessage());
        }
    }

    /** The first IPv4 address of {@code prevResult.ips}, required for CHECK of an IPv4 lease. */
    static Inet4Address prevResultAddress(Map<String, Object> config) throws CniException {
        Inet4Address address = prevResultAddress4(config);
        if (address == null) {
            throw new CniException(ErrorCode.INVALID_NETWORK_CONFIG, "prevResult has no IPv4 address in \"ips\"");
        }
        return address;
    }

    /** The first IPv4 address of {@code prevResult.ips}, or null. */
    static Inet4Address prevResultAddress4(Map<String, Object> config) throws CniException {
        String text = prevResultText(config, false);
        try {
            return text == null ? null : Route.parseAddress(text, "prevResult address");
        } catch (IllegalArgumentException e) {
            throw new CniException(ErrorCode.INVALID_NETWORK_CONFIG, e.getMessage());
        }
    }

    /** The first IPv6 address of {@code prevResult.ips}, or null. */
    static Inet6Address prevResultAddress6(Map<String, Object> config) throws CniException {
        String text = prevResultText(config, true);
        try {
            return text == null ? null : Route6.parseAddress(text, "prevResult address");
        } catch (IllegalArgumentException e) {
            throw new CniException(ErrorCode.INVALID_NETWORK_CONFIG, e.getMessage());
        }
    }

    /** The address part of the first {@code prevResult.ips} entry of the family (a colon: IPv6), or null. */
    private static String prevResultText(Map<String, Object> config, boolean v6) throws CniException {
        if (!(config.get("prevResult") instanceof Map<?, ?> prev)) {
            throw new CniException(ErrorCode.INVALID_NETWORK_CONFIG, "CHECK needs a prevResult in the config");
        }
        if (prev.get("ips") instanceof List<?> ips) {
            for (Object ip : ips) {
                if (ip instanceof Map<?, ?> entry && entry.get("address") instanceof String cidr
                        && Route6.isIpv6(cidr) == v6) {
                    int slash = cidr.indexOf('/');
                    return slash < 0 ? cidr : cidr.substring(0, slash);
                }
            }
        }
        return null;
    }

    private void collectGarbage(CniRequest request, Peer peer) throws CniException {
        Object raw = request.config().get("cni.dev/valid-attachments");
        if (raw == null) {
            raw = request.config().get("cni.dev/attachments");
        }
        if (!(raw instanceof List<?> list)) {
            throw new CniException(ErrorCode.INVALID_NETWORK_CONFIG,
                    "GC needs \"cni.dev/valid-attachments\" (a list of {containerID, ifname}) in the config");
        }
        Set<List<String>> valid = new HashSet<>();
        for (Object item : list) {
            if (!(item instanceof Map<?, ?> a) || !(a.get("containerID") instanceof String id)
                    || !(a.get("ifname") instanceof String ifname)) {
                throw new CniException(ErrorCode.INVALID_NETWORK_CONFIG,
                        "cni.dev/valid-attachments entry " + item + " needs \"containerID\" and \"ifname\" strings");
            }
            valid.add(List.of(id, ifname));
        }
        List<String> failures = leases.collectGarbage(request.networkName(), valid, paths.netnsOf(peer));
        if (!failures.isEmpty()) {
            throw new CniException(ErrorCode.GC_INCOMPLETE, failures.size() + " lease(s) of network "
                    + request.networkName() + " could not be released: " + String.join("; ", failures));
        }
    }

    /** STATUS: ADD can be served when a new lease could be recorded. */
    private void status() throws CniException {
        try {
            leases.checkCanServeAdd();
        } catch (IOException e) {
            throw new CniException(ErrorCode.STATUS_CANNOT_SERVE_ADD, "the DHCP daemon cannot serve ADD: "
                    + e.getMessage());
        }
    }

    private static LeaseKey keyOf(CniRequest request) {
        return new LeaseKey(request.containerId(), request.networkName(), request.ifname());
    }

    private static WireResponse error(CniException e, String version) {
        return new WireResponse(1, e.toJson(version));
    }

    /** Label value of a request's command: a CNI command in capitals, or "other" (labels stay few). */
    static String commandLabel(String command) {
        String upper = command == null ? "" : command.toUpperCase(Locale.ROOT);
        return switch (upper) {
            case "ADD", "DEL", "CHECK", "GC", "STATUS", "VERSION" -> upper;
            default -> OTHER_COMMAND;
        };
    }

    /** Lines about a request name its container and interface (as the environment gave them). */
    private static AttachmentLog log(WireRequest wire) {
        return new AttachmentLog(LOG, wire.env().getOrDefault("CNI_CONTAINERID", ""),
                wire.env().getOrDefault("CNI_IFNAME", ""), "");
    }
}
