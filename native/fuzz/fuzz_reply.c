/* libFuzzer target: the daemon's answer. Parses it; a well-formed one must carry an exit code in
 * 0..255 and text inside the answer; a malformed one is described and rendered into the error object
 * the forwarder prints, which must be one valid JSON object. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cni.h"
#include "jscan.h"
#include "reply.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *answer = (const char *) data;
    struct reply r;
    if (reply_parse(answer, size, &r) == 0) {
        if (r.exit_code < 0 || r.exit_code > 255 || r.text < answer || r.text + r.text_len != answer + size) {
            abort();
        }
        return 0;
    }
    struct buf why = BUF_INIT;
    struct buf json = BUF_INIT;
    if (reply_describe_malformed(answer, size, &why) == 0
            && cni_error_json(&json, "1.0.0", 11, why.data, why.len, answer, size) == 0) {
        struct jscan_result check;
        if (jscan(json.data, json.len, &check) == 0 && !check.object) {
            abort(); /* the error object is not valid JSON */
        }
        jscan_free(&check);
    }
    buf_free(&why);
    buf_free(&json);
    return 0;
}
