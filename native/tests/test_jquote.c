#include "check.h"
#include "jquote.h"

static void quoted(const char *in, size_t n, const char *want)
{
    struct buf out = BUF_INIT;
    int rc = jquote(&out, in, n);
    int ok = rc == 0 && out.len == strlen(want) && memcmp(out.data, want, out.len) == 0;
    if (!ok) {
        fprintf(stderr, "  quote: got '%.*s' want '%s'\n", (int) out.len, out.data ? out.data : "", want);
        check_failed_now = 1;
    }
    buf_free(&out);
}

static void plainTextIsOnlyQuoted(void)
{
    quoted("abc /x", 6, "\"abc /x\"");
    quoted("", 0, "\"\"");
}

static void quoteBackslashAndNamedControlsAreEscapedByName(void)
{
    quoted("a\"b\\c\nd\re\tf", 11, "\"a\\\"b\\\\c\\nd\\re\\tf\"");
}

static void otherControlCharactersAreLowerCaseUnicodeEscapes(void)
{
    quoted("\x01\x1f\b\f", 4, "\"\\u0001\\u001f\\u0008\\u000c\"");
    quoted("a\0b", 3, "\"a\\u0000b\"");
}

static void delAndNonAsciiPassAsTheyAre(void)
{
    quoted("\x7f\xc3\xa9\xe2\x80\xa8", 6, "\"\x7f\xc3\xa9\xe2\x80\xa8\"");
}

static void invalidUtf8BecomesReplacementCharactersAsInJava(void)
{
    quoted("a\xff" "b\xe2\x82", 5, "\"a\xef\xbf\xbd" "b\xef\xbf\xbd\"");
}

int main(void)
{
    RUN(plainTextIsOnlyQuoted);
    RUN(quoteBackslashAndNamedControlsAreEscapedByName);
    RUN(otherControlCharactersAreLowerCaseUnicodeEscapes);
    RUN(delAndNonAsciiPassAsTheyAre);
    RUN(invalidUtf8BecomesReplacementCharactersAsInJava);
    return check_done("jquote");
}
