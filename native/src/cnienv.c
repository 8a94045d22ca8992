#include "cnienv.h"

#include <stdlib.h>
#include <string.h>

static int by_name(const void *a, const void *b)
{
    const struct cnienv_var *x = a;
    const struct cnienv_var *y = b;
    size_t n = x->name_len < y->name_len ? x->name_len : y->name_len;
    int c = memcmp(x->name, y->name, n);
    if (c != 0) {
        return c;
    }
    return x->name_len < y->name_len ? -1 : x->name_len > y->name_len;
}

/* By name, then by place in the environment: the first of equal names sorts first. */
static int by_name_then_place(const void *a, const void *b)
{
    int c = by_name(a, b);
    if (c != 0) {
        return c;
    }
    const struct cnienv_var *x = a;
    const struct cnienv_var *y = b;
    return x->place < y->place ? -1 : x->place > y->place;
}

int cnienv_collect(char *const *envp, struct cnienv *out)
{
    out->vars = NULL;
    out->count = 0;
    size_t candidates = 0;
    for (size_t i = 0; envp[i] != NULL; i++) {
        candidates += strncmp(envp[i], "CNI_", 4) == 0;
    }
    if (candidates == 0) {
        return 0;
    }
    struct cnienv_var *vars = calloc(candidates, sizeof *vars);
    if (vars == NULL) {
        return -1;
    }
    size_t count = 0;
    for (size_t i = 0; envp[i] != NULL; i++) {
        const char *entry = envp[i];
        const char *eq = strchr(entry, '=');
        if (strncmp(entry, "CNI_", 4) != 0 || eq == NULL) {
            continue;
        }
        vars[count++] = (struct cnienv_var) {entry, (size_t) (eq - entry), eq + 1, i};
    }
    qsort(vars, count, sizeof *vars, by_name_then_place);
    size_t kept = 0;
    for (size_t i = 0; i < count; i++) {
        if (kept == 0 || by_name(&vars[kept - 1], &vars[i]) != 0) {
            vars[kept++] = vars[i];
        }
    }
    out->vars = vars;
    out->count = kept;
    return 0;
}

const char *cnienv_get(const struct cnienv *env, const char *name)
{
    struct cnienv_var key = {name, strlen(name), NULL, 0};
    for (size_t i = 0; i < env->count; i++) {
        if (by_name(&env->vars[i], &key) == 0) {
            return env->vars[i].value;
        }
    }
    return NULL;
}

void cnienv_free(struct cnienv *env)
{
    free(env->vars);
    env->vars = NULL;
    env->count = 0;
}
