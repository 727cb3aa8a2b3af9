/* Durations for people: the report's delay columns, the suggestion
 * comments and check_greyscan's output all write them the same way. */
#ifndef GS_DURATION_H
#define GS_DURATION_H

#include <stddef.h>
#include <stdint.h>

/* Two units at most, the second one zero-padded: "45s", "5m10s", "2h03m",
 * "3d04h" (hours under a day drop the seconds, days drop the minutes).
 * out (outlen bytes, NUL-terminated) is truncated if too short; 24 bytes
 * hold any value. */
void gs_format_duration(uint64_t seconds, char *out, size_t outlen);

#endif
