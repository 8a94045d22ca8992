/* The forwarder's side of the golden wire fixtures (testdata/wire, its README says what each file
 * is), read in place from the directory given as the only argument:
 *   - every requests/ case: the CNI_* variables of NAME.environ and NAME.stdin encode to
 *     NAME.request.json byte for byte, and the whole forwarder sends exactly those bytes;
 *   - every answers/ case: the reply parser gives NAME.exit and NAME.stdout, and the forwarder
 *     exits and prints just that; or, for NAME.malformed, the parser refuses the answer with that
 *     text and the forwarder prints error 11 (50 for STATUS) with it;
 *   - the generated cases: the largest stdin (the request's size and SHA-256), one byte more, and
 *     the newline padding whose request would be over 2 MiB (error 7 each, nothing sent).
 * The daemon's side is the daemon module's WireFixturesTest; the admin client's is the plugin
 * module's. The expected error objects are written out here, not made with the forwarder's own
 * quoting. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "capture.h"
#include "check.h"
#include "fakedaemon.h"
#include "buf.h"
#include "cnienv.h"
#include "forward.h"
#include "reply.h"
#include "request.h"

/* As the README's "Generated cases" and WireFixturesTest have them. */
#define MAX_STDIN_BYTES 1048576u
#define LARGEST_STDIN_REQUEST_BYTES 1048820u
#define LARGEST_STDIN_REQUEST_SHA256 "d9b102863a4e6da2b1e095337eec2266423ae04765cd313e574ff10d571212d4"
#define NEWLINE_PADDED_REQUEST_BYTES 2097304u

static const char *fixtures;
static char dir[64];
static char absent[128]; /* a socket path where nothing listens */

/* --- files ---------------------------------------------------------------------------------- */

struct bytes {
    char *data;
    size_t len;
};

/* fixtures/sub/name+ext into b (NUL-terminated, not counted); 0, or -1 when there is no such file. */
static int read_fixture(const char *sub, const char *name, const char *ext, struct bytes *b)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s/%s%s", fixtures, sub, name, ext);
    b->data = NULL;
    b->len = 0;
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        return -1;
    }
    struct buf content = BUF_INIT;
    char chunk[65536];
    size_t r;
    while ((r = fread(chunk, 1, sizeof chunk, f)) > 0) {
        buf_append(&content, chunk, r);
    }
    fclose(f);
    buf_appendc(&content, '\0');
    b->data = content.data;
    b->len = content.len - 1;
    return 0;
}

static int has_fixture(const char *sub, const char *name, const char *ext)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s/%s%s", fixtures, sub, name, ext);
    return access(path, F_OK) == 0;
}

static int by_string(const void *a, const void *b)
{
    return strcmp(*(char *const *) a, *(char *const *) b);
}

/* The NAMEs of fixtures/sub/NAME+suffix, sorted, NULL-terminated; *count of them. */
static char **list_cases(const char *sub, const char *suffix, size_t *count)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", fixtures, sub);
    *count = 0;
    DIR *d = opendir(path);
    if (d == NULL) {
        return NULL;
    }
    size_t cap = 8;
    char **names = malloc(cap * sizeof *names);
    size_t suffix_len = strlen(suffix);
    struct dirent *e;
    while (names != NULL && (e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name);
        if (len <= suffix_len || strcmp(e->d_name + len - suffix_len, suffix) != 0) {
            continue;
        }
        if (*count + 2 > cap) {
            cap *= 2;
            char **grown = realloc(names, cap * sizeof *names);
            if (grown == NULL) {
                break;
            }
            names = grown;
        }
        names[*count] = strndup(e->d_name, len - suffix_len);
        (*count)++;
    }
    closedir(d);
    if (names != NULL) {
        qsort(names, *count, sizeof *names, by_string);
        names[*count] = NULL;
    }
    return names;
}

static void free_cases(char **names)
{
    for (size_t i = 0; names != NULL && names[i] != NULL; i++) {
        free(names[i]);
    }
    free(names);
}

/* A NUL-separated environment as a NULL-terminated envp pointing into text; NULL when an entry
 * does not end with a NUL byte (the README's rule for .environ files). */
static char **split_environ(const struct bytes *text)
{
    if (text->len > 0 && text->data[text->len - 1] != '\0') {
        return NULL;
    }
    size_t entries = 0;
    for (size_t i = 0; i < text->len; i++) {
        entries += text->data[i] == '\0';
    }
    char **envp = calloc(entries + 1, sizeof *envp);
    size_t start = 0;
    for (size_t i = 0, n = 0; envp != NULL && i < text->len; i++) {
        if (text->data[i] == '\0') {
            envp[n++] = text->data + start;
            start = i + 1;
        }
    }
    return envp;
}

/* --- SHA-256 (FIPS 180-4), for the generated request too large to keep ------------------------ */

static const uint32_t sha_k[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

static uint32_t rotr(uint32_t x, unsigned n)
{
    return (x >> n) | (x << (32 - n));
}

static void sha256_block(uint32_t h[8], const unsigned char *p)
{
    uint32_t w[64];
    for (int i = 0; i < 16; i++) {
        w[i] = (uint32_t) p[4 * i] << 24 | (uint32_t) p[4 * i + 1] << 16 | (uint32_t) p[4 * i + 2] << 8 | p[4 * i + 3];
    }
    for (int i = 16; i < 64; i++) {
        uint32_t s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >> 3);
        uint32_t s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >> 10);
        w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], k = h[7];
    for (int i = 0; i < 64; i++) {
        uint32_t t1 = k + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + sha_k[i] + w[i];
        uint32_t t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
        k = g;
        g = f;
        f = e;
        e = d + t1;
        d = c;
        c = b;
        b = a;
        a = t1 + t2;
    }
    h[0] += a;
    h[1] += b;
    h[2] += c;
    h[3] += d;
    h[4] += e;
    h[5] += f;
    h[6] += g;
    h[7] += k;
}

/* The digest of data[0..n) as 64 lower-case hex digits into hex (65 bytes with the NUL). */
static void sha256_hex(const char *data, size_t n, char hex[65])
{
    uint32_t h[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
    const unsigned char *p = (const unsigned char *) data;
    size_t full = n / 64 * 64;
    for (size_t i = 0; i < full; i += 64) {
        sha256_block(h, p + i);
    }
    unsigned char tail[128] = {0};
    size_t rest = n - full;
    memcpy(tail, p + full, rest);
    tail[rest] = 0x80;
    size_t tail_len = rest + 9 <= 64 ? 64 : 128;
    uint64_t bits = (uint64_t) n * 8;
    for (int i = 0; i < 8; i++) {
        tail[tail_len - 1 - (size_t) i] = (unsigned char) (bits >> (8 * i));
    }
    for (size_t i = 0; i < tail_len; i += 64) {
        sha256_block(h, tail + i);
    }
    for (int i = 0; i < 8; i++) {
        snprintf(hex + 8 * i, 9, "%08x", h[i]);
    }
}

/* --- the forwarder in-process ---------------------------------------------------------------- */

static struct buf out;

/* Runs forward() with the CNI_* entries of envp and stdin[0..n), default socket default_socket;
 * its output goes to out. */
static int run(char *const *envp, const char *stdin_text, size_t n, const char *default_socket)
{
    return capture_forward(envp, stdin_text, n, default_socket, &out);
}

/* Appends s[0..n) as a JSON string's content, by the rule of docs/wire-protocol.md. */
static void quote(struct buf *b, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char) s[i];
        if (c == '"' || c == '\\') {
            buf_appendc(b, '\\');
            buf_appendc(b, (char) c);
        } else if (c == '\n') {
            buf_appends(b, "\\n");
        } else if (c == '\r') {
            buf_appends(b, "\\r");
        } else if (c == '\t') {
            buf_appends(b, "\\t");
        } else if (c < 0x20) {
            char esc[8];
            snprintf(esc, sizeof esc, "\\u%04x", c);
            buf_appends(b, esc);
        } else {
            buf_appendc(b, (char) c);
        }
    }
}

/* data[0..len) equals want[0..want_len); on a difference, says where. */
#define CHECK_SAME(data, len, want, want_len) \
    do { \
        size_t same_len_ = (len), same_want_len_ = (want_len); \
        const char *same_data_ = (data), *same_want_ = (want); \
        size_t at_ = 0; \
        while (at_ < same_len_ && at_ < same_want_len_ && same_data_[at_] == same_want_[at_]) { \
            at_++; \
        } \
        if (at_ != same_len_ || at_ != same_want_len_) { \
            fprintf(stderr, "  FAIL %s:%d: %zu bytes, want %zu; first difference at byte %zu:\n" \
                    "       got  '%.*s'\n       want '%.*s'\n", __FILE__, __LINE__, same_len_, same_want_len_, at_, \
                    (int) (same_len_ - at_ < 80 ? same_len_ - at_ : 80), same_data_ + at_, \
                    (int) (same_want_len_ - at_ < 80 ? same_want_len_ - at_ : 80), same_want_ + at_); \
            check_failed_now = 1; \
            return; \
        } \
    } while (0)

/* Runs test(name) for every case, each counted and reported as a test of its own. */
#define RUN_CASES(test, cases) \
    do { \
        CHECK_CASES_PRESENT(cases); \
        for (size_t case_ = 0; (cases)[case_] != NULL; case_++) { \
            check_failed_now = 0; \
            check_ran++; \
            test((cases)[case_]); \
            if (check_failed_now) { \
                check_failures++; \
                fprintf(stderr, "FAIL %s[%s]\n", #test, (cases)[case_]); \
            } \
        } \
    } while (0)

#define CHECK_CASES_PRESENT(cases) \
    do { \
        if ((cases) == NULL || (cases)[0] == NULL) { \
            fprintf(stderr, "FAIL no fixtures for %s in %s\n", #cases, fixtures); \
            check_ran++; \
            check_failures++; \
            break; \
        } \
    } while (0)

/* --- requests/ ------------------------------------------------------------------------------- */

struct request_case {
    struct bytes environ, stdin_text, request;
    char **envp;
};

static int load_request(const char *name, struct request_case *c)
{
    memset(c, 0, sizeof *c);
    if (read_fixture("requests", name, ".environ", &c->environ) != 0
        || read_fixture("requests", name, ".stdin", &c->stdin_text) != 0
        || read_fixture("requests", name, ".request.json", &c->request) != 0) {
        return -1;
    }
    c->envp = split_environ(&c->environ);
    return c->envp == NULL ? -1 : 0;
}

static void free_request(struct request_case *c)
{
    free(c->environ.data);
    free(c->stdin_text.data);
    free(c->request.data);
    free(c->envp);
}

/* Each case's data stays until the next case (or the end) frees it: a failed CHECK returns at once. */
static struct request_case rc;
static struct buf encoded;

static void requestIsTheByteExactEncodingOfTheCniVariablesAndTheStdin(const char *name)
{
    free_request(&rc);
    buf_free(&encoded);
    CHECK(load_request(name, &rc) == 0);
    struct cnienv env;
    CHECK(cnienv_collect(rc.envp, &env) == 0);
    int encoded_ok = request_encode(&env, rc.stdin_text.data, rc.stdin_text.len, &encoded) == 0;
    cnienv_free(&env);
    CHECK(encoded_ok);
    CHECK_SAME(encoded.data, encoded.len, rc.request.data, rc.request.len);
}

/*
 * The whole forwarder, with the daemon at the default socket answering the case's answer.txt (or
 * an empty success): it sends request.json exactly and prints and exits as the answer says. Cases
 * whose config names a daemonSocketPath of its own (every-escape: /run/cni/dhcp.sock) would go to
 * that path, so they are checked by the encoder test only.
 */
static struct bytes kept_answer, kept_sent;

static void forwarderSendsTheRequestExactlyAndRelaysTheAnswer(const char *name)
{
    free_request(&rc);
    CHECK(load_request(name, &rc) == 0);
    if (strstr(rc.stdin_text.data, "daemonSocketPath") != NULL) {
        return;
    }
    struct bytes answer;
    if (read_fixture("requests", name, ".answer.txt", &answer) != 0) {
        answer.data = strdup("0\n");
        answer.len = 2;
    }
    struct fake_daemon d;
    int started = fake_daemon_start(&d, dir, FAKE_ANSWER, answer.data, answer.len) == 0;
    int exit_code = started ? run(rc.envp, rc.stdin_text.data, rc.stdin_text.len, d.socket) : -1;
    size_t sent_len = 0;
    char *sent = started ? fake_daemon_request(&d, &sent_len) : NULL;
    if (started) {
        fake_daemon_stop(&d);
    }
    free(kept_answer.data);
    free(kept_sent.data);
    kept_answer = answer;
    kept_sent = (struct bytes) {sent, sent_len};
    CHECK(started && sent != NULL);
    CHECK_SAME(kept_sent.data, kept_sent.len, rc.request.data, rc.request.len);
    const char *nl = memchr(kept_answer.data, '\n', kept_answer.len);
    CHECK(nl != NULL);
    CHECK(exit_code == atoi(kept_answer.data));
    CHECK_SAME(out.data, out.len, nl + 1, kept_answer.len - (size_t) (nl + 1 - kept_answer.data));
}

/* --- answers/ -------------------------------------------------------------------------------- */

struct answer_case {
    struct bytes answer, exit_text, stdout_text, malformed;
    int is_malformed;
};

static struct answer_case ac;

static void free_answer(struct answer_case *c)
{
    free(c->answer.data);
    free(c->exit_text.data);
    free(c->stdout_text.data);
    free(c->malformed.data);
    memset(c, 0, sizeof *c);
}

static int load_answer(const char *name, struct answer_case *c)
{
    free_answer(c);
    if (read_fixture("answers", name, ".answer.txt", &c->answer) != 0) {
        return -1;
    }
    c->is_malformed = has_fixture("answers", name, ".malformed");
    if (c->is_malformed) {
        return read_fixture("answers", name, ".malformed", &c->malformed);
    }
    return read_fixture("answers", name, ".exit", &c->exit_text) == 0
        && read_fixture("answers", name, ".stdout", &c->stdout_text) == 0 ? 0 : -1;
}

static struct buf described;

static void answerParsesToItsExitCodeAndStdoutOrIsRefusedWithItsText(const char *name)
{
    CHECK(load_answer(name, &ac) == 0);
    struct reply r;
    int parsed = reply_parse(ac.answer.data, ac.answer.len, &r);
    if (ac.is_malformed) {
        CHECK(parsed != 0);
        buf_free(&described);
        CHECK(reply_describe_malformed(ac.answer.data, ac.answer.len, &described) == 0);
        CHECK_SAME(described.data, described.len, ac.malformed.data, ac.malformed.len);
        return;
    }
    CHECK(parsed == 0);
    CHECK(r.exit_code == atoi(ac.exit_text.data));
    CHECK_SAME(r.text, r.text_len, ac.stdout_text.data, ac.stdout_text.len);
}

static struct buf want;

/* The forwarder's error object for a malformed answer, written out by the rule of
 * docs/wire-protocol.md ("Who answers what"). */
static void malformed_error(const char *version, int code, const char *socket, const struct bytes *text)
{
    buf_free(&want);
    buf_appends(&want, "{\"cniVersion\":\"");
    buf_appends(&want, version);
    buf_appends(&want, "\",\"code\":");
    buf_appendu(&want, (unsigned long long) code);
    buf_appends(&want, ",\"msg\":\"cannot reach the DHCP lease daemon at ");
    quote(&want, socket, strlen(socket));
    buf_appends(&want, ": ");
    quote(&want, text->data, text->len);
    buf_appends(&want, "\",\"details\":\"start it with 'dhcp daemon -socketpath ");
    quote(&want, socket, strlen(socket));
    buf_appends(&want, "' (systemd: 'systemctl start cni-dhcp.socket')\"}");
}

static struct request_case plain;

/* Runs the forwarder on plain-add (CNI_COMMAND replaced by command when not NULL) against a
 * daemon that answers the case's answer.txt. */
static int forward_answer(const char *command, int *exit_code, char *socket_out, size_t socket_size)
{
    char **envp = plain.envp;
    char **replaced = NULL;
    if (command != NULL) {
        size_t n = 0;
        while (plain.envp[n] != NULL) {
            n++;
        }
        replaced = calloc(n + 1, sizeof *replaced);
        if (replaced == NULL) {
            return -1;
        }
        for (size_t i = 0; i < n; i++) {
            replaced[i] = strncmp(plain.envp[i], "CNI_COMMAND=", 12) == 0 ? (char *) (uintptr_t) command : plain.envp[i];
        }
        envp = replaced;
    }
    struct fake_daemon d;
    if (fake_daemon_start(&d, dir, FAKE_ANSWER, ac.answer.data, ac.answer.len) != 0) {
        free(replaced);
        return -1;
    }
    snprintf(socket_out, socket_size, "%s", d.socket);
    *exit_code = run(envp, plain.stdin_text.data, plain.stdin_text.len, d.socket);
    fake_daemon_stop(&d);
    free(replaced);
    return 0;
}

static void forwarderExitsAndPrintsAsTheAnswerSaysOrAnswersError11WithItsText(const char *name)
{
    CHECK(load_answer(name, &ac) == 0);
    int exit_code;
    char socket[128];
    CHECK(forward_answer(NULL, &exit_code, socket, sizeof socket) == 0);
    if (ac.is_malformed) {
        CHECK(exit_code == 1);
        malformed_error("1.0.0", 11, socket, &ac.malformed);
        CHECK_SAME(out.data, out.len, want.data, want.len);
        CHECK(forward_answer("CNI_COMMAND=STATUS", &exit_code, socket, sizeof socket) == 0);
        CHECK(exit_code == 1);
        malformed_error("1.0.0", 50, socket, &ac.malformed);
        CHECK_SAME(out.data, out.len, want.data, want.len);
        return;
    }
    CHECK(exit_code == atoi(ac.exit_text.data));
    CHECK_SAME(out.data, out.len, ac.stdout_text.data, ac.stdout_text.len);
}

/* --- generated cases ------------------------------------------------------------------------- */

static struct buf padded_stdin;

/* plain-add.stdin followed by pad up to size bytes. */
static int padded(char pad, size_t size)
{
    padded_stdin.len = 0;
    if (buf_append(&padded_stdin, plain.stdin_text.data, plain.stdin_text.len) != 0) {
        return -1;
    }
    while (padded_stdin.len < size) {
        if (buf_appendc(&padded_stdin, pad) != 0) {
            return -1;
        }
    }
    return 0;
}

static void sha256IsTheStandardOne(void)
{
    char hex[65];
    sha256_hex("abc", 3, hex);
    CHECK_BYTES(hex, 64, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    sha256_hex("", 0, hex);
    CHECK_BYTES(hex, 64, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    const char *two_blocks = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"; /* 56 bytes: padding needs a second block */
    sha256_hex(two_blocks, strlen(two_blocks), hex);
    CHECK_BYTES(hex, 64, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

static struct buf large;

static void theLargestStdinEncodesToTheRequestOfTheReadmeAndIsSent(void)
{
    CHECK(padded(' ', MAX_STDIN_BYTES) == 0);
    struct cnienv env;
    CHECK(cnienv_collect(plain.envp, &env) == 0);
    buf_free(&large);
    int large_ok = request_encode(&env, padded_stdin.data, padded_stdin.len, &large) == 0;
    cnienv_free(&env);
    CHECK(large_ok);
    CHECK(large.len == LARGEST_STDIN_REQUEST_BYTES);
    CHECK(large.len <= REQUEST_MAX_BYTES);
    char hex[65];
    sha256_hex(large.data, large.len, hex);
    CHECK_BYTES(hex, 64, LARGEST_STDIN_REQUEST_SHA256);

    struct fake_daemon d;
    CHECK(fake_daemon_start(&d, dir, FAKE_ANSWER, "0\n", 2) == 0);
    int exit_code = run(plain.envp, padded_stdin.data, padded_stdin.len, d.socket);
    size_t sent_len = 0;
    char *sent = fake_daemon_request(&d, &sent_len);
    fake_daemon_stop(&d);
    char sent_hex[65] = "";
    if (sent != NULL) {
        sha256_hex(sent, sent_len, sent_hex);
    }
    free(sent);
    CHECK(exit_code == 0 && out.len == 0);
    CHECK(sent_len == LARGEST_STDIN_REQUEST_BYTES);
    CHECK_BYTES(sent_hex, strlen(sent_hex), LARGEST_STDIN_REQUEST_SHA256);
}

/* Runs the forwarder on plain-add with padded_stdin against a daemon that would answer; whether
 * it was sent anything goes to *sent. */
static int run_padded(int *sent)
{
    struct fake_daemon d;
    if (fake_daemon_start(&d, dir, FAKE_ANSWER, "0\n", 2) != 0) {
        return -1;
    }
    int exit_code = run(plain.envp, padded_stdin.data, padded_stdin.len, d.socket);
    fake_daemon_stop(&d); /* still waiting to accept when nothing came: stopped */
    size_t len;
    char *request = fake_daemon_request(&d, &len);
    *sent = request != NULL;
    free(request);
    return exit_code;
}

static void oneByteMoreThanTheLargestStdinIsError7In110AndNothingIsSent(void)
{
    CHECK(padded(' ', MAX_STDIN_BYTES + 1) == 0);
    int sent;
    CHECK(run_padded(&sent) == 1);
    CHECK(!sent);
    CHECK_BYTES(out.data, out.len, "{\"cniVersion\":\"1.1.0\",\"code\":7,\"msg\":\"the network configuration on stdin "
                                   "is larger than the limit of 1048576 bytes (1 MiB)\"}");
}

static void newlinePaddingWhoseRequestWouldExceed2MiBIsError7InTheConfigsVersionAndNothingIsSent(void)
{
    CHECK(padded('\n', MAX_STDIN_BYTES) == 0);
    struct cnienv env;
    CHECK(cnienv_collect(plain.envp, &env) == 0);
    buf_free(&large);
    int large_ok = request_encode(&env, padded_stdin.data, padded_stdin.len, &large) == 0;
    cnienv_free(&env);
    CHECK(large_ok && large.len == NEWLINE_PADDED_REQUEST_BYTES);
    buf_free(&large);
    int sent;
    CHECK(run_padded(&sent) == 1);
    CHECK(!sent);
    CHECK_BYTES(out.data, out.len, "{\"cniVersion\":\"1.0.0\",\"code\":7,\"msg\":\"the request to the daemon would be "
                                   "2097304 bytes, more than its limit of 2097152\"}");
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s TESTDATA_WIRE_DIRECTORY\n", argv[0]);
        return 2;
    }
    fixtures = argv[1];
    if (temp_dir(dir) != 0) {
        perror("mkdtemp");
        return 2;
    }
    snprintf(absent, sizeof absent, "%s/absent.sock", dir);
    if (load_request("plain-add", &plain) != 0) {
        fprintf(stderr, "fixtures: cannot read requests/plain-add.* in %s\n", fixtures);
        remove_dir(dir);
        return 1;
    }

    size_t n;
    char **requests = list_cases("requests", ".request.json", &n);
    RUN_CASES(requestIsTheByteExactEncodingOfTheCniVariablesAndTheStdin, requests);
    RUN_CASES(forwarderSendsTheRequestExactlyAndRelaysTheAnswer, requests);
    free_cases(requests);

    char **answers = list_cases("answers", ".answer.txt", &n);
    RUN_CASES(answerParsesToItsExitCodeAndStdoutOrIsRefusedWithItsText, answers);
    RUN_CASES(forwarderExitsAndPrintsAsTheAnswerSaysOrAnswersError11WithItsText, answers);
    free_cases(answers);

    RUN(sha256IsTheStandardOne);
    RUN(theLargestStdinEncodesToTheRequestOfTheReadmeAndIsSent);
    RUN(oneByteMoreThanTheLargestStdinIsError7In110AndNothingIsSent);
    RUN(newlinePaddingWhoseRequestWouldExceed2MiBIsError7InTheConfigsVersionAndNothingIsSent);

    free_request(&rc);
    buf_free(&encoded);
    free(kept_answer.data);
    free(kept_sent.data);
    free_request(&plain);
    free_answer(&ac);
    buf_free(&described);
    buf_free(&want);
    buf_free(&padded_stdin);
    buf_free(&large);
    buf_free(&out);
    remove_dir(dir);
    return check_done("fixtures");
}
