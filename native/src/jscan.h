/* jscan: reads from the network configuration only what the forwarder needs, the string values of
 * the top-level "cniVersion" and of "ipam"."daemonSocketPath", while checking that the whole text is
 * one JSON object as strictly as the daemon's reader (MiniJson) does: same grammar, same whitespace,
 * same nesting limit (64), later duplicate keys win. Nothing else of the configuration is kept. */
#ifndef DHCP_JSCAN_H
#define DHCP_JSCAN_H

#include "buf.h"

enum jscan_kind {
    JSCAN_ABSENT,  /* no such key (or a JSON null, which the Java side reads the same way) */
    JSCAN_STRING,  /* a string: text holds it decoded, as UTF-8 */
    JSCAN_OTHER    /* a number, boolean, array or object */
};

struct jscan_value {
    enum jscan_kind kind;
    struct buf text;
};

struct jscan_result {
    int object;                   /* 1 when the text is one valid JSON object, else 0 (values ABSENT) */
    struct jscan_value version;   /* the top-level "cniVersion" */
    struct jscan_value socket;    /* "daemonSocketPath" of the top-level "ipam", when that is an object */
};

/* Scans text[0..n). Returns 0, or -1 when memory ran out (result then unusable). Call
 * jscan_free on the result either way. */
int jscan(const char *text, size_t n, struct jscan_result *result);
void jscan_free(struct jscan_result *result);

#endif
