/* cnienv: the CNI_* variables of a process environment, sorted by name (byte order), the first of
 * duplicate names kept (as getenv(3) and the JVM read them); entries without '=' are skipped. The
 * pointers point into the environment itself, which must outlive the result. */
#ifndef DHCP_CNIENV_H
#define DHCP_CNIENV_H

#include <stddef.h>

struct cnienv_var {
    const char *name;   /* not NUL-terminated: name_len bytes */
    size_t name_len;
    const char *value;  /* NUL-terminated */
    size_t place;       /* index in the environment */
};

struct cnienv {
    struct cnienv_var *vars;
    size_t count;
};

/* Collects from envp (NULL-terminated). Returns 0, or -1 when memory ran out. */
int cnienv_collect(char *const *envp, struct cnienv *out);
/* The value of name, or NULL. */
const char *cnienv_get(const struct cnienv *env, const char *name);
void cnienv_free(struct cnienv *env);

#endif
