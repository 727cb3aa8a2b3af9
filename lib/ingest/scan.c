/* Scanning a log file into the tally (design in scan.h): the reading
 * thread's part. The file is read through zlib (scan_read.c) in large
 * blocks into batches; each block is cut into lines in place, and the
 * unfinished last line carried over into the next batch. A line longer
 * than GS_INGEST_LINE_MAX_BYTES is judged by its beginning and the rest
 * skipped as it streams past, so memory stays bounded; a CR before the LF
 * is not part of the line. The batches go through the pipe (scan_pipe.c)
 * to be judged and counted in file order.
 *
 * Concurrency & locking: this file runs in the calling thread alone; the
 * batches it hands on and gets back are the pipe's business (see
 * scan_pipe.c). The progress output and the zlib stream are this thread's
 * alone. */
#include "gs_config.h"

#include <stdbool.h>
#include <string.h>
#include <unistd.h>

#include "base/error.h"
#include "ingest/scan_int.h"

/* One file's scan, on the reading side. */
struct scanner {
	struct pipe pipe;
	struct batch *cur; /* being filled */
	bool skipping;	   /* inside the tail of an over-long line */
	time_t ref;	   /* the file's reference time (year inference) */
	size_t bufsize;	   /* of a batch: a block after the longest rest */
	struct progress pr;
};

/* The next batch to fill, its first line being the next one. */
static struct batch *start_batch(struct scanner *sc)
{
	struct batch *b = gs_scan_pipe_take_free(&sc->pipe);

	b->ref = sc->ref;
	b->first_line = sc->pr.lines;
	return b;
}

/* One complete line of len bytes at p (its LF not included). */
static bool cut_line(struct scanner *sc, struct batch *b, const char *p,
		     size_t len)
{
	bool ok = true;

	if (sc->skipping) {
		sc->skipping = false; /* the end of an over-long line */
	} else {
		if (len > 0 && p[len - 1] == '\r')
			len--;
		if (len > GS_INGEST_LINE_MAX_BYTES)
			ok = gs_scan_batch_add_line(
			    b, p, GS_INGEST_LINE_MAX_BYTES, true);
		else
			ok = gs_scan_batch_add_line(b, p, len, false);
	}
	gs_scan_progress_line(&sc->pr);
	return ok;
}

/* Cuts the complete lines of the current batch (at most
 * GS_SCAN_BATCH_MAX_LINES), hands it on and starts the next batch with the
 * rest: the unfinished last line, or the lines beyond the limit, which
 * bounds the memory a batch of tiny lines takes. false when memory runs
 * out. */
static bool cut_block(struct scanner *sc)
{
	struct batch *b = sc->cur, *next;
	char *p = b->buf, *end = b->buf + b->have, *nl = NULL;
	size_t rest;
	bool ok = true, full = false;

	while (ok && !(full = b->n_spans >= GS_SCAN_BATCH_MAX_LINES) &&
	       (nl = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		ok = cut_line(sc, b, p, (size_t)(nl - p));
		p = nl + 1;
	}
	rest = (size_t)(end - p);
	if (sc->skipping) {
		rest = 0; /* still inside the over-long line */
	} else if (ok && !full && rest > GS_INGEST_LINE_MAX_BYTES) {
		/* No newline in the rest (a full batch's rest may have some,
		 * and is judged once it is cut). */
		ok = gs_scan_batch_add_line(b, p, GS_INGEST_LINE_MAX_BYTES,
					    true);
		sc->skipping = true;
		rest = 0;
	}
	next = start_batch(sc);
	memcpy(next->buf, p, rest);
	next->have = rest;
	gs_scan_pipe_give(&sc->pipe, b);
	sc->cur = next;
	return ok;
}

/* The end of the stream: the lines a full batch left, then the last line,
 * which has no newline. */
static bool cut_tail(struct scanner *sc)
{
	struct batch *b;
	size_t len;

	while (memchr(sc->cur->buf, '\n', sc->cur->have) != NULL)
		if (!cut_block(sc))
			return false;
	b = sc->cur;
	len = b->have;
	if (len == 0 || sc->skipping)
		return true;
	if (b->buf[len - 1] == '\r')
		len--;
	gs_scan_progress_line(&sc->pr);
	if (len > GS_INGEST_LINE_MAX_BYTES)
		return gs_scan_batch_add_line(b, b->buf,
					      GS_INGEST_LINE_MAX_BYTES, true);
	return gs_scan_batch_add_line(b, b->buf, len, false);
}

static int no_memory(const char *path, uint64_t line, char *err, size_t errlen)
{
	return gs_seterr(err, errlen, "%s: line %llu: out of memory", path,
			 (unsigned long long)line);
}

static int read_error(struct scanner *sc, gzFile gz, const char *path,
		      char *err, size_t errlen)
{
	return gs_seterr(err, errlen, "%s: line %llu: read error: %s", path,
			 (unsigned long long)sc->pr.lines + 1,
			 gs_scan_gz_error(gz));
}

/* Reads gz to its end through cut_block. */
static int scan_stream(struct scanner *sc, gzFile gz, const char *path,
		       char *err, size_t errlen)
{
	int code, n;

	for (;;) {
		/* A rest leaves room: it is at most the longest line, or what
		 * follows GS_SCAN_BATCH_MAX_LINES cut lines. */
		n = gzread(gz, sc->cur->buf + sc->cur->have,
			   (unsigned)(sc->bufsize - sc->cur->have));
		if (n < 0)
			return read_error(sc, gz, path, err, errlen);
		if (n == 0)
			break;
		sc->pr.bytes += (uint64_t)n;
		sc->cur->have += (size_t)n;
		if (!cut_block(sc))
			return no_memory(path, sc->pr.lines, err, errlen);
		if (sc->pipe.failed)
			return no_memory(path, sc->pipe.failed_line, err,
					 errlen);
	}
	/* gzread ends quietly at a cut-off gzip stream; say so. */
	(void)gzerror(gz, &code);
	if (code != Z_OK)
		return read_error(sc, gz, path, err, errlen);
	if (!cut_tail(sc))
		return no_memory(path, sc->pr.lines, err, errlen);
	return 0;
}

/* Scans the opened gz; what was read before an error is counted all the
 * same. */
static int scan_opened(struct scanner *sc, const struct gs_scan_ctx *ctx,
		       gzFile gz, const char *path, char *err, size_t errlen)
{
	size_t block =
	    ctx->block_bytes > 0 ? ctx->block_bytes : GS_SCAN_READ_BYTES;
	char why[GS_ERRLEN];
	int ret;

	/* Room for a whole read after the longest kept partial line. */
	sc->bufsize = GS_INGEST_LINE_MAX_BYTES + block;
	if (gs_scan_pipe_init(&sc->pipe, ctx, sc->bufsize, why, sizeof(why)) !=
	    0)
		return gs_seterr(err, errlen, "%s: %s", path, why);
	gs_scan_progress_start(&sc->pr, ctx->progress, path);
	sc->cur = start_batch(sc);
	ret = scan_stream(sc, gz, path, err, errlen);
	gs_scan_pipe_give(&sc->pipe, sc->cur);
	gs_scan_pipe_drain(&sc->pipe);
	if (ret == 0 && sc->pipe.failed)
		ret = no_memory(path, sc->pipe.failed_line, err, errlen);
	gs_scan_progress_end(&sc->pr);
	return ret;
}

int gs_scan_file(const struct gs_scan_ctx *ctx, const char *path, char *err,
		 size_t errlen)
{
	struct scanner sc;
	char why[GS_ERRLEN];
	gzFile gz;
	int ret;

	if (ctx == NULL || path == NULL)
		return gs_seterr(err, errlen, "scan: no file given");
	memset(&sc, 0, sizeof(sc));
	gz = gs_scan_open(path, &sc.ref, err, errlen);
	if (gz == NULL)
		return -1;
	ret = scan_opened(&sc, ctx, gz, path, err, errlen);
	/* The threads are joined before the file is closed. */
	gs_scan_pipe_destroy(&sc.pipe);
	if (gs_scan_close(gz, path, why, sizeof(why)) != 0 && ret == 0)
		ret = gs_seterr(err, errlen, "%s", why);
	return ret;
}

unsigned gs_scan_default_threads(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	if (n < 1)
		return 1;
	return n > GS_SCAN_MAX_THREADS ? GS_SCAN_MAX_THREADS : (unsigned)n;
}
