#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "input.h"

/* A pipe whose write end a child fills with n bytes of ' ' (or endlessly when n < 0). */
static int filled_pipe(long long n, pid_t *writer)
{
    int p[2];
    if (pipe(p) != 0) {
        return -1;
    }
    *writer = fork();
    if (*writer == 0) {
        close(p[0]);
        char chunk[65536];
        memset(chunk, ' ', sizeof chunk);
        while (n != 0) {
            size_t len = n < 0 || n > (long long) sizeof chunk ? sizeof chunk : (size_t) n;
            ssize_t w = write(p[1], chunk, len);
            if (w <= 0) {
                _exit(0); /* the reader stopped */
            }
            if (n > 0) {
                n -= w;
            }
        }
        _exit(0);
    }
    close(p[1]);
    return p[0];
}

static void readsEverythingUpToTheBound(void)
{
    pid_t writer;
    int fd = filled_pipe(INPUT_MAX_BYTES, &writer);
    struct buf out = BUF_INIT;
    CHECK(input_read(fd, INPUT_MAX_BYTES, &out) == INPUT_OK);
    CHECK(out.len == INPUT_MAX_BYTES);
    close(fd);
    waitpid(writer, NULL, 0);
    buf_free(&out);
}

static void oneByteMoreIsTooLarge(void)
{
    pid_t writer;
    int fd = filled_pipe(INPUT_MAX_BYTES + 1, &writer);
    struct buf out = BUF_INIT;
    CHECK(input_read(fd, INPUT_MAX_BYTES, &out) == INPUT_TOO_LARGE);
    close(fd);
    waitpid(writer, NULL, 0);
    buf_free(&out);
}

static void anEndlessInputIsNotReadBeyondTheBound(void)
{
    pid_t writer;
    int fd = filled_pipe(-1, &writer);
    struct buf out = BUF_INIT;
    CHECK(input_read(fd, INPUT_MAX_BYTES, &out) == INPUT_TOO_LARGE);
    CHECK(out.len == INPUT_MAX_BYTES + 1);
    close(fd); /* the writer sees EPIPE and ends */
    waitpid(writer, NULL, 0);
    buf_free(&out);
}

static void anEmptyInputIsEmpty(void)
{
    int fd = open("/dev/null", O_RDONLY);
    struct buf out = BUF_INIT;
    CHECK(input_read(fd, INPUT_MAX_BYTES, &out) == INPUT_OK && out.len == 0);
    close(fd);
    buf_free(&out);
}

static void aFailedReadIsAnErrorWithErrno(void)
{
    int fd = open("/", O_RDONLY | O_DIRECTORY); /* read(2) on a directory: EISDIR */
    struct buf out = BUF_INIT;
    errno = 0;
    CHECK(input_read(fd, INPUT_MAX_BYTES, &out) == INPUT_ERROR);
    CHECK(errno == EISDIR);
    close(fd);
    buf_free(&out);
}

int main(void)
{
    RUN(readsEverythingUpToTheBound);
    RUN(oneByteMoreIsTooLarge);
    RUN(anEndlessInputIsNotReadBeyondTheBound);
    RUN(anEmptyInputIsEmpty);
    RUN(aFailedReadIsAnErrorWithErrno);
    return check_done("input");
}
