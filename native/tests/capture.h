#ifndef CNI_DHCP_TESTS_CAPTURE_H
#define CNI_DHCP_TESTS_CAPTURE_H

#include <stddef.h>
#include <stdio.h>

#include "buf.h"

/* Replaces out's content with everything from f's start to its end. */
void capture_file(FILE *f, struct buf *out);

/*
 * Runs forward_to() in-process with the CNI_* entries of envp, stdin[0..n) as its stdin and
 * default_socket as the default socket; its output replaces out's content. Returns its exit code.
 */
int capture_forward(char *const *envp, const char *stdin_text, size_t n, const char *default_socket,
                    struct buf *out);

#endif
