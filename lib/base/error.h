/* Error reporting for the core: every fallible function takes a caller's
 * buffer and fills it with a message that names the file, line or parameter
 * at fault. Core code never prints and never exits. */
#ifndef GS_ERROR_H
#define GS_ERROR_H

#include <stddef.h>

#define GS_ERRLEN 512 /* bytes, enough for a path and an errno text */

/* Formats into err (if err is non-NULL and errlen > 0); always returns -1 so
 * that callers can write `return gs_seterr(err, errlen, "...")`. */
int gs_seterr(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
