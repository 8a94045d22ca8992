/* request: the wire request to the daemon, {"env":{CNI_*...},"stdin":"..."}, byte for byte as the
 * Java side's WireRequest.encode writes it (docs/wire-protocol.md). */
#ifndef DHCP_REQUEST_H
#define DHCP_REQUEST_H

#include "buf.h"
#include "cnienv.h"

/* The daemon refuses larger requests (WireRequest.MAX_BYTES); the forwarder does not send them. */
#define REQUEST_MAX_BYTES (2u << 20)

/* Encodes env and the raw stdin into out (appending). Returns 0, or -1 when memory ran out. */
int request_encode(const struct cnienv *env, const char *stdin_text, size_t stdin_len, struct buf *out);

#endif
