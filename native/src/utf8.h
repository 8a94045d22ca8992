/* utf8: decoding untrusted bytes as UTF-8 the way Java's decoder does, so that text this program
 * passes on reads exactly as the Java plugin's did: every maximal ill-formed subpart (Unicode 3.9,
 * "U+FFFD substitution of maximal subparts") becomes one U+FFFD. */
#ifndef DHCP_UTF8_H
#define DHCP_UTF8_H

#include <stddef.h>
#include <stdint.h>

#define UTF8_REPLACEMENT 0xFFFDu

/* Decodes the code point at s[0..n) (n > 0) into *cp and returns how many bytes it took (1..4). */
size_t utf8_next(const unsigned char *s, size_t n, uint32_t *cp);

/* Writes cp (<= 0x10FFFF, not a surrogate) as UTF-8 into out[4]; returns the length (1..4). */
size_t utf8_put(uint32_t cp, unsigned char out[4]);

#endif
