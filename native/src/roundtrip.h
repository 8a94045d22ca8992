/* roundtrip: one request to the daemon over its Unix socket within a deadline, as the Java side's
 * DaemonClient did it: connect, write the request, shut the write side (the daemon reads to EOF),
 * read the answer to EOF. The deadline covers all of it; connect waits when the daemon's backlog is
 * full, and every wait after it is a poll(2) with the time that is left. */
#ifndef DHCP_ROUNDTRIP_H
#define DHCP_ROUNDTRIP_H

#include <stddef.h>

#include "buf.h"

/* Answers larger than this are not read further (the daemon's largest, a GC or STATUS, is far less). */
#define ROUNDTRIP_MAX_ANSWER (16u << 20)

enum roundtrip_status {
    ROUNDTRIP_OK,
    ROUNDTRIP_DEADLINE,  /* no complete answer within the deadline */
    ROUNDTRIP_FAILED     /* cannot reach the daemon: why holds the reason */
};

/*
 * Sends request[0..n) to the socket at path (path_len bytes, may hold a NUL, which is an error) and
 * reads the answer into answer. why receives a reason on ROUNDTRIP_FAILED. deadline_ms > 0.
 */
enum roundtrip_status roundtrip(const char *path, size_t path_len, const char *request, size_t n,
                                long long deadline_ms, struct buf *answer, struct buf *why);

#endif
