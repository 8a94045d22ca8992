#include "forward.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "cni.h"
#include "input.h"
#include "jscan.h"
#include "reply.h"
#include "request.h"
#include "roundtrip.h"

/* Writes all of data; a failed write (stdout closed) is ignored, as the JVM's PrintStream did. */
static void write_all(int fd, const char *data, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, data, n);
        if (w < 0) {
            if (errno == EINTR) {
                continue;
            }
            return;
        }
        data += w;
        n -= (size_t) w;
    }
}

/* Writes the error object and returns 1, the exit code of every error. */
static int fail(int out_fd, const char *version, int code, const struct buf *msg, const struct buf *details)
{
    struct buf json = BUF_INIT;
    if (cni_error_json(&json, version, code, msg->data, msg->len, details == NULL ? NULL : details->data,
                       details == NULL ? 0 : details->len) == 0) {
        write_all(out_fd, json.data, json.len);
    }
    buf_free(&json);
    return 1;
}

static int fail_text(int out_fd, const char *version, int code, const char *msg)
{
    struct buf m = BUF_INIT;
    buf_appends(&m, msg);
    int exit_code = fail(out_fd, version, code, &m, NULL);
    buf_free(&m);
    return exit_code;
}

/*
 * The daemon at path cannot be reached (or answered garbage): error 11, 50 for STATUS. When the
 * configuration is no JSON object, its daemonSocketPath could not be read, and the details say so:
 * the daemon would have answered error 6, had it been at the default path.
 */
static int unreachable(int out_fd, const char *version, const struct cnienv *env, const char *path, size_t path_len,
                       const struct buf *why, int config_unreadable)
{
    int code = cni_command_is(cnienv_get(env, "CNI_COMMAND"), "STATUS") ? CNI_ERR_STATUS_CANNOT_SERVE_ADD
                                                                         : CNI_ERR_TRY_AGAIN_LATER;
    struct buf msg = BUF_INIT;
    struct buf details = BUF_INIT;
    buf_appends(&msg, "cannot reach the DHCP lease daemon at ");
    buf_append(&msg, path, path_len);
    buf_appends(&msg, ": ");
    buf_append(&msg, why->data, why->len);
    buf_appends(&details, "start it with 'dhcp daemon -socketpath ");
    buf_append(&details, path, path_len);
    buf_appends(&details, "' (systemd: 'systemctl start cni-dhcp.socket')");
    if (config_unreadable) {
        buf_appends(&details, "; the network configuration on stdin is not a JSON object, so its"
                              " ipam.daemonSocketPath could not be read and the default socket was tried");
    }
    int exit_code = fail(out_fd, version, code, &msg, &details);
    buf_free(&msg);
    buf_free(&details);
    return exit_code;
}

static int missed_deadline(int out_fd, const char *version, const char *path, size_t path_len, long seconds)
{
    struct buf msg = BUF_INIT;
    struct buf details = BUF_INIT;
    buf_appends(&msg, "the DHCP lease daemon at ");
    buf_append(&msg, path, path_len);
    buf_appends(&msg, " did not answer within the plugin's deadline of ");
    buf_appendu(&msg, (unsigned long long) seconds);
    buf_appends(&msg, " s");
    buf_appends(&details, "is the daemon overloaded or stuck? A daemon run with a -resendtimeout above ");
    buf_appendu(&details, CNI_DEFAULT_DEADLINE_SECONDS);
    buf_appends(&details, " s needs " CNI_DEADLINE_VARIABLE " (seconds) set higher in the runtime's environment");
    int exit_code = fail(out_fd, version, CNI_ERR_TRY_AGAIN_LATER, &msg, &details);
    buf_free(&msg);
    buf_free(&details);
    return exit_code;
}

static int send_to_daemon(const struct cnienv *env, const struct buf *config, const struct jscan_result *scanned,
                          int out_fd, const char *default_socket)
{
    const char *version = cni_version_of(scanned, CNI_IMPLIED);
    const char *deadline_value = cnienv_get(env, CNI_DEADLINE_VARIABLE);
    long seconds;
    if (cni_deadline_seconds(deadline_value, &seconds) != 0) {
        struct buf msg = BUF_INIT;
        buf_appends(&msg, CNI_DEADLINE_VARIABLE "=\"");
        buf_appends(&msg, deadline_value);
        buf_appends(&msg, "\" is not a number of seconds (1..86400)");
        int exit_code = fail(out_fd, version, CNI_ERR_INVALID_ENVIRONMENT, &msg, NULL);
        buf_free(&msg);
        return exit_code;
    }
    const char *path = default_socket;
    size_t path_len = strlen(path);
    if (scanned->socket.kind == JSCAN_STRING && scanned->socket.text.len > 0) {
        path = scanned->socket.text.data;
        path_len = scanned->socket.text.len;
    }
    struct buf request = BUF_INIT;
    if (request_encode(env, config->data, config->len, &request) != 0) {
        buf_free(&request);
        return fail_text(out_fd, version, CNI_ERR_IO_FAILURE, "out of memory encoding the request to the daemon");
    }
    if (request.len > REQUEST_MAX_BYTES) {
        struct buf msg = BUF_INIT;
        buf_appends(&msg, "the request to the daemon would be ");
        buf_appendu(&msg, request.len);
        buf_appends(&msg, " bytes, more than its limit of ");
        buf_appendu(&msg, REQUEST_MAX_BYTES);
        buf_free(&request);
        int exit_code = fail(out_fd, version, CNI_ERR_INVALID_NETWORK_CONFIG, &msg, NULL);
        buf_free(&msg);
        return exit_code;
    }
    struct buf answer = BUF_INIT;
    struct buf why = BUF_INIT;
    enum roundtrip_status status = roundtrip(path, path_len, request.data, request.len, seconds * 1000LL, &answer, &why);
    buf_free(&request);
    int exit_code;
    struct reply reply;
    if (status == ROUNDTRIP_DEADLINE) {
        exit_code = missed_deadline(out_fd, version, path, path_len, seconds);
    } else if (status == ROUNDTRIP_FAILED) {
        exit_code = unreachable(out_fd, version, env, path, path_len, &why, !scanned->object);
    } else if (reply_parse(answer.data, answer.len, &reply) != 0) {
        why.len = 0;
        reply_describe_malformed(answer.data, answer.len, &why);
        exit_code = unreachable(out_fd, version, env, path, path_len, &why, !scanned->object);
    } else {
        write_all(out_fd, reply.text, reply.text_len);
        exit_code = reply.exit_code;
    }
    buf_free(&answer);
    buf_free(&why);
    return exit_code;
}

int forward(const struct cnienv *env, int in_fd, int out_fd)
{
    return forward_to(env, in_fd, out_fd, FORWARD_DEFAULT_SOCKET);
}

int forward_to(const struct cnienv *env, int in_fd, int out_fd, const char *default_socket)
{
    struct buf config = BUF_INIT;
    enum input_status in = input_read(in_fd, INPUT_MAX_BYTES, &config);
    if (in == INPUT_TOO_LARGE) {
        buf_free(&config);
        return fail_text(out_fd, CNI_LATEST, CNI_ERR_INVALID_NETWORK_CONFIG,
                         "the network configuration on stdin is larger than the limit of 1048576 bytes (1 MiB)");
    }
    if (in == INPUT_ERROR) {
        struct buf msg = BUF_INIT;
        buf_appends(&msg, "cannot read the network configuration from stdin: ");
        buf_appends(&msg, strerror(errno));
        buf_free(&config);
        int exit_code = fail(out_fd, CNI_LATEST, CNI_ERR_IO_FAILURE, &msg, NULL);
        buf_free(&msg);
        return exit_code;
    }
    struct jscan_result scanned;
    if (jscan(config.data == NULL ? "" : config.data, config.len, &scanned) != 0) {
        jscan_free(&scanned);
        buf_free(&config);
        return fail_text(out_fd, CNI_LATEST, CNI_ERR_IO_FAILURE, "out of memory reading the network configuration");
    }
    int exit_code;
    if (cni_command_is(cnienv_get(env, "CNI_COMMAND"), "VERSION")) {
        struct buf info = BUF_INIT;
        if (cni_version_info(&info, cni_version_of(&scanned, CNI_LATEST)) == 0) {
            write_all(out_fd, info.data, info.len);
        }
        buf_free(&info);
        exit_code = 0;
    } else {
        exit_code = send_to_daemon(env, &config, &scanned, out_fd, default_socket);
    }
    jscan_free(&scanned);
    buf_free(&config);
    return exit_code;
}
