/* Bounded parsing of numbers from command lines and configuration values,
 * shared by every front end so that all of them accept the same forms. */
#ifndef GS_NUMBER_H
#define GS_NUMBER_H

#include <stdbool.h>
#include <stdint.h>

/* A whole decimal number within [min, max]: digits only (no sign, no white
 * space, no trailing text). false on anything else; *out is then unchanged. */
bool gs_parse_ulong(const char *text, unsigned long min, unsigned long max,
		    unsigned long *out);

/* A duration in seconds: a whole number with an optional unit s, m, h or d
 * ("90", "90s", "15m", "12h", "7d"), within [min_s, max_s]. */
bool gs_parse_duration(const char *text, uint32_t min_s, uint32_t max_s,
		       uint32_t *out);

#endif
