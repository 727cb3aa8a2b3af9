/* The human and script views of a summary for `greyscan report`. */
#ifndef GS_REPORT_H
#define GS_REPORT_H

#include <stdio.h>

#include "summary/summary.h"

/* Aligned table: rank, domain, new, early-retry, delayed passes, median and
 * max delay, distinct addresses and networks, an example host; at most limit
 * rows (0: all). Returns -1 on a write error. */
int gs_report_table(FILE *out, const struct gs_summary *s, size_t limit);

/* The same rows as a JSON array of objects (built with libfastjson). */
int gs_report_json(FILE *out, const struct gs_summary *s, size_t limit);

#endif
