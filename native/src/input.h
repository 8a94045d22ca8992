/* input: the network configuration from stdin, read up to a bound and never further. */
#ifndef DHCP_INPUT_H
#define DHCP_INPUT_H

#include "buf.h"

/* The most bytes of configuration accepted (1 MiB), as the Java plugin had it. */
#define INPUT_MAX_BYTES (1u << 20)

enum input_status {
    INPUT_OK,
    INPUT_TOO_LARGE,  /* more than max bytes: at most max + 1 were read */
    INPUT_ERROR       /* a read failed (errno set) or memory ran out (errno ENOMEM) */
};

/* Reads fd to its end into out (appending), or stops after max + 1 bytes. */
enum input_status input_read(int fd, size_t max, struct buf *out);

#endif
