/* Scanning log files: plain or gzip-compressed (zlib), or standard input,
 * line by line through gs_logline_split, the parser, the grouper and the
 * tally. Used by `greyscan scan` and the benchmarks. Every line read is
 * counted in the tally's totals.lines, whichever program wrote it. */
#ifndef GS_SCAN_H
#define GS_SCAN_H

#include <stddef.h>
#include <stdio.h>

#include "input/group.h"
#include "input/parser.h"
#include "tally/tally.h"

struct gs_scan_ctx {
	const struct gs_rulebase *rb;
	const struct gs_grouper *grouper;
	struct gs_tally *tally;
	FILE *progress; /* progress lines go here (a terminal), or NULL */
};

/* Scans path ("-" for standard input; gzip detected by its magic bytes, not
 * the name). Lines over 64 KiB are skipped, and counted as unparsed when
 * they may be postgrey's. -1 with err naming the file (and line, for a read
 * error) when it cannot be opened or read, after counting what was read;
 * lines that do not parse are counted, never an error. */
int gs_scan_file(const struct gs_scan_ctx *ctx, const char *path, char *err,
		 size_t errlen);

/* gs_scan_file() with threads 1: all in the calling thread, or 2 (what
 * gs_scan_file does): a second thread groups and counts, in file order,
 * what the caller reads and parses, so the result is the same. When the
 * second thread cannot be started, the caller does it all. */
int gs_scan_file_threads(const struct gs_scan_ctx *ctx, const char *path,
			 unsigned threads, char *err, size_t errlen);

/* Counts one log line (no newline), with ref for year inference, in the
 * calling thread. */
void gs_scan_line(const struct gs_scan_ctx *ctx, const char *line, size_t len,
		  time_t ref);

#endif
