#include "check.h"
#include "cni.h"

static void versionInfoListsTheSevenVersions(void)
{
    struct buf out = BUF_INIT;
    CHECK(cni_version_info(&out, "0.4.0") == 0);
    CHECK_BYTES(out.data, out.len, "{\"cniVersion\":\"0.4.0\",\"supportedVersions\":"
                "[\"0.1.0\",\"0.2.0\",\"0.3.0\",\"0.3.1\",\"0.4.0\",\"1.0.0\",\"1.1.0\"]}");
    buf_free(&out);
}

static void errorJsonCarriesVersionCodeMessageAndDetails(void)
{
    struct buf out = BUF_INIT;
    CHECK(cni_error_json(&out, "1.0.0", 11, "can't \"x\"", 9, "d\n", 2) == 0);
    CHECK_BYTES(out.data, out.len, "{\"cniVersion\":\"1.0.0\",\"code\":11,\"msg\":\"can't \\\"x\\\"\",\"details\":\"d\\n\"}");
    out.len = 0;
    CHECK(cni_error_json(&out, "1.1.0", 7, "m", 1, "", 0) == 0);
    CHECK_BYTES(out.data, out.len, "{\"cniVersion\":\"1.1.0\",\"code\":7,\"msg\":\"m\"}");
    buf_free(&out);
}

static const char *version_of(const char *config, const char *when_absent)
{
    struct jscan_result r;
    jscan(config, strlen(config), &r);
    const char *v = cni_version_of(&r, when_absent);
    jscan_free(&r);
    return v;
}

static void theVersionOfAConfigIsItsSupportedCniVersion(void)
{
    CHECK(strcmp(version_of("{\"cniVersion\":\"0.3.1\"}", CNI_IMPLIED), "0.3.1") == 0);
    CHECK(strcmp(version_of("{}", CNI_IMPLIED), "0.1.0") == 0);
    CHECK(strcmp(version_of("{}", CNI_LATEST), "1.1.0") == 0);
    CHECK(strcmp(version_of("{\"cniVersion\":null}", CNI_IMPLIED), "0.1.0") == 0);
    CHECK(strcmp(version_of("{\"cniVersion\":\"9.9.9\"}", CNI_IMPLIED), "1.1.0") == 0);
    CHECK(strcmp(version_of("{\"cniVersion\":1}", CNI_IMPLIED), "1.1.0") == 0);
    CHECK(strcmp(version_of("{\"cniVersion\":\"1.0.0\",", CNI_IMPLIED), "1.1.0") == 0);
    CHECK(strcmp(version_of("", CNI_IMPLIED), "1.1.0") == 0);
}

static long deadline(const char *value)
{
    long s = -7;
    return cni_deadline_seconds(value, &s) == 0 ? s : -1;
}

static void theDeadlineIs240SecondsUnlessTheVariableSetsIt(void)
{
    CHECK(deadline(NULL) == 240);
    CHECK(deadline("") == 240);
    CHECK(deadline("600") == 600);
    CHECK(deadline(" 1\t") == 1);
    CHECK(deadline("+86400") == 86400);
    CHECK(deadline("0007") == 7);
}

static void aDeadlineThatIsNoNumberOfSecondsInRangeIsRefused(void)
{
    const char *bad[] = {"4m", "0", "-5", "86401", " ", "+", "1.5", "99999999999999999999999", "1 2", "0x10"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        CHECK(deadline(bad[i]) == -1);
    }
}

static void commandsCompareInAnyCase(void)
{
    CHECK(cni_command_is("VERSION", "VERSION"));
    CHECK(cni_command_is("version", "VERSION"));
    CHECK(cni_command_is("Status", "STATUS"));
    CHECK(!cni_command_is("VERSIONS", "VERSION"));
    CHECK(!cni_command_is(NULL, "VERSION"));
    CHECK(!cni_command_is("", "VERSION"));
}

int main(void)
{
    RUN(versionInfoListsTheSevenVersions);
    RUN(errorJsonCarriesVersionCodeMessageAndDetails);
    RUN(theVersionOfAConfigIsItsSupportedCniVersion);
    RUN(theDeadlineIs240SecondsUnlessTheVariableSetsIt);
    RUN(aDeadlineThatIsNoNumberOfSecondsInRangeIsRefused);
    RUN(commandsCompareInAnyCase);
    return check_done("cni");
}
