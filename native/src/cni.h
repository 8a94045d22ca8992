/* cni: what the forwarder answers by itself, worded as the Java side words it: the VERSION answer
 * (CniVersion.versionInfoJson), error objects (CniException.toJson), the version an error is written
 * in (CniRequest.versionOf) and the plugin deadline variable (CNI_DHCP_PLUGIN_TIMEOUT). */
#ifndef DHCP_CNI_H
#define DHCP_CNI_H

#include <stddef.h>

#include "buf.h"
#include "jscan.h"

#define CNI_LATEST "1.1.0"
/* What libcni assumes when a config carries no cniVersion. */
#define CNI_IMPLIED "0.1.0"

#define CNI_ERR_INVALID_ENVIRONMENT 4
#define CNI_ERR_IO_FAILURE 5
#define CNI_ERR_INVALID_NETWORK_CONFIG 7
#define CNI_ERR_TRY_AGAIN_LATER 11
#define CNI_ERR_STATUS_CANNOT_SERVE_ADD 50

#define CNI_DEADLINE_VARIABLE "CNI_DHCP_PLUGIN_TIMEOUT"
/* A little over the daemon's longest ADD (-resendtimeout, 208 s by default). */
#define CNI_DEFAULT_DEADLINE_SECONDS 240
#define CNI_MAX_DEADLINE_SECONDS 86400

/* Whether version (len bytes) is one of the versions this plugin speaks. */
int cni_supported(const char *version, size_t len);

/* The version of a scanned config: its supported cniVersion, when_absent when it has none (or
 * null), else (unsupported, not a string, not a JSON object) the latest. */
const char *cni_version_of(const struct jscan_result *config, const char *when_absent);

/* Appends the answer to VERSION. */
int cni_version_info(struct buf *out, const char *version);

/* Appends the error object; details may be NULL or empty (then left out). */
int cni_error_json(struct buf *out, const char *version, int code, const char *msg, size_t msg_len,
                   const char *details, size_t details_len);

/* The deadline in seconds from the variable's value (NULL or "" when unset): 0 and *seconds set, or
 * -1 when the value is not a number of seconds in 1..86400 (read as Java's Long.parseLong(v.trim())). */
int cni_deadline_seconds(const char *value, long *seconds);

/* Whether a CNI_COMMAND value is name, in any case (ASCII). */
int cni_command_is(const char *value, const char *name);

#endif
