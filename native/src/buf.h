/* buf: a growable byte buffer. Every append checks for overflow and allocation failure; a failed
 * append leaves the buffer unchanged and returns -1. Contents are not NUL-terminated unless
 * buf_cstr() is called. One owner, no sharing. */
#ifndef DHCP_BUF_H
#define DHCP_BUF_H

#include <stddef.h>

struct buf {
    char *data;
    size_t len;
    size_t cap;
};

#define BUF_INIT {NULL, 0, 0}

int buf_reserve(struct buf *b, size_t extra);
int buf_append(struct buf *b, const void *bytes, size_t n);
int buf_appends(struct buf *b, const char *s);
int buf_appendc(struct buf *b, char c);
/* Appends the decimal form of n. */
int buf_appendu(struct buf *b, unsigned long long n);
/* NUL-terminates (not counted in len) and returns data, or NULL when that fails. */
const char *buf_cstr(struct buf *b);
void buf_free(struct buf *b);

#endif
