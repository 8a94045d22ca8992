#include "request.h"

#include <string.h>

#include "jquote.h"

int request_encode(const struct cnienv *env, const char *stdin_text, size_t stdin_len, struct buf *out)
{
    if (buf_appends(out, "{\"env\":{") != 0) {
        return -1;
    }
    for (size_t i = 0; i < env->count; i++) {
        const struct cnienv_var *v = &env->vars[i];
        if ((i > 0 && buf_appendc(out, ',') != 0) || jquote(out, v->name, v->name_len) != 0
                || buf_appendc(out, ':') != 0 || jquote(out, v->value, strlen(v->value)) != 0) {
            return -1;
        }
    }
    if (buf_appends(out, "},\"stdin\":") != 0 || jquote(out, stdin_text, stdin_len) != 0
            || buf_appendc(out, '}') != 0) {
        return -1;
    }
    return 0;
}
