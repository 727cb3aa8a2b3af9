/* Internals shared by the scan's files; nothing outside lib/ingest/scan*.c
 * includes this. The parts:
 *   scan.c           gs_scan_file: reads blocks and cuts them into lines
 *   scan_read.c      opening a file (or standard input) for zlib, errors
 *   scan_batch.c     a block's lines judged into records, and counted
 *   scan_pipe.c      the batches between the reading thread and the
 *                    threads that judge them, handed back in file order
 *   scan_progress.c  the progress line on a terminal
 * Calls go one way: scan.c calls the others, scan_pipe.c calls
 * scan_batch.c, and those two, scan_read.c and scan_progress.c call none
 * of the scan's files.
 *
 * Concurrency & locking: see scan_pipe.c. A batch belongs to one thread at
 * a time, handed over through the pipe under its mutex. */
#ifndef GS_SCAN_INT_H
#define GS_SCAN_INT_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>
#include <zlib.h>

#include "ingest/ingest.h"
#include "ingest/scan.h"

/* A block, unless the ctx says: small enough that its lines are still in
 * the cache (L2) when they are judged right after being cut. */
#define GS_SCAN_READ_BYTES	(256 * 1024)
#define GS_SCAN_BATCH_MAX_LINES 16384 /* lines cut into one batch */

/* ---- Batches (scan_batch.c) ---- */

/* One line cut from a block: where it is in the batch's buffer. An
 * over-long line is its first GS_INGEST_LINE_MAX_BYTES. */
struct span {
	uint32_t off, len;
	bool overlong;
};

/* The event's strings and its group, as offsets into the batch's arena. */
enum {
	STR_NAME,
	STR_ADDRESS,
	STR_SENDER,
	STR_RECIPIENT,
	STR_QUEUE_ID,
	STR_HOST,
	STR_GROUP,
	STRS
};
#define NO_STR UINT32_MAX /* the string is absent (NULL) */

/* A line that counts under the tally's lock, in the order of the lines:
 * a decision, with copies of its strings, or an unparsed line. */
struct record {
	enum gs_ingest_kind kind; /* GS_INGEST_ACTION or GS_INGEST_UNPARSED */
	uint32_t span;		  /* the line (an unparsed one's sample) */
	enum gs_group_kind group_kind;
	struct gs_event ev; /* ACTION; its string pointers unset */
	uint32_t str[STRS];
};

struct batch {
	char *buf; /* the block read, starting with the previous rest */
	size_t have;
	time_t ref;	     /* for year inference: the file's */
	uint64_t first_line; /* lines of the file before this block's */
	struct span *spans;  /* every line cut from buf */
	size_t n_spans, cap_spans;
	/* Filled by the thread that judges it: */
	struct record *recs;
	size_t n_recs, cap_recs;
	char *arena; /* NUL-terminated strings of the records */
	size_t arena_len, arena_cap;
	uint64_t ignored; /* IGNORED lines, which need no record */
	size_t n_judged;  /* spans judged (and counted as lines) */
	bool failed;	  /* judging ran out of memory at span n_judged - 1 */
	/* The pipe's (scan_pipe.c): */
	bool judged;		   /* under the pipe's mutex */
	struct batch *next;	   /* in the free or the todo queue */
	struct batch *flight_next; /* in the flight list */
};

/* A batch with a buffer of bufsize bytes. NULL on no memory. */
struct batch *gs_scan_batch_new(size_t bufsize);
void gs_scan_batch_free(struct batch *b);
/* Empties b for the next block; its buffer and arrays are kept. */
void gs_scan_batch_clear(struct batch *b);
/* Adds a line of b->buf; false on no memory. */
bool gs_scan_batch_add_line(struct batch *b, const char *line, size_t len,
			    bool overlong);
/* Judges every line of b with in (which may have no tally) and rb, into
 * records; stops at the first line there is no memory for (b->failed,
 * b->n_judged tells where). Touches nothing but b and in. */
void gs_scan_batch_judge(struct batch *b, struct gs_ingest *in,
			 const struct gs_rulebase *rb);
/* Counts b's judged lines into in's tally, in order. */
void gs_scan_batch_count(const struct batch *b, struct gs_ingest *in);

/* ---- The pipe (scan_pipe.c) ---- */

struct queue {
	struct batch *head, *tail;
};

struct pipe;

/* What a worker thread is started with. */
struct worker_arg {
	struct pipe *pipe;
	struct gs_ingest *ingest; /* the worker's own, without a tally */
	struct gs_rulebase *rb;	  /* the worker's own copy of ctx->rb */
};

struct pipe {
	const struct gs_scan_ctx *ctx;
	struct gs_ingest *own; /* the reading thread's: judges and counts */
	struct queue free;     /* the reading thread's alone */
	struct queue flight;   /* handed on, in file order (flight_next) */
	bool failed;	       /* a counted batch ran out of memory */
	uint64_t failed_line;  /* its line that did */
	pthread_mutex_t mut;
	pthread_cond_t work_cond, judged_cond;
	struct queue todo; /* under mut: waiting to be judged */
	bool stop;	   /* under mut: the workers are to exit */
	bool locks_ok;
	pthread_t *workers;
	struct worker_arg *args;
	unsigned n_workers;
};

/* The pipe with room for threads judging threads (the caller included),
 * its batches of bufsize bytes, its ingests and its workers (as many as
 * can start). On failure err names no file and gs_scan_pipe_destroy()
 * frees what was made. */
int gs_scan_pipe_init(struct pipe *p, const struct gs_scan_ctx *ctx,
		      size_t bufsize, char *err, size_t errlen);
/* A free batch, cleared: counts the oldest batch in flight to free one
 * when none is (judging it first if no thread has). */
struct batch *gs_scan_pipe_take_free(struct pipe *p);
/* Hands a filled batch on to be judged and then counted. */
void gs_scan_pipe_give(struct pipe *p, struct batch *b);
/* Counts every batch in flight, in order. */
void gs_scan_pipe_drain(struct pipe *p);
/* Stops the workers, frees everything; after gs_scan_pipe_drain. */
void gs_scan_pipe_destroy(struct pipe *p);

/* ---- Reading (scan_read.c) ---- */

/* Opens path ("-": standard input) for gzread, which decompresses gzip
 * (found by its magic bytes) and passes anything else through, and finds
 * the reference time for year inference: the file's modification time,
 * or now for standard input. NULL with err naming the file. */
gzFile gs_scan_open(const char *path, time_t *ref, char *err, size_t errlen);
/* Text of the last zlib error on gz (errno's for a system error). */
const char *gs_scan_gz_error(gzFile gz);
/* Closes gz; -1 with err naming the file when zlib reports an error. */
int gs_scan_close(gzFile gz, const char *path, char *err, size_t errlen);

/* ---- Progress (scan_progress.c) ---- */

struct progress {
	FILE *out; /* NULL: no progress shown */
	const char *name;
	uint64_t bytes, lines;
	struct timespec last;
	unsigned since_check;
};

/* Starts showing progress of name on out (NULL: none). */
void gs_scan_progress_start(struct progress *pr, FILE *out, const char *name);
/* One more line: shows the figures at most twice a second. */
void gs_scan_progress_line(struct progress *pr);
/* The last figures and a newline. */
void gs_scan_progress_end(struct progress *pr);

#endif
