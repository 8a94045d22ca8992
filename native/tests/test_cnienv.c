#include "check.h"
#include "cnienv.h"

static void keepsOnlyCniVariablesSortedByName(void)
{
    char *envp[] = {"PATH=/usr/bin", "CNI_PATH=/opt/cni/bin", "HOME=/root", "CNI_COMMAND=ADD", "CNI_ARGS=", "CNIX=1",
                    "cni_lower=1", NULL};
    struct cnienv env;
    CHECK(cnienv_collect(envp, &env) == 0);
    CHECK(env.count == 3);
    CHECK_BYTES(env.vars[0].name, env.vars[0].name_len, "CNI_ARGS");
    CHECK_BYTES(env.vars[1].name, env.vars[1].name_len, "CNI_COMMAND");
    CHECK_BYTES(env.vars[2].name, env.vars[2].name_len, "CNI_PATH");
    CHECK(strcmp(env.vars[0].value, "") == 0);
    CHECK(strcmp(cnienv_get(&env, "CNI_COMMAND"), "ADD") == 0);
    CHECK(cnienv_get(&env, "CNI_IFNAME") == NULL);
    CHECK(cnienv_get(&env, "CNI_") == NULL);
    cnienv_free(&env);
}

static void theFirstOfDuplicateNamesWinsAsGetenvReadsIt(void)
{
    char *envp[] = {"CNI_COMMAND=ADD", "CNI_IFNAME=eth0", "CNI_COMMAND=DEL", "CNI_COMMAND=CHECK", NULL};
    struct cnienv env;
    CHECK(cnienv_collect(envp, &env) == 0);
    CHECK(env.count == 2);
    CHECK(strcmp(cnienv_get(&env, "CNI_COMMAND"), "ADD") == 0);
    cnienv_free(&env);
}

static void entriesWithoutEqualsSignAreSkipped(void)
{
    char *envp[] = {"CNI_BROKEN", "CNI_X=a=b", NULL};
    struct cnienv env;
    CHECK(cnienv_collect(envp, &env) == 0);
    CHECK(env.count == 1);
    CHECK(strcmp(cnienv_get(&env, "CNI_X"), "a=b") == 0);
    cnienv_free(&env);
}

static void anEmptyEnvironmentHasNoVariables(void)
{
    char *envp[] = {NULL};
    struct cnienv env;
    CHECK(cnienv_collect(envp, &env) == 0);
    CHECK(env.count == 0 && cnienv_get(&env, "CNI_COMMAND") == NULL);
    cnienv_free(&env);
}

int main(void)
{
    RUN(keepsOnlyCniVariablesSortedByName);
    RUN(theFirstOfDuplicateNamesWinsAsGetenvReadsIt);
    RUN(entriesWithoutEqualsSignAreSkipped);
    RUN(anEmptyEnvironmentHasNoVariables);
    return check_done("cnienv");
}
