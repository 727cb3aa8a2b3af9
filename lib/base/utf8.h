/* UTF-8 as the core accepts it: well-formed sequences only (RFC 3629), so
 * that a name is safe in JSON and compares as it displays. Pure. */
#ifndef GS_UTF8_H
#define GS_UTF8_H

#include <stddef.h>

/* Length (1 to 4) of the well-formed UTF-8 sequence at s, of which n >= 1
 * bytes may be read; 0 when there is none there: a continuation or invalid
 * lead byte, a sequence cut short by n, an overlong form, a surrogate
 * (U+D800..U+DFFF) or a value past U+10FFFF. An ASCII byte, NUL and
 * control bytes included, is a sequence of 1. */
size_t gs_utf8_seq_len(const unsigned char *s, size_t n);

#endif
