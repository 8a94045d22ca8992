/* libFuzzer target: what a runtime hands the forwarder, the environment and stdin. The input is
 * environment entries, one a line, then a NUL byte, then stdin. Runs the configuration scan, the
 * version choice and the request encoding, and checks that the encoded request is itself one valid
 * JSON object (every value quoted right) and that the scan found what it reports. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cni.h"
#include "cnienv.h"
#include "jscan.h"
#include "request.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *nul = memchr(data, '\0', size);
    size_t env_len = nul == NULL ? 0 : (size_t) (nul - data);
    const char *stdin_text = (const char *) (nul == NULL ? data : nul + 1);
    size_t stdin_len = nul == NULL ? size : size - env_len - 1;

    /* the environment block as envp: entries split at newlines, each NUL-terminated */
    char *block = malloc(env_len + 1);
    char **envp = calloc(env_len + 2, sizeof *envp);
    if (block == NULL || envp == NULL) {
        free(block);
        free(envp);
        return 0;
    }
    memcpy(block, data, env_len);
    block[env_len] = '\0';
    size_t count = 0;
    char *line = block;
    for (size_t i = 0; i <= env_len; i++) {
        if (block[i] == '\n' || block[i] == '\0') {
            block[i] = '\0';
            envp[count++] = line;
            line = block + i + 1;
        }
    }
    envp[count] = NULL;

    struct cnienv env;
    struct jscan_result config;
    if (cnienv_collect(envp, &env) == 0 && jscan(stdin_text, stdin_len, &config) == 0) {
        const char *version = cni_version_of(&config, CNI_IMPLIED);
        if (!cni_supported(version, strlen(version))) {
            abort();
        }
        if (!config.object && (config.version.kind != JSCAN_ABSENT || config.socket.kind != JSCAN_ABSENT)) {
            abort();
        }
        for (size_t i = 0; i < env.count; i++) {
            if (strncmp(env.vars[i].name, "CNI_", 4) != 0) {
                abort();
            }
        }
        struct buf request = BUF_INIT;
        if (request_encode(&env, stdin_text, stdin_len, &request) == 0) {
            struct jscan_result again;
            if (jscan(request.data, request.len, &again) == 0 && !again.object) {
                abort(); /* the encoder wrote something that is not a JSON object */
            }
            jscan_free(&again);
        }
        buf_free(&request);
        jscan_free(&config);
        long seconds;
        cni_deadline_seconds(cnienv_get(&env, CNI_DEADLINE_VARIABLE), &seconds);
    }
    cnienv_free(&env);
    free(envp);
    free(block);
    return 0;
}
