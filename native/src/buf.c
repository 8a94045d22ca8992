#include "buf.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int buf_reserve(struct buf *b, size_t extra)
{
    if (extra > SIZE_MAX - b->len - 1) {
        return -1;
    }
    size_t need = b->len + extra + 1; /* room for buf_cstr's NUL */
    if (need <= b->cap) {
        return 0;
    }
    size_t cap = b->cap < 64 ? 64 : b->cap;
    while (cap < need) {
        cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    }
    char *grown = realloc(b->data, cap);
    if (grown == NULL) {
        return -1;
    }
    b->data = grown;
    b->cap = cap;
    return 0;
}

int buf_append(struct buf *b, const void *bytes, size_t n)
{
    if (n == 0) {
        return 0;
    }
    if (buf_reserve(b, n) != 0) {
        return -1;
    }
    memcpy(b->data + b->len, bytes, n);
    b->len += n;
    return 0;
}

int buf_appends(struct buf *b, const char *s)
{
    return buf_append(b, s, strlen(s));
}

int buf_appendc(struct buf *b, char c)
{
    return buf_append(b, &c, 1);
}

int buf_appendu(struct buf *b, unsigned long long n)
{
    char digits[24];
    size_t i = sizeof digits;
    do {
        digits[--i] = (char) ('0' + n % 10);
        n /= 10;
    } while (n != 0);
    return buf_append(b, digits + i, sizeof digits - i);
}

const char *buf_cstr(struct buf *b)
{
    if (buf_reserve(b, 0) != 0) {
        return NULL;
    }
    b->data[b->len] = '\0';
    return b->data;
}

void buf_free(struct buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
}
