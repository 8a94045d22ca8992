#include "roundtrip.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static enum roundtrip_status failed(struct buf *why, const char *reason)
{
    why->len = 0;
    buf_appends(why, reason);
    return ROUNDTRIP_FAILED;
}

/* Waits for events on fd until the deadline: 1 ready, 0 deadline passed, -1 error (errno). */
static int wait_for(int fd, short events, long long deadline)
{
    for (;;) {
        long long left = deadline - now_ms();
        if (left <= 0) {
            return 0;
        }
        struct pollfd p = {fd, events, 0};
        int r = poll(&p, 1, left > 60000 ? 60000 : (int) left);
        if (r > 0) {
            return 1;
        }
        if (r < 0 && errno != EINTR) {
            return -1;
        }
    }
}

/* A blocking connect that gives up at the deadline: a Unix socket's connect waits for room in a full
 * backlog for up to SO_SNDTIMEO, then fails with EAGAIN. 1 connected, 0 deadline, -1 error (errno). */
static int connect_until(int fd, const struct sockaddr_un *addr, socklen_t len, long long deadline)
{
    for (;;) {
        long long left = deadline - now_ms();
        if (left <= 0) {
            return 0;
        }
        struct timeval tv = {(time_t) (left / 1000), (suseconds_t) (left % 1000) * 1000};
        if (setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv) != 0) {
            return -1;
        }
        if (connect(fd, (const struct sockaddr *) addr, len) == 0) {
            return 1;
        }
        if (errno != EINTR && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINPROGRESS) {
            return -1;
        }
    }
}

static enum roundtrip_status exchange(int fd, const char *request, size_t n, long long deadline,
                                      struct buf *answer, struct buf *why)
{
    size_t sent = 0;
    while (sent < n) {
        int ready = wait_for(fd, POLLOUT, deadline);
        if (ready <= 0) {
            return ready == 0 ? ROUNDTRIP_DEADLINE : failed(why, strerror(errno));
        }
        ssize_t w = send(fd, request + sent, n - sent, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (w < 0) {
            if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK) {
                continue;
            }
            return failed(why, strerror(errno));
        }
        sent += (size_t) w;
    }
    if (shutdown(fd, SHUT_WR) != 0) {
        return failed(why, strerror(errno));
    }
    for (;;) {
        if (answer->len >= ROUNDTRIP_MAX_ANSWER) {
            return failed(why, "the answer is larger than 16777216 bytes");
        }
        int ready = wait_for(fd, POLLIN, deadline);
        if (ready <= 0) {
            return ready == 0 ? ROUNDTRIP_DEADLINE : failed(why, strerror(errno));
        }
        if (buf_reserve(answer, 8192) != 0) {
            return failed(why, strerror(ENOMEM));
        }
        ssize_t r = recv(fd, answer->data + answer->len, 8192, MSG_DONTWAIT);
        if (r == 0) {
            return ROUNDTRIP_OK;
        }
        if (r < 0) {
            if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK) {
                continue;
            }
            return failed(why, strerror(errno));
        }
        answer->len += (size_t) r;
    }
}

enum roundtrip_status roundtrip(const char *path, size_t path_len, const char *request, size_t n,
                                long long deadline_ms, struct buf *answer, struct buf *why)
{
    long long deadline = now_ms() + deadline_ms;
    struct sockaddr_un addr;
    memset(&addr, 0, sizeof addr);
    addr.sun_family = AF_UNIX;
    if (memchr(path, '\0', path_len) != NULL) {
        why->len = 0;
        buf_appends(why, "Nul character not allowed: "); /* as Java's Path.of words it */
        buf_append(why, path, path_len);
        return ROUNDTRIP_FAILED;
    }
    if (path_len == 0) {
        return failed(why, "empty socket path");
    }
    if (path_len >= sizeof addr.sun_path) {
        return failed(why, "Unix domain path too long");
    }
    memcpy(addr.sun_path, path, path_len);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return failed(why, strerror(errno));
    }
    enum roundtrip_status status;
    int connected = connect_until(fd, &addr, (socklen_t) (offsetof(struct sockaddr_un, sun_path) + path_len + 1),
                                  deadline);
    if (connected < 0) {
        status = failed(why, strerror(errno));
    } else if (connected == 0) {
        status = ROUNDTRIP_DEADLINE;
    } else {
        status = exchange(fd, request, n, deadline, answer, why);
    }
    close(fd);
    return status;
}
