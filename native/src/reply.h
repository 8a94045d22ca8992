/* reply: the daemon's answer, "<exit code>\n<stdout text>" (WireResponse), checked as the Java side's
 * WireResponse.decode checks it: one to three characters before the first newline, read as a
 * decimal int (an optional sign, then digits) in 0..255. */
#ifndef DHCP_REPLY_H
#define DHCP_REPLY_H

#include <stddef.h>

#include "buf.h"

struct reply {
    int exit_code;
    const char *text;   /* points into the answer */
    size_t text_len;
};

/* Returns 0 and fills r, or -1 for a malformed answer. */
int reply_parse(const char *answer, size_t n, struct reply *r);

/* Appends "malformed answer from the daemon: '<head>'", head being the answer's first 40 UTF-16
 * units followed by "..." when there is more, as the Java side words it. Returns 0 or -1 (memory). */
int reply_describe_malformed(const char *answer, size_t n, struct buf *out);

#endif
