/* Copying untrusted text (names and lines from the log) into fixed-size
 * buffers so that it is safe in JSON and on a terminal. Pure functions. */
#ifndef GS_SANITIZE_H
#define GS_SANITIZE_H

#include <stddef.h>

/* Copies in[0..len) into out (outsize >= 1 bytes, NUL-terminated): at most
 * outsize - 1 bytes, never part of a character; control bytes and bytes
 * that are not well-formed UTF-8 become '?'. Returns the length written. */
size_t gs_sanitize_text(char *out, size_t outsize, const char *in, size_t len);

#endif
