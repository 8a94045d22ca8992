#include "check.h"
#include "utf8.h"

static uint32_t first(const char *s, size_t n, size_t *used)
{
    uint32_t cp;
    *used = utf8_next((const unsigned char *) s, n, &cp);
    return cp;
}

static void asciiIsOneByte(void)
{
    size_t used;
    CHECK(first("A", 1, &used) == 'A' && used == 1);
}

static void wellFormedSequencesDecode(void)
{
    size_t used;
    CHECK(first("\xc3\xa9", 2, &used) == 0xE9 && used == 2);
    CHECK(first("\xe2\x82\xac", 3, &used) == 0x20AC && used == 3);
    CHECK(first("\xf0\x9f\x98\x80", 4, &used) == 0x1F600 && used == 4);
}

static void eachMaximalIllFormedSubpartIsOneReplacement(void)
{
    size_t used;
    CHECK(first("\x80", 1, &used) == UTF8_REPLACEMENT && used == 1);          /* lone continuation */
    CHECK(first("\xc0\xaf", 2, &used) == UTF8_REPLACEMENT && used == 1);      /* overlong lead */
    CHECK(first("\xe0\x80\x80", 3, &used) == UTF8_REPLACEMENT && used == 1);  /* overlong 3-byte */
    CHECK(first("\xed\xa0\x80", 3, &used) == UTF8_REPLACEMENT && used == 1);  /* a surrogate */
    CHECK(first("\xe2\x82", 2, &used) == UTF8_REPLACEMENT && used == 2);      /* truncated: one subpart */
    CHECK(first("\xe2\x82" "A", 3, &used) == UTF8_REPLACEMENT && used == 2);
    CHECK(first("\xf4\x90\x80\x80", 4, &used) == UTF8_REPLACEMENT && used == 1); /* above U+10FFFF */
    CHECK(first("\xff", 1, &used) == UTF8_REPLACEMENT && used == 1);
}

static void putWritesTheShortestForm(void)
{
    unsigned char out[4];
    CHECK(utf8_put(0x41, out) == 1 && out[0] == 0x41);
    CHECK(utf8_put(0xFFFD, out) == 3 && out[0] == 0xEF && out[1] == 0xBF && out[2] == 0xBD);
    CHECK(utf8_put(0x10FFFF, out) == 4 && out[0] == 0xF4 && out[3] == 0xBF);
}

int main(void)
{
    RUN(asciiIsOneByte);
    RUN(wellFormedSequencesDecode);
    RUN(eachMaximalIllFormedSubpartIsOneReplacement);
    RUN(putWritesTheShortestForm);
    return check_done("utf8");
}
