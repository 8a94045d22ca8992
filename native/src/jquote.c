#include "jquote.h"

#include "utf8.h"

int jquote(struct buf *out, const char *text, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *s = (const unsigned char *) text;
    /* Worst case: six bytes per input byte, plus the quotes. */
    if (n > ((size_t) -1 - 2) / 6 || buf_reserve(out, n * 6 + 2) != 0) {
        return -1;
    }
    buf_appendc(out, '"');
    size_t i = 0;
    while (i < n) {
        uint32_t cp;
        i += utf8_next(s + i, n - i, &cp);
        switch (cp) {
        case '"':
            buf_append(out, "\\\"", 2);
            break;
        case '\\':
            buf_append(out, "\\\\", 2);
            break;
        case '\n':
            buf_append(out, "\\n", 2);
            break;
        case '\r':
            buf_append(out, "\\r", 2);
            break;
        case '\t':
            buf_append(out, "\\t", 2);
            break;
        default:
            if (cp < 0x20) {
                char esc[6] = {'\\', 'u', '0', '0', hex[cp >> 4], hex[cp & 0xF]};
                buf_append(out, esc, sizeof esc);
            } else {
                unsigned char enc[4];
                buf_append(out, enc, utf8_put(cp, enc));
            }
        }
    }
    buf_appendc(out, '"');
    return 0;
}
