/* The human and script views of a summary for `greyscan report`. */
#ifndef GS_REPORT_H
#define GS_REPORT_H

#include <stdio.h>

#include "summary/summary.h"

/* Aligned table: rank, domain, new, early-retry, delayed passes, median and
 * max delay, median and p90 wait and mails that never passed (the pair
 * evidence; "n/a" without it), distinct addresses and networks, an example
 * host; at most limit rows (0: all). Returns -1 on a write error (errno
 * set). */
int gs_report_table(FILE *out, const struct gs_summary *s, size_t limit);

/* The summary as one JSON object on one line, built with libfastjson:
 * summary_version, generated, window (start, end, seconds, retry_window),
 * totals (the summary's, pairs_evicted and pairs_open included; version 2
 * figures null in a version 1 summary), and domains: the same rows as the
 * table, at most limit (0: all), each with its counts, delays, addresses,
 * networks, example and pairs (see advice/evidence_json.h, null without
 * pair evidence). -1 on no memory or a write error (errno set). */
int gs_report_json(FILE *out, const struct gs_summary *s, size_t limit);

#endif
