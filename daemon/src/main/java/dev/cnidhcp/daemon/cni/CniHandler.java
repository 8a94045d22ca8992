package dev.cnidhcp.daemon.cni;

import dev.cnidhcp.cni.CniException;
import dev.cnidhcp.cni.CniRequest;
import dev.cnidhcp.cni.CniVersion;
import dev.cnidhcp.cni.ErrorCode;
import dev.cnidhcp.daemon.config.IpamConfig;
import dev.cnidhcp.daemon.dhcp.ClientIdentity;
import dev.cnidhcp.daemon.dhcp.NoLeaseException;
import dev.cnidhcp.daemon.lease.Attachment;
import dev.cnidhcp.daemon.lease.Binding;
import dev.cnidhcp.daemon.lease.LeaseKey;
import dev.cnidhcp.daemon.lease.LeaseManager;
import dev.cnidhcp.json.JsonException;
import dev.cnidhcp.wire.WireRequest;
import dev.cnidhcp.wire.WireResponse;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.logging.Logger;

/**
 * Answers one CNI invocation forwarded by the plugin: checks it with the same code the plugin uses,
 * dispatches the command, and turns every failure into the spec's error object with its code.
 */
public final class CniHandler {
    private static final Logger LOG = Logger.getLogger(CniHandler.class.getName());

    private final LeaseManager leases;
    private final ResultRenderer renderer;
    private final HostPaths paths;
    private final Duration addTimeout;

    /**
     * @param addTimeout how long an ADD may wait for a lease before it fails
     */
    public CniHandler(LeaseManager leases, ResultRenderer renderer, HostPaths paths, Duration addTimeout) {
        this.leases = leases;
        this.renderer = renderer;
        this.paths = paths;
        this.addTimeout = addTimeout;
    }

    /** Decodes and answers raw request bytes; never throws. */
    public WireResponse handle(byte[] rawRequest, Peer peer) {
        WireRequest request;
        try {
            request = WireRequest.decode(rawRequest);
        } catch (JsonException e) {
            return error(new CniException(ErrorCode.DECODING_FAILURE, "malformed request to the daemon: "
                    + e.getMessage()), CniVersion.LATEST);
        }
        return handle(request, peer);
    }

    public WireResponse handle(WireRequest wire, Peer peer) {
        String version = CniRequest.versionOf(wire.stdin());
        if ("VERSION".equalsIgnoreCase(wire.env().get("CNI_COMMAND"))) { // as Command.parse, any case
            return new WireResponse(0, CniVersion.versionInfoJson(version));
        }
        try {
            CniRequest request = CniRequest.parse(wire.env(), wire.stdin());
            IpamConfig config = IpamConfig.parse(request.ipam());
            return switch (request.command()) {
                case ADD -> new WireResponse(0, add(request, config));
                case DEL -> {
                    delete(request, peer);
                    yield new WireResponse(0, "");
                }
                case STATUS -> new WireResponse(0, "");
                case CHECK, GC -> throw new CniException(ErrorCode.NOT_IMPLEMENTED,
                        request.command() + " is not implemented yet by this daemon");
                case VERSION -> throw new AssertionError("answered above");
            };
        } catch (CniException e) {
            LOG.info(() -> describe(wire) + ": answered error " + e.code() + ": " + e.getMessage());
            return error(e, version);
        } catch (RuntimeException e) {
            LOG.log(java.util.logging.Level.SEVERE, describe(wire) + ": unexpected failure", e);
            return error(new CniException(ErrorCode.INTERNAL, "internal error in the DHCP daemon: " + e), version);
        }
    }

    private String add(CniRequest request, IpamConfig config) throws CniException {
        LeaseKey key = keyOf(request);
        Path netns = paths.netns(request.netns());
        Attachment attachment = new Attachment(key, netns,
                ClientIdentity.defaultClientId(key.containerId(), key.networkName(), key.ifname()));
        long deadline = System.nanoTime() + addTimeout.toNanos();
        try {
            Binding binding = leases.add(attachment, deadline);
            return renderer.render(binding.lease(), config, request.cniVersion());
        } catch (NoLeaseException e) {
            throw new CniException(ErrorCode.NO_LEASE, "no DHCP lease for " + key + ": " + e.getMessage(),
                    "is a DHCP server reachable from interface " + key.ifname() + " and does its pool have room?");
        } catch (IOException e) {
            throw new CniException(ErrorCode.NETNS_FAILURE, "cannot run DHCP for " + key + " in " + netns + ": "
                    + e.getMessage());
        }
    }

    private void delete(CniRequest request, Peer peer) {
        leases.delete(keyOf(request), paths.netnsOf(peer));
    }

    private static LeaseKey keyOf(CniRequest request) {
        return new LeaseKey(request.containerId(), request.networkName(), request.ifname());
    }

    private static WireResponse error(CniException e, String version) {
        return new WireResponse(1, e.toJson(version));
    }

    private static String describe(WireRequest wire) {
        return wire.env().getOrDefault("CNI_COMMAND", "?") + " container="
                + wire.env().getOrDefault("CNI_CONTAINERID", "") + " ifname=" + wire.env().getOrDefault("CNI_IFNAME", "");
    }
}
