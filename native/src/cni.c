#include "cni.h"

#include <string.h>
#include <strings.h>

#include "jquote.h"

static const char *const SUPPORTED[] = {"0.1.0", "0.2.0", "0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0"};
#define SUPPORTED_COUNT (sizeof SUPPORTED / sizeof SUPPORTED[0])

int cni_supported(const char *version, size_t len)
{
    for (size_t i = 0; i < SUPPORTED_COUNT; i++) {
        if (strlen(SUPPORTED[i]) == len && memcmp(SUPPORTED[i], version, len) == 0) {
            return 1;
        }
    }
    return 0;
}

const char *cni_version_of(const struct jscan_result *config, const char *when_absent)
{
    if (!config->object) {
        return CNI_LATEST;
    }
    if (config->version.kind == JSCAN_ABSENT) {
        return when_absent;
    }
    if (config->version.kind == JSCAN_STRING) {
        for (size_t i = 0; i < SUPPORTED_COUNT; i++) {
            if (strlen(SUPPORTED[i]) == config->version.text.len
                    && memcmp(SUPPORTED[i], config->version.text.data, config->version.text.len) == 0) {
                return SUPPORTED[i];
            }
        }
    }
    return CNI_LATEST;
}

int cni_version_info(struct buf *out, const char *version)
{
    if (buf_appends(out, "{\"cniVersion\":\"") != 0 || buf_appends(out, version) != 0
            || buf_appends(out, "\",\"supportedVersions\":[") != 0) {
        return -1;
    }
    for (size_t i = 0; i < SUPPORTED_COUNT; i++) {
        if (buf_appends(out, i == 0 ? "\"" : ",\"") != 0 || buf_appends(out, SUPPORTED[i]) != 0
                || buf_appendc(out, '"') != 0) {
            return -1;
        }
    }
    return buf_appends(out, "]}");
}

int cni_error_json(struct buf *out, const char *version, int code, const char *msg, size_t msg_len,
                   const char *details, size_t details_len)
{
    if (buf_appends(out, "{\"cniVersion\":") != 0 || jquote(out, version, strlen(version)) != 0
            || buf_appends(out, ",\"code\":") != 0 || buf_appendu(out, (unsigned long long) code) != 0
            || buf_appends(out, ",\"msg\":") != 0 || jquote(out, msg, msg_len) != 0) {
        return -1;
    }
    if (details != NULL && details_len > 0
            && (buf_appends(out, ",\"details\":") != 0 || jquote(out, details, details_len) != 0)) {
        return -1;
    }
    return buf_appendc(out, '}');
}

int cni_deadline_seconds(const char *value, long *seconds)
{
    if (value == NULL || value[0] == '\0') {
        *seconds = CNI_DEFAULT_DEADLINE_SECONDS;
        return 0;
    }
    size_t start = 0;
    size_t end = strlen(value);
    while (start < end && (unsigned char) value[start] <= ' ') { /* String.trim */
        start++;
    }
    while (end > start && (unsigned char) value[end - 1] <= ' ') {
        end--;
    }
    int negative = 0;
    if (start < end && (value[start] == '+' || value[start] == '-')) {
        negative = value[start] == '-';
        start++;
    }
    if (start == end) {
        return -1;
    }
    long n = 0;
    for (size_t i = start; i < end; i++) {
        if (value[i] < '0' || value[i] > '9') {
            return -1;
        }
        if (n <= CNI_MAX_DEADLINE_SECONDS) { /* stays small: anything larger is refused anyway */
            n = n * 10 + (value[i] - '0');
        }
    }
    if (negative || n < 1 || n > CNI_MAX_DEADLINE_SECONDS) {
        return -1;
    }
    *seconds = n;
    return 0;
}

int cni_command_is(const char *value, const char *name)
{
    return value != NULL && strcasecmp(value, name) == 0;
}
