#include "check.h"
#include "launch.h"

static void withoutArgumentsItIsACniCall(void)
{
    char *argv[] = {"/opt/cni/bin/dhcp", NULL};
    CHECK(launch_is_cni(1, argv));
    CHECK(launch_is_cni(0, argv));
}

static void anyArgumentMakesItACommandForTheJvm(void)
{
    char *daemon[] = {"dhcp", "daemon", NULL};
    char *leases[] = {"dhcp", "leases", "--json", NULL};
    char *other[] = {"dhcp", "--help", NULL};
    CHECK(!launch_is_cni(2, daemon));
    CHECK(!launch_is_cni(3, leases));
    CHECK(!launch_is_cni(2, other));
}

static void theJvmLauncherIsInTheLibDirectoryBesideBin(void)
{
    struct buf out = BUF_INIT;
    CHECK(launch_jvm_path("/opt/cni-dhcp/bin/dhcp", &out) == 0);
    CHECK_BYTES(out.data, out.len, "/opt/cni-dhcp/bin/../lib/dhcp-jvm");
    CHECK(launch_jvm_path("dhcp", &out) == -1);
    buf_free(&out);
}

int main(void)
{
    RUN(withoutArgumentsItIsACniCall);
    RUN(anyArgumentMakesItACommandForTheJvm);
    RUN(theJvmLauncherIsInTheLibDirectoryBesideBin);
    return check_done("launch");
}
