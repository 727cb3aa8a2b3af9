/* Scanning log files: plain or gzip-compressed (zlib), or standard input,
 * line by line through the one ingest path (ingest.h) into the tally.
 * Used by `greyscan scan` and the benchmarks. Every line read is counted in
 * the tally's totals.lines, whichever program wrote it.
 *
 * Threads: the calling thread reads the file in blocks and cuts them into
 * lines; the lines of each block are judged (framed, parsed, grouped) by
 * threads - 1 further threads, and by the caller when it would otherwise
 * wait; the caller counts the judged blocks into the tally one after the
 * other in file order. Judging a line depends on nothing but the line and
 * the file's reference time, and counting sees the lines in file order, so
 * the tally (window, examples, samples, hosts, eviction) ends up exactly as
 * with one thread, whatever the number. */
#ifndef GS_SCAN_H
#define GS_SCAN_H

#include <stddef.h>
#include <stdio.h>

#include "input/group.h"
#include "input/parser.h"
#include "tally/tally.h"

#define GS_SCAN_MAX_THREADS 64

struct gs_scan_ctx {
	const struct gs_rulebase *rb;
	const struct gs_grouper *grouper;
	struct gs_tally *tally;
	FILE *progress;	    /* progress lines go here (a terminal), or NULL */
	unsigned threads;   /* that judge lines, the caller included: 1 is the
			       caller alone; 0 is taken as 1, more than
			       GS_SCAN_MAX_THREADS as that */
	size_t block_bytes; /* read at once; 0: 256 KiB (tests use less) */
};

/* Scans path ("-" for standard input; gzip detected by its magic bytes, not
 * the name). Lines over GS_INGEST_LINE_MAX_BYTES (64 KiB) are judged by
 * their beginning and the rest skipped. -1 with err naming the file (and
 * line, for a read error) when it cannot be opened or read, after counting
 * what was read; lines that do not parse are counted, never an error. When
 * a thread cannot be started, the others (at least the caller) do its
 * work. */
int gs_scan_file(const struct gs_scan_ctx *ctx, const char *path, char *err,
		 size_t errlen);

/* The number of online processors, at least 1 and at most
 * GS_SCAN_MAX_THREADS: the CLI's default for threads. */
unsigned gs_scan_default_threads(void);

#endif
