package dev.cnidhcp.daemon.cni;

import dev.cnidhcp.cni.CniException;
import dev.cnidhcp.cni.CniVersion;
import dev.cnidhcp.cni.ErrorCode;
import dev.cnidhcp.json.JsonException;
import dev.cnidhcp.wire.WireRequest;
import dev.cnidhcp.wire.WireResponse;

/**
 * What the socket server asks of the request layer ({@link CniHandler} in the daemon): one answer
 * for each request read whole from the socket. Called on the server's request threads, several at
 * once; never throws.
 */
@FunctionalInterface
public interface RequestHandler {
    Answer answer(WireRequest request, Peer peer);

    /**
     * As {@link #answer(WireRequest, Peer)} for a request whose connection was accepted at
     * {@code receivedNanos} ({@code System.nanoTime}): deadlines count from then, not from when a
     * thread took the request up.
     */
    default Answer answer(WireRequest request, Peer peer, long receivedNanos) {
        return answer(request, peer);
    }

    /** The answer to bytes that do not decode as a request. */
    default Answer undecodable(JsonException e) {
        return Answer.of(new WireResponse(1, new CniException(ErrorCode.DECODING_FAILURE,
                "malformed request to the daemon: " + e.getMessage()).toJson(CniVersion.LATEST)));
    }
}
