#include <stdlib.h>
#include <time.h>

#include "check.h"
#include "fakedaemon.h"
#include "roundtrip.h"

static char dir[64];

static long long elapsed_ms(const struct timespec *start)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (now.tv_sec - start->tv_sec) * 1000LL + (now.tv_nsec - start->tv_nsec) / 1000000;
}

static void sendsTheRequestHalfClosesAndReadsTheAnswerToTheEnd(void)
{
    struct fake_daemon d;
    CHECK(fake_daemon_start(&d, dir, FAKE_ANSWER, "0\n{}", 4) == 0);
    struct buf answer = BUF_INIT;
    struct buf why = BUF_INIT;
    enum roundtrip_status s = roundtrip(d.socket, strlen(d.socket), "{\"env\":{}}", 10, 5000, &answer, &why);
    fake_daemon_stop(&d);
    CHECK(s == ROUNDTRIP_OK);
    CHECK_BYTES(answer.data, answer.len, "0\n{}");
    size_t n;
    char *request = fake_daemon_request(&d, &n);
    CHECK(request != NULL);
    CHECK_BYTES(request, n, "{\"env\":{}}"); /* the daemon read to EOF: the write side was shut */
    free(request);
    buf_free(&answer);
    buf_free(&why);
}

static void aMissingSocketFailsWithTheSystemsReason(void)
{
    struct buf answer = BUF_INIT;
    struct buf why = BUF_INIT;
    char path[128];
    snprintf(path, sizeof path, "%s/absent.sock", dir);
    CHECK(roundtrip(path, strlen(path), "x", 1, 5000, &answer, &why) == ROUNDTRIP_FAILED);
    CHECK_BYTES(why.data, why.len, "No such file or directory");
    buf_free(&answer);
    buf_free(&why);
}

static void aDaemonThatNeverAnswersMissesTheDeadline(void)
{
    struct fake_daemon d;
    CHECK(fake_daemon_start(&d, dir, FAKE_MUTE, NULL, 0) == 0);
    struct buf answer = BUF_INIT;
    struct buf why = BUF_INIT;
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    enum roundtrip_status s = roundtrip(d.socket, strlen(d.socket), "x", 1, 300, &answer, &why);
    long long ms = elapsed_ms(&start);
    fake_daemon_stop(&d);
    CHECK(s == ROUNDTRIP_DEADLINE);
    CHECK(ms >= 290 && ms < 3000);
    buf_free(&answer);
    buf_free(&why);
}

static void aDaemonThatHangsUpGivesAnEmptyAnswerOrAFailure(void)
{
    struct fake_daemon d;
    CHECK(fake_daemon_start(&d, dir, FAKE_HANG_UP, NULL, 0) == 0);
    struct buf answer = BUF_INIT;
    struct buf why = BUF_INIT;
    enum roundtrip_status s = roundtrip(d.socket, strlen(d.socket), "x", 1, 5000, &answer, &why);
    fake_daemon_stop(&d);
    CHECK((s == ROUNDTRIP_OK && answer.len == 0) || s == ROUNDTRIP_FAILED);
    buf_free(&answer);
    buf_free(&why);
}

static void pathsTheKernelCannotTakeFailWithJavasWords(void)
{
    struct buf answer = BUF_INIT;
    struct buf why = BUF_INIT;
    char longpath[200];
    memset(longpath, 'a', sizeof longpath);
    longpath[0] = '/';
    CHECK(roundtrip(longpath, sizeof longpath, "x", 1, 5000, &answer, &why) == ROUNDTRIP_FAILED);
    CHECK_BYTES(why.data, why.len, "Unix domain path too long");
    CHECK(roundtrip("/a\0b", 4, "x", 1, 5000, &answer, &why) == ROUNDTRIP_FAILED);
    CHECK(why.len == strlen("Nul character not allowed: ") + 4);
    CHECK(memcmp(why.data, "Nul character not allowed: /a\0b", why.len) == 0);
    buf_free(&answer);
    buf_free(&why);
}

int main(void)
{
    if (temp_dir(dir) != 0) {
        return 2;
    }
    RUN(sendsTheRequestHalfClosesAndReadsTheAnswerToTheEnd);
    RUN(aMissingSocketFailsWithTheSystemsReason);
    RUN(aDaemonThatNeverAnswersMissesTheDeadline);
    RUN(aDaemonThatHangsUpGivesAnEmptyAnswerOrAFailure);
    RUN(pathsTheKernelCannotTakeFailWithJavasWords);
    remove_dir(dir);
    return check_done("roundtrip");
}
