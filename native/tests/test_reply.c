#include "check.h"
#include "reply.h"

static struct reply r;

static int parse(const char *answer)
{
    return reply_parse(answer, strlen(answer), &r);
}

static void exitCodeNewlineText(void)
{
    CHECK(parse("0\n{\"cniVersion\":\"1.0.0\"}") == 0);
    CHECK(r.exit_code == 0);
    CHECK_BYTES(r.text, r.text_len, "{\"cniVersion\":\"1.0.0\"}");
    CHECK(parse("1\n") == 0 && r.exit_code == 1 && r.text_len == 0);
    CHECK(parse("255\nx\ny") == 0 && r.exit_code == 255);
    CHECK_BYTES(r.text, r.text_len, "x\ny");
}

static void aSignIsAcceptedAsIntegerParseIntAcceptsIt(void)
{
    CHECK(parse("+1\n") == 0 && r.exit_code == 1);
    CHECK(parse("-0\n") == 0 && r.exit_code == 0);
    CHECK(parse("007\n") == 0 && r.exit_code == 7);
}

static void malformedAnswersAreRefused(void)
{
    const char *bad[] = {"", "\n", "garbage", "0", "256\n", "-1\n", "1000\n", "+\n", "1 \n", "x\n", " 1\n", "0x1\n"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        CHECK(parse(bad[i]) != 0);
    }
}

static void describe(const char *answer, size_t n, const char *want)
{
    struct buf out = BUF_INIT;
    reply_describe_malformed(answer, n, &out);
    int ok = out.len == strlen(want) && memcmp(out.data, want, out.len) == 0;
    if (!ok) {
        fprintf(stderr, "  got '%.*s'\n  want '%s'\n", (int) out.len, out.data, want);
        check_failed_now = 1;
    }
    buf_free(&out);
}

static void theMalformedMessageQuotesTheFirstFortyCharacters(void)
{
    describe("garbage", 7, "malformed answer from the daemon: 'garbage'");
    describe("", 0, "malformed answer from the daemon: ''");
    describe("0123456789012345678901234567890123456789", 40,
             "malformed answer from the daemon: '0123456789012345678901234567890123456789'");
    describe("0123456789012345678901234567890123456789X", 41,
             "malformed answer from the daemon: '0123456789012345678901234567890123456789...'");
}

static void charactersAreCountedInUtf16UnitsAsJavaCountsThem(void)
{
    /* 38 ASCII + e-acute (1 unit) + an emoji (2 units) = 41 units: the emoji is cut in half */
    describe("01234567890123456789012345678901234567\xc3\xa9\xf0\x9f\x98\x80", 44,
             "malformed answer from the daemon: '01234567890123456789012345678901234567\xc3\xa9?...'");
    /* 38 ASCII + an emoji = 40 units exactly */
    describe("01234567890123456789012345678901234567\xf0\x9f\x98\x80", 42,
             "malformed answer from the daemon: '01234567890123456789012345678901234567\xf0\x9f\x98\x80'");
    describe("\xff\xfe", 2, "malformed answer from the daemon: '\xef\xbf\xbd\xef\xbf\xbd'");
}

int main(void)
{
    RUN(exitCodeNewlineText);
    RUN(aSignIsAcceptedAsIntegerParseIntAcceptsIt);
    RUN(malformedAnswersAreRefused);
    RUN(theMalformedMessageQuotesTheFirstFortyCharacters);
    RUN(charactersAreCountedInUtf16UnitsAsJavaCountsThem);
    return check_done("reply");
}
