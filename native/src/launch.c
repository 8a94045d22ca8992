#include "launch.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int launch_is_cni(int argc, char *const *argv)
{
    (void) argv;
    return argc <= 1;
}

int launch_jvm_path(const char *exe, struct buf *out)
{
    const char *slash = strrchr(exe, '/');
    if (slash == NULL) {
        return -1;
    }
    out->len = 0;
    if (buf_append(out, exe, (size_t) (slash - exe)) != 0 || buf_appends(out, "/../lib/dhcp-jvm") != 0
            || buf_cstr(out) == NULL) {
        return -1;
    }
    return 0;
}

/* This executable's canonical path: /proc/self/exe, else argv[0] resolved (no /proc mounted). */
static int own_path(const char *argv0, char out[PATH_MAX])
{
    ssize_t n = readlink("/proc/self/exe", out, PATH_MAX - 1);
    if (n > 0) {
        out[n] = '\0';
        return 0;
    }
    if (argv0 != NULL && strchr(argv0, '/') != NULL && realpath(argv0, out) != NULL) {
        return 0;
    }
    return -1;
}

int launch_jvm(int argc, char *const *argv)
{
    char exe[PATH_MAX];
    if (own_path(argc > 0 ? argv[0] : NULL, exe) != 0) {
        fprintf(stderr, "dhcp: cannot find this executable's own path (is /proc mounted?): %s\n", strerror(errno));
        return 127;
    }
    struct buf jvm = BUF_INIT;
    if (launch_jvm_path(exe, &jvm) != 0) {
        fprintf(stderr, "dhcp: no directory in this executable's path %s\n", exe);
        return 127;
    }
    char **args = calloc((size_t) argc + 1, sizeof *args);
    if (args == NULL) {
        fprintf(stderr, "dhcp: out of memory\n");
        buf_free(&jvm);
        return 127;
    }
    args[0] = jvm.data;
    for (int i = 1; i < argc; i++) {
        args[i] = argv[i];
    }
    execv(jvm.data, args);
    fprintf(stderr, "dhcp: cannot run %s: %s\n", jvm.data, strerror(errno));
    free(args);
    buf_free(&jvm);
    return 127;
}
