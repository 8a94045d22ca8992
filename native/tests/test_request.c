#include "check.h"
#include "request.h"

static void encodesTheSortedEnvironmentAndTheRawStdin(void)
{
    char *envp[] = {"CNI_PATH=/opt/cni/bin", "CNI_COMMAND=ADD", "HOME=/root", NULL};
    struct cnienv env;
    CHECK(cnienv_collect(envp, &env) == 0);
    struct buf out = BUF_INIT;
    const char *stdin_text = "{\"cniVersion\":\"1.0.0\"}\n";
    CHECK(request_encode(&env, stdin_text, strlen(stdin_text), &out) == 0);
    CHECK_BYTES(out.data, out.len,
                "{\"env\":{\"CNI_COMMAND\":\"ADD\",\"CNI_PATH\":\"/opt/cni/bin\"},"
                "\"stdin\":\"{\\\"cniVersion\\\":\\\"1.0.0\\\"}\\n\"}");
    buf_free(&out);
    cnienv_free(&env);
}

static void anEmptyEnvironmentAndStdinAreAnEmptyObjectAndString(void)
{
    char *envp[] = {NULL};
    struct cnienv env;
    CHECK(cnienv_collect(envp, &env) == 0);
    struct buf out = BUF_INIT;
    CHECK(request_encode(&env, NULL, 0, &out) == 0);
    CHECK_BYTES(out.data, out.len, "{\"env\":{},\"stdin\":\"\"}");
    buf_free(&out);
}

static void valuesAreEscapedAsTheJavaSideQuotesThem(void)
{
    char *envp[] = {"CNI_ARGS=a=\"b\";c=\\\x01", NULL};
    struct cnienv env;
    CHECK(cnienv_collect(envp, &env) == 0);
    struct buf out = BUF_INIT;
    CHECK(request_encode(&env, "\t\xff", 2, &out) == 0);
    CHECK_BYTES(out.data, out.len, "{\"env\":{\"CNI_ARGS\":\"a=\\\"b\\\";c=\\\\\\u0001\"},\"stdin\":\"\\t\xef\xbf\xbd\"}");
    buf_free(&out);
    cnienv_free(&env);
}

int main(void)
{
    RUN(encodesTheSortedEnvironmentAndTheRawStdin);
    RUN(anEmptyEnvironmentAndStdinAreAnEmptyObjectAndString);
    RUN(valuesAreEscapedAsTheJavaSideQuotesThem);
    return check_done("request");
}
