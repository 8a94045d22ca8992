#include "input.h"

#include <errno.h>
#include <unistd.h>

enum input_status input_read(int fd, size_t max, struct buf *out)
{
    size_t taken = 0;
    for (;;) {
        size_t want = max + 1 - taken; /* one byte beyond the bound tells "too large" */
        if (want > 65536) {
            want = 65536;
        }
        if (buf_reserve(out, want) != 0) {
            errno = ENOMEM;
            return INPUT_ERROR;
        }
        ssize_t n = read(fd, out->data + out->len, want);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return INPUT_ERROR;
        }
        if (n == 0) {
            return INPUT_OK;
        }
        out->len += (size_t) n;
        taken += (size_t) n;
        if (taken > max) {
            return INPUT_TOO_LARGE;
        }
    }
}
