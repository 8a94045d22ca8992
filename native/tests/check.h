/* check: the unit tests' runner, no framework. A test is a void function; CHECK stops it at the
 * first failed condition and counts it; check_done() prints the summary and gives the exit code. */
#ifndef DHCP_CHECK_H
#define DHCP_CHECK_H

#include <stdio.h>
#include <string.h>

static int check_failures;
static int check_ran;
static int check_failed_now;

#define CHECK(cond) \
    do { \
        if (!(cond)) { \
            fprintf(stderr, "  FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond); \
            check_failed_now = 1; \
            return; \
        } \
    } while (0)

/* data[0..len) equals the string literal or C string want. */
#define CHECK_BYTES(data, len, want) \
    do { \
        size_t check_len_ = (len); \
        const char *check_want_ = (want); \
        if (check_len_ != strlen(check_want_) || memcmp((data), check_want_, check_len_) != 0) { \
            fprintf(stderr, "  FAIL %s:%d: got '%.*s'\n       want '%s'\n", __FILE__, __LINE__, \
                    (int) check_len_, (const char *) (data), check_want_); \
            check_failed_now = 1; \
            return; \
        } \
    } while (0)

#define RUN(test) \
    do { \
        check_failed_now = 0; \
        check_ran++; \
        test(); \
        if (check_failed_now) { \
            check_failures++; \
            fprintf(stderr, "FAIL %s\n", #test); \
        } \
    } while (0)

static inline int check_done(const char *suite)
{
    fprintf(stderr, "%s: %d tests, %d failed\n", suite, check_ran, check_failures);
    return check_failures == 0 ? 0 : 1;
}

#endif
