/* jquote: JSON string literals, written exactly as the Java side's MiniJson.quote writes them
 * (quotes included): '"' '\\' and \n \r \t escaped by name, other control characters as \u00xx
 * (lower-case hex), everything else as it is, the text first decoded as UTF-8 (utf8.h). */
#ifndef DHCP_JQUOTE_H
#define DHCP_JQUOTE_H

#include "buf.h"

int jquote(struct buf *out, const char *text, size_t n);

#endif
