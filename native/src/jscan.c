#include "jscan.h"

#include <string.h>

#include "utf8.h"

#define MAX_DEPTH 64

struct scanner {
    const unsigned char *s;
    size_t n;
    size_t pos;
};

/* The raw content of a string literal, between its quotes, escapes undecoded. */
struct span {
    size_t start;
    size_t end;
};

static void skip_ws(struct scanner *sc)
{
    while (sc->pos < sc->n) {
        unsigned char c = sc->s[sc->pos];
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
            return;
        }
        sc->pos++;
    }
}

static int hexval(unsigned char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

/* The \uXXXX escape at s[i] (s[i] == 'u'), already validated. */
static uint32_t hex4(const unsigned char *s, size_t i)
{
    return (uint32_t) (hexval(s[i + 1]) << 12 | hexval(s[i + 2]) << 8 | hexval(s[i + 3]) << 4 | hexval(s[i + 4]));
}

/* Validates a string literal at pos (the opening quote) and records its content span. */
static int scan_string(struct scanner *sc, struct span *span)
{
    sc->pos++;
    span->start = sc->pos;
    while (sc->pos < sc->n) {
        unsigned char c = sc->s[sc->pos];
        if (c == '"') {
            span->end = sc->pos++;
            return 0;
        }
        if (c < 0x20) {
            return -1;
        }
        if (c != '\\') {
            sc->pos++;
            continue;
        }
        if (sc->pos + 1 >= sc->n) {
            return -1;
        }
        unsigned char e = sc->s[sc->pos + 1];
        if (e == 'u') {
            if (sc->pos + 6 > sc->n) {
                return -1;
            }
            for (size_t k = 2; k < 6; k++) {
                if (hexval(sc->s[sc->pos + k]) < 0) {
                    return -1;
                }
            }
            sc->pos += 6;
        } else if (strchr("\"\\/bfnrt", e) != NULL && e != '\0') {
            sc->pos += 2;
        } else {
            return -1;
        }
    }
    return -1;
}

/*
 * The next decoded element of a validated string span, as UTF-8 into out[4]; advances *i. A
 * surrogate pair of escapes is one code point; a lone surrogate becomes '?', as Java's UTF-8
 * encoder writes it.
 */
static size_t next_decoded(const unsigned char *s, size_t end, size_t *i, unsigned char out[4])
{
    unsigned char c = s[*i];
    if (c != '\\') {
        out[0] = c;
        (*i)++;
        return 1;
    }
    unsigned char e = s[*i + 1];
    if (e != 'u') {
        static const char from[] = "\"\\/bfnrt";
        static const char to[] = "\"\\/\b\f\n\r\t";
        out[0] = (unsigned char) to[strchr(from, e) - from];
        *i += 2;
        return 1;
    }
    uint32_t unit = hex4(s, *i + 1);
    *i += 6;
    if (unit >= 0xD800 && unit <= 0xDBFF && *i + 6 <= end && s[*i] == '\\' && s[*i + 1] == 'u') {
        uint32_t low = hex4(s, *i + 1);
        if (low >= 0xDC00 && low <= 0xDFFF) {
            *i += 6;
            return utf8_put(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00), out);
        }
    }
    if (unit >= 0xD800 && unit <= 0xDFFF) {
        out[0] = '?';
        return 1;
    }
    return utf8_put(unit, out);
}

static int decode_into(const struct scanner *sc, struct span span, struct buf *out)
{
    out->len = 0;
    if (buf_reserve(out, span.end - span.start) != 0) { /* decoding never grows the text */
        return -1;
    }
    size_t i = span.start;
    while (i < span.end) {
        unsigned char enc[4];
        size_t len = next_decoded(sc->s, span.end, &i, enc);
        buf_append(out, enc, len);
    }
    return 0;
}

static int key_is(const struct scanner *sc, struct span span, const char *want)
{
    size_t i = span.start;
    size_t w = 0;
    size_t wlen = strlen(want);
    while (i < span.end) {
        unsigned char enc[4];
        size_t len = next_decoded(sc->s, span.end, &i, enc);
        if (w + len > wlen || memcmp(want + w, enc, len) != 0) {
            return 0;
        }
        w += len;
    }
    return w == wlen;
}

/* RFC 8259 numbers, scanned as MiniJson does: the longest run of number characters must be one. */
static int scan_number(struct scanner *sc)
{
    size_t start = sc->pos;
    while (sc->pos < sc->n && sc->s[sc->pos] != '\0' && strchr("+-.eE0123456789", sc->s[sc->pos]) != NULL) {
        sc->pos++;
    }
    const unsigned char *s = sc->s;
    size_t i = start;
    size_t end = sc->pos;
    if (i < end && s[i] == '-') {
        i++;
    }
    if (i < end && s[i] == '0') {
        i++;
    } else {
        size_t d = i;
        while (i < end && s[i] >= '0' && s[i] <= '9') {
            i++;
        }
        if (i == d) {
            return -1;
        }
    }
    if (i < end && s[i] == '.') {
        size_t d = ++i;
        while (i < end && s[i] >= '0' && s[i] <= '9') {
            i++;
        }
        if (i == d) {
            return -1;
        }
    }
    if (i < end && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < end && (s[i] == '+' || s[i] == '-')) {
            i++;
        }
        size_t d = i;
        while (i < end && s[i] >= '0' && s[i] <= '9') {
            i++;
        }
        if (i == d) {
            return -1;
        }
    }
    return i == end ? 0 : -1;
}

static int scan_word(struct scanner *sc, const char *word)
{
    size_t len = strlen(word);
    if (sc->n - sc->pos < len || memcmp(sc->s + sc->pos, word, len) != 0) {
        return -1;
    }
    sc->pos += len;
    return 0;
}

/* What the scan saw of one value. */
struct value_seen {
    enum jscan_kind kind;
    struct span string;  /* when kind == JSCAN_STRING */
};

struct object_visitor;
static int scan_value(struct scanner *sc, int depth, struct value_seen *seen, const struct object_visitor *visit);

/* Told about the members of one object while it is scanned. */
struct object_visitor {
    /* Before a member's value: whether to report it to value(), and the visitor for it (or NULL). */
    int (*member)(void *ctx, const struct scanner *sc, struct span key, const struct object_visitor **nested);
    void (*value)(void *ctx, const struct value_seen *seen);
    void *ctx;
};

static int scan_object(struct scanner *sc, int depth, const struct object_visitor *visit)
{
    sc->pos++; /* '{' */
    skip_ws(sc);
    if (sc->pos < sc->n && sc->s[sc->pos] == '}') {
        sc->pos++;
        return 0;
    }
    for (;;) {
        skip_ws(sc);
        if (sc->pos >= sc->n || sc->s[sc->pos] != '"') {
            return -1;
        }
        struct span key;
        if (scan_string(sc, &key) != 0) {
            return -1;
        }
        skip_ws(sc);
        if (sc->pos >= sc->n || sc->s[sc->pos] != ':') {
            return -1;
        }
        sc->pos++;
        skip_ws(sc);
        struct value_seen seen;
        const struct object_visitor *nested = NULL;
        int report = visit != NULL && visit->member(visit->ctx, sc, key, &nested);
        if (scan_value(sc, depth + 1, &seen, nested) != 0) {
            return -1;
        }
        if (report) {
            visit->value(visit->ctx, &seen);
        }
        skip_ws(sc);
        if (sc->pos >= sc->n) {
            return -1;
        }
        unsigned char c = sc->s[sc->pos++];
        if (c == '}') {
            return 0;
        }
        if (c != ',') {
            return -1;
        }
    }
}

static int scan_array(struct scanner *sc, int depth)
{
    sc->pos++; /* '[' */
    skip_ws(sc);
    if (sc->pos < sc->n && sc->s[sc->pos] == ']') {
        sc->pos++;
        return 0;
    }
    for (;;) {
        skip_ws(sc);
        struct value_seen seen;
        if (scan_value(sc, depth + 1, &seen, NULL) != 0) {
            return -1;
        }
        skip_ws(sc);
        if (sc->pos >= sc->n) {
            return -1;
        }
        unsigned char c = sc->s[sc->pos++];
        if (c == ']') {
            return 0;
        }
        if (c != ',') {
            return -1;
        }
    }
}

static int scan_value(struct scanner *sc, int depth, struct value_seen *seen, const struct object_visitor *visit)
{
    seen->kind = JSCAN_OTHER;
    seen->string.start = 0;
    seen->string.end = 0;
    if (depth > MAX_DEPTH || sc->pos >= sc->n) {
        return -1;
    }
    unsigned char c = sc->s[sc->pos];
    switch (c) {
    case '{':
        return scan_object(sc, depth, visit);
    case '[':
        return scan_array(sc, depth);
    case '"':
        seen->kind = JSCAN_STRING;
        return scan_string(sc, &seen->string);
    case 't':
        return scan_word(sc, "true");
    case 'f':
        return scan_word(sc, "false");
    case 'n':
        seen->kind = JSCAN_ABSENT; /* read as absent by the Java side (Map.get returns null) */
        return scan_word(sc, "null");
    default:
        if (c == '-' || (c >= '0' && c <= '9')) {
            return scan_number(sc);
        }
        return -1;
    }
}

/* Spans found during the scan; decoded only once the whole text is known to be valid. */
struct found {
    struct value_seen version;
    struct value_seen socket;
    struct object_visitor ipam;
};

static int ipam_member(void *ctx, const struct scanner *sc, struct span key, const struct object_visitor **nested)
{
    (void) ctx;
    *nested = NULL;
    return key_is(sc, key, "daemonSocketPath");
}

static void ipam_value(void *ctx, const struct value_seen *seen)
{
    struct found *f = ctx;
    f->socket = *seen;
}

static int top_member(void *ctx, const struct scanner *sc, struct span key, const struct object_visitor **nested)
{
    struct found *f = ctx;
    *nested = NULL;
    if (key_is(sc, key, "cniVersion")) {
        return 1;
    }
    if (key_is(sc, key, "ipam")) {
        f->socket.kind = JSCAN_ABSENT; /* a later "ipam" replaces an earlier one entirely */
        *nested = &f->ipam;
    }
    return 0;
}

static void top_value(void *ctx, const struct value_seen *seen)
{
    struct found *f = ctx;
    f->version = *seen;
}

int jscan(const char *text, size_t n, struct jscan_result *result)
{
    memset(result, 0, sizeof *result);
    struct scanner sc = {(const unsigned char *) text, n, 0};
    struct found f;
    memset(&f, 0, sizeof f);
    f.version.kind = JSCAN_ABSENT;
    f.socket.kind = JSCAN_ABSENT;
    f.ipam = (struct object_visitor) {ipam_member, ipam_value, &f};
    struct object_visitor top = {top_member, top_value, &f};
    skip_ws(&sc);
    if (sc.pos >= sc.n || sc.s[sc.pos] != '{') {
        return 0; /* not an object (or not JSON): nothing found */
    }
    if (scan_object(&sc, 0, &top) != 0) {
        return 0;
    }
    skip_ws(&sc);
    if (sc.pos != sc.n) {
        return 0;
    }
    result->object = 1;
    result->version.kind = f.version.kind;
    result->socket.kind = f.socket.kind;
    if (f.version.kind == JSCAN_STRING && decode_into(&sc, f.version.string, &result->version.text) != 0) {
        return -1;
    }
    if (f.socket.kind == JSCAN_STRING && decode_into(&sc, f.socket.string, &result->socket.text) != 0) {
        return -1;
    }
    return 0;
}

void jscan_free(struct jscan_result *result)
{
    buf_free(&result->version.text);
    buf_free(&result->socket.text);
}
