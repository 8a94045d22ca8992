#include "reply.h"

#include <string.h>

#include "utf8.h"

#define HEAD_UNITS 40

int reply_parse(const char *answer, size_t n, struct reply *r)
{
    const char *nl = memchr(answer, '\n', n < 4 ? n : 4);
    if (nl == NULL || nl == answer) {
        return -1;
    }
    size_t i = 0;
    size_t len = (size_t) (nl - answer);
    int negative = 0;
    if (answer[0] == '+' || answer[0] == '-') {
        negative = answer[0] == '-';
        i = 1;
    }
    if (i == len) {
        return -1;
    }
    int value = 0;
    for (; i < len; i++) {
        if (answer[i] < '0' || answer[i] > '9') {
            return -1;
        }
        value = value * 10 + (answer[i] - '0');
    }
    if (negative) {
        value = -value;
    }
    if (value < 0 || value > 255) {
        return -1;
    }
    r->exit_code = value;
    r->text = nl + 1;
    r->text_len = n - len - 1;
    return 0;
}

int reply_describe_malformed(const char *answer, size_t n, struct buf *out)
{
    if (buf_appends(out, "malformed answer from the daemon: '") != 0) {
        return -1;
    }
    const unsigned char *s = (const unsigned char *) answer;
    size_t units = 0;
    size_t i = 0;
    while (i < n && units < HEAD_UNITS) {
        uint32_t cp;
        size_t used = utf8_next(s + i, n - i, &cp);
        if (cp > 0xFFFF && units + 2 > HEAD_UNITS) {
            /* Java's substring keeps the high surrogate alone, which its UTF-8 encoder writes as '?';
             * the rest of the code point stays unread, so "..." follows. */
            if (buf_appendc(out, '?') != 0) {
                return -1;
            }
            break;
        }
        unsigned char enc[4];
        if (buf_append(out, enc, utf8_put(cp, enc)) != 0) {
            return -1;
        }
        units += cp > 0xFFFF ? 2 : 1;
        i += used;
    }
    int more = i < n;
    if (more && buf_appends(out, "...") != 0) {
        return -1;
    }
    return buf_appendc(out, '\'');
}
