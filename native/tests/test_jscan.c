#include "check.h"
#include "jscan.h"

static struct jscan_result scanned;

static int scan(const char *text)
{
    jscan_free(&scanned);
    return jscan(text, strlen(text), &scanned);
}

#define CHECK_STRING(value, want) \
    do { \
        CHECK((value).kind == JSCAN_STRING); \
        CHECK_BYTES((value).text.data, (value).text.len, want); \
    } while (0)

static void findsVersionAndSocketPath(void)
{
    CHECK(scan("{\"cniVersion\":\"1.0.0\",\"name\":\"n\",\"ipam\":{\"type\":\"dhcp\",\"daemonSocketPath\":\"/run/x.sock\"}}") == 0);
    CHECK(scanned.object);
    CHECK_STRING(scanned.version, "1.0.0");
    CHECK_STRING(scanned.socket, "/run/x.sock");
}

static void absentKeysAreAbsent(void)
{
    CHECK(scan(" {\"name\":\"n\",\"ipam\":{}} \n") == 0);
    CHECK(scanned.object);
    CHECK(scanned.version.kind == JSCAN_ABSENT);
    CHECK(scanned.socket.kind == JSCAN_ABSENT);
}

static void nullReadsAsAbsentAndOtherTypesAsOther(void)
{
    CHECK(scan("{\"cniVersion\":null,\"ipam\":{\"daemonSocketPath\":null}}") == 0);
    CHECK(scanned.version.kind == JSCAN_ABSENT && scanned.socket.kind == JSCAN_ABSENT);
    CHECK(scan("{\"cniVersion\":1.0,\"ipam\":{\"daemonSocketPath\":[\"/a\"]}}") == 0);
    CHECK(scanned.version.kind == JSCAN_OTHER && scanned.socket.kind == JSCAN_OTHER);
}

static void onlyTheTopLevelKeysCount(void)
{
    CHECK(scan("{\"x\":{\"cniVersion\":\"0.3.1\",\"ipam\":{\"daemonSocketPath\":\"/a\"}},"
               "\"ipam\":{\"y\":{\"daemonSocketPath\":\"/b\"}}}") == 0);
    CHECK(scanned.object);
    CHECK(scanned.version.kind == JSCAN_ABSENT);
    CHECK(scanned.socket.kind == JSCAN_ABSENT);
}

static void theLastDuplicateWinsAndALaterIpamReplacesAnEarlierOne(void)
{
    CHECK(scan("{\"cniVersion\":\"0.3.1\",\"cniVersion\":\"0.4.0\",\"ipam\":{\"daemonSocketPath\":\"/a\"},\"ipam\":{}}") == 0);
    CHECK_STRING(scanned.version, "0.4.0");
    CHECK(scanned.socket.kind == JSCAN_ABSENT);
    CHECK(scan("{\"ipam\":{\"daemonSocketPath\":\"/a\"},\"ipam\":5}") == 0);
    CHECK(scanned.socket.kind == JSCAN_ABSENT);
    CHECK(scan("{\"ipam\":{\"daemonSocketPath\":\"/a\",\"daemonSocketPath\":\"/b\"}}") == 0);
    CHECK_STRING(scanned.socket, "/b");
}

static void escapesInKeysAndValuesAreDecoded(void)
{
    CHECK(scan("{\"cniVers\\u0069on\":\"1.1.0\",\"ipam\":{\"daemonSocketPath\":\"\\/run\\/a\\u00e9\\ud83d\\ude00\\n\"}}") == 0);
    CHECK_STRING(scanned.version, "1.1.0");
    CHECK_STRING(scanned.socket, "/run/a\xc3\xa9\xf0\x9f\x98\x80\n");
}

static void aLoneSurrogateEscapeIsAQuestionMarkAsJavaEncodesIt(void)
{
    CHECK(scan("{\"ipam\":{\"daemonSocketPath\":\"/a\\ud800b\\udc00\"}}") == 0);
    CHECK_STRING(scanned.socket, "/a?b?");
}

static void aNulEscapeIsKept(void)
{
    CHECK(scan("{\"ipam\":{\"daemonSocketPath\":\"/a\\u0000b\"}}") == 0);
    CHECK(scanned.socket.kind == JSCAN_STRING && scanned.socket.text.len == 4);
    CHECK(memcmp(scanned.socket.text.data, "/a\0b", 4) == 0);
}

static void notAnObjectFindsNothing(void)
{
    const char *texts[] = {"", "   ", "[]", "\"x\"", "1", "null", "{\"cniVersion\":\"1.0.0\"} x",
                           "{\"cniVersion\":\"1.0.0\",", "{\"cniVersion\":\"1.0.0\",}", "{\"a\":01}",
                           "{\"a\":1.}", "{\"a\":-}", "{\"a\":1e}", "{\"a\":tru}", "{\"a\":\"\x01\"}",
                           "{\"a\":\"\\x\"}", "{\"a\":\"\\u12g4\"}", "{\"a\":\"\\u12\"}", "{a:1}",
                           "{\"a\" 1}", "{\"a\":[1,]}", "{\"a\":[1 2]}", "\xef\xbb\xbf{}", "{\"a\":1-2}",
                           "{\"a\":+1}", "{\f}"};
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        CHECK(scan(texts[i]) == 0);
        if (scanned.object) {
            fprintf(stderr, "  accepted: %s\n", texts[i]);
        }
        CHECK(!scanned.object);
    }
}

static void validOdditiesAreAccepted(void)
{
    const char *texts[] = {"{}", "{\"a\":-0.5e+10,\"b\":[true,false,null,{}],\"c\":\"\\b\\f\\\\\\\"\"}",
                           "\t{\r\n\"a\" : [ ] }\n", "{\"a\":\"\xff\xfe\"}", "{\"a\":1E5}"};
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        CHECK(scan(texts[i]) == 0);
        CHECK(scanned.object);
    }
}

static void nestingIsLimitedToSixtyFourLevelsAsMiniJsonLimitsIt(void)
{
    char text[300];
    /* root object (depth 0) holding 64 nested arrays: the innermost is depth 64, allowed */
    size_t n = 0;
    n += (size_t) sprintf(text + n, "{\"a\":");
    for (int i = 0; i < 64; i++) {
        text[n++] = '[';
    }
    for (int i = 0; i < 64; i++) {
        text[n++] = ']';
    }
    text[n++] = '}';
    text[n] = '\0';
    CHECK(scan(text) == 0);
    CHECK(scanned.object);
    n = 0;
    n += (size_t) sprintf(text + n, "{\"a\":");
    for (int i = 0; i < 65; i++) {
        text[n++] = '[';
    }
    for (int i = 0; i < 65; i++) {
        text[n++] = ']';
    }
    text[n++] = '}';
    text[n] = '\0';
    CHECK(scan(text) == 0);
    CHECK(!scanned.object);
}

int main(void)
{
    RUN(findsVersionAndSocketPath);
    RUN(absentKeysAreAbsent);
    RUN(nullReadsAsAbsentAndOtherTypesAsOther);
    RUN(onlyTheTopLevelKeysCount);
    RUN(theLastDuplicateWinsAndALaterIpamReplacesAnEarlierOne);
    RUN(escapesInKeysAndValuesAreDecoded);
    RUN(aLoneSurrogateEscapeIsAQuestionMarkAsJavaEncodesIt);
    RUN(aNulEscapeIsKept);
    RUN(notAnObjectFindsNothing);
    RUN(validOdditiesAreAccepted);
    RUN(nestingIsLimitedToSixtyFourLevelsAsMiniJsonLimitsIt);
    jscan_free(&scanned);
    return check_done("jscan");
}
