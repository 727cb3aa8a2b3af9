/* Scanning log files: plain or gzip-compressed (zlib), or standard input,
 * line by line through gs_logline_split, the parser, the grouper and the
 * tally. Used by `greyscan scan` and the benchmarks. */
#ifndef GS_SCAN_H
#define GS_SCAN_H

#include <stddef.h>
#include <stdio.h>

#include "group.h"
#include "parser.h"
#include "tally.h"

struct gs_scan_ctx {
	const struct gs_rulebase *rb;
	const struct gs_grouper *grouper;
	struct gs_tally *tally;
	FILE *progress; /* progress lines go here (a terminal), or NULL */
};

/* Scans path ("-" for standard input; gzip detected by its magic bytes, not
 * the name). Lines over 64 KiB are counted as unparsed and skipped. -1 with
 * err naming the file (and line, for a read error) when it cannot be opened
 * or read; lines that do not parse are counted, never an error. */
int gs_scan_file(const struct gs_scan_ctx *ctx, const char *path, char *err,
		 size_t errlen);

/* Counts one log line (no newline), with ref for year inference. */
void gs_scan_line(const struct gs_scan_ctx *ctx, const char *line, size_t len,
		  time_t ref);

#endif
