#include "capture.h"

#include "cnienv.h"
#include "forward.h"

void capture_file(FILE *f, struct buf *out)
{
    out->len = 0;
    rewind(f);
    char chunk[65536];
    size_t r;
    while ((r = fread(chunk, 1, sizeof chunk, f)) > 0) {
        buf_append(out, chunk, r);
    }
}

int capture_forward(char *const *envp, const char *stdin_text, size_t n, const char *default_socket,
                    struct buf *out)
{
    FILE *in = tmpfile();
    FILE *o = tmpfile();
    fwrite(stdin_text, 1, n, in);
    fflush(in);
    rewind(in);
    struct cnienv env;
    cnienv_collect(envp, &env);
    int exit_code = forward_to(&env, fileno(in), fileno(o), default_socket);
    cnienv_free(&env);
    capture_file(o, out);
    fclose(in);
    fclose(o);
    return exit_code;
}
