/* forward: one CNI invocation. Reads the configuration from in_fd (bounded), answers VERSION
 * itself, otherwise sends the CNI_* environment and the configuration to the daemon and writes its
 * answer to out_fd. It writes an error object of its own only when the input is over a bound, the
 * deadline variable is wrong, or the daemon cannot be reached, does not answer in time or answers
 * garbage. Every other check of the invocation is the daemon's. Returns the exit code. */
#ifndef DHCP_FORWARD_H
#define DHCP_FORWARD_H

#include "cnienv.h"

/* Where the daemon listens unless ipam.daemonSocketPath says otherwise (CniRequest.DEFAULT_SOCKET_PATH). */
#define FORWARD_DEFAULT_SOCKET "/run/cni/dhcp.sock"

int forward(const struct cnienv *env, int in_fd, int out_fd);
/* As forward(), with another default socket (for tests). */
int forward_to(const struct cnienv *env, int in_fd, int out_fd, const char *default_socket);

#endif
