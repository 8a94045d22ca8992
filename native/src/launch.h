/* launch: what one start of dist/bin/dhcp is. Without arguments it is a CNI call (a runtime
 * executes plugins without arguments; CNI_COMMAND says what to do, and the daemon answers a missing
 * or unknown one). With arguments (`dhcp daemon ...`, `dhcp leases ...`, `dhcp status ...`) it is
 * a command for the JVM, which lib/dhcp-jvm next to this binary starts with the same arguments. */
#ifndef DHCP_LAUNCH_H
#define DHCP_LAUNCH_H

#include <stddef.h>

#include "buf.h"

/* Whether argv (argc entries) is a CNI call rather than a command for the JVM. */
int launch_is_cni(int argc, char *const *argv);

/* The JVM launcher for the executable at exe (a canonical path, e.g. /proc/self/exe's target):
 * <dir of exe>/../lib/dhcp-jvm. Returns 0, or -1 when exe has no directory or memory ran out. */
int launch_jvm_path(const char *exe, struct buf *out);

/* Execs the JVM launcher with argv[1..]; returns only on failure (a message on stderr), with 127. */
int launch_jvm(int argc, char *const *argv);

#endif
