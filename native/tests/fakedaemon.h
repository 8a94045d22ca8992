/* fakedaemon: a stand-in for the lease daemon on a Unix socket, in a child process, for the socket
 * and end-to-end tests. The socket is bound and listening when fake_daemon_start returns. */
#ifndef DHCP_FAKEDAEMON_H
#define DHCP_FAKEDAEMON_H

#include <stddef.h>
#include <sys/types.h>

enum fake_mode {
    FAKE_ANSWER,      /* reads the request to EOF, records it, writes the answer, closes */
    FAKE_MUTE,        /* listens, never accepts (connect succeeds, no answer ever comes) */
    FAKE_HANG_UP      /* accepts and closes at once, before reading anything */
};

struct fake_daemon {
    pid_t pid;
    char socket[108];
    char record[128];   /* the request as received (FAKE_ANSWER) */
};

/* Starts one in dir (an existing directory); answer is sent as it is (n bytes). 0 or -1. */
int fake_daemon_start(struct fake_daemon *d, const char *dir, enum fake_mode mode, const char *answer, size_t n);
/* Waits for it (FAKE_ANSWER ends after one request) or stops it (the other modes), removes its socket. */
void fake_daemon_stop(struct fake_daemon *d);
/* The recorded request into a malloc'd buffer (*len bytes), or NULL. */
char *fake_daemon_request(const struct fake_daemon *d, size_t *len);

/* A fresh temporary directory (mkdtemp) into out; 0 or -1. */
int temp_dir(char out[64]);
/* Removes a directory and everything in it. */
void remove_dir(const char *dir);

#endif
