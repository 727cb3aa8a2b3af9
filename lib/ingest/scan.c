/* Scanning log files into the tally.
 *
 * A file is read through zlib's gzread, which decompresses gzip and passes
 * anything else through unchanged, in large blocks. Lines are cut in place:
 * other programs' lines are dropped by their tag, postgrey's go through
 * liblognorm (gs_parse_message), client names through a group cache. A line
 * longer than GS_LINE_MAX_BYTES is judged by its first GS_LINE_MAX_BYTES and
 * the rest is skipped as it streams past, so memory stays bounded. Every
 * line read counts in totals.lines.
 *
 * Two threads share a file. The reading thread (the caller) reads a block
 * into a batch, cuts and frames its lines and parses postgrey's, which is
 * the larger part of the work; what the counting needs goes into the
 * batch's records (the lines stay in the batch's buffer, the event's
 * strings are copied into its arena, so the parse result is released at
 * once by the thread that made it). The counting thread takes the batches
 * in the order they were filled, groups the clients and feeds the tally,
 * which so sees the lines in file order, as with one thread. When no
 * thread can be started, the caller counts each batch itself.
 *
 * Concurrency & locking: batches pass between the two threads through two
 * FIFO queues, free and filled, guarded by pipe->mut, with one condition
 * variable each. A batch belongs to the thread that took it from a queue,
 * which uses it without a lock until it puts it into the other queue. The
 * reading thread alone uses the rulebase, the logline cache, the input and
 * the progress output; the counting thread alone uses the group cache and
 * calls into the tally (which has its own lock). pipe->mut is held only
 * inside the queue functions, which call nothing else. */
#include "ingest/scan.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "base/error.h"
#include "input/logline.h"

#define GS_LINE_MAX_BYTES	(64 * 1024)   /* longer lines are unparsed */
#define GS_READ_BYTES		(1024 * 1024) /* one read from the file */
#define GS_GZ_BUFFER_BYTES	(256 * 1024)  /* zlib's own input buffer */
#define GS_HOST_MAX		256 /* bytes of a host name, NUL incl. */
#define GS_PIPE_BATCHES		4   /* batches in flight between threads */
#define GS_PROGRESS_NS		500000000L /* at most two updates a second */
#define GS_PROGRESS_EVERY_LINES 16384	   /* look at the clock this often */
#define GS_RECORDS_FIRST	1024	   /* records a batch starts with */
#define GS_ARENA_FIRST_BYTES	(64 * 1024)

/* ---- Batches: what the reading thread found in one block ---- */

enum record_kind {
	REC_ACTION,   /* a decision: ev and its strings */
	REC_IGNORED,  /* a known postgrey line that is no decision */
	REC_UNPARSED, /* postgrey's (or maybe), not understood: line */
};

/* The event's strings, as offsets into the batch's arena. */
enum { STR_NAME, STR_ADDRESS, STR_SENDER, STR_RECIPIENT, STR_QUEUE_ID, STRS };
#define NO_STR UINT32_MAX /* the string is absent (NULL) */

struct record {
	enum record_kind kind;
	const char *line; /* into the batch's buffer (or the caller's line) */
	size_t line_len;
	const char *host; /* into line, not NUL-terminated */
	size_t host_len;
	struct gs_event ev; /* REC_ACTION; its string pointers unset */
	uint32_t str[STRS];
};

struct batch {
	char *buf; /* the block read, starting with the previous rest */
	size_t have;
	uint64_t lines; /* every line cut from buf, with a record or not */
	struct record *recs;
	size_t n_recs, cap_recs;
	char *arena; /* NUL-terminated strings of the records' events */
	size_t arena_len, arena_cap;
	struct batch *next; /* in a queue */
};

static void batch_free(struct batch *b)
{
	if (b == NULL)
		return;
	free(b->buf);
	free(b->recs);
	free(b->arena);
	free(b);
}

/* A batch with a buffer of bufsize bytes (none if 0). */
static struct batch *batch_new(size_t bufsize)
{
	struct batch *b = calloc(1, sizeof(*b));

	if (b == NULL)
		return NULL;
	if (bufsize > 0 && (b->buf = malloc(bufsize)) == NULL) {
		batch_free(b);
		return NULL;
	}
	return b;
}

/* Empties b for the next block; its buffer is left as it is. */
static void batch_clear(struct batch *b)
{
	b->lines = 0;
	b->n_recs = 0;
	b->arena_len = 0;
}

/* A new record at the end of b, or NULL when memory runs out. Records are
 * bounded by the block: every one holds at least one line. */
static struct record *batch_add(struct batch *b, enum record_kind kind,
				const char *line, size_t len)
{
	struct record *r;
	size_t cap;

	if (b->n_recs == b->cap_recs) {
		cap = b->cap_recs > 0 ? 2 * b->cap_recs : GS_RECORDS_FIRST;
		r = realloc(b->recs, cap * sizeof(*r));
		if (r == NULL)
			return NULL;
		b->recs = r;
		b->cap_recs = cap;
	}
	r = &b->recs[b->n_recs++];
	memset(r, 0, sizeof(*r));
	r->kind = kind;
	r->line = line;
	r->line_len = len;
	return r;
}

/* Copies s (NULL: absent) into b's arena and stores where into *at. */
static bool arena_put(struct batch *b, const char *s, uint32_t *at)
{
	size_t len, cap;
	char *p;

	if (s == NULL) {
		*at = NO_STR;
		return true;
	}
	len = strlen(s) + 1;
	if (len > b->arena_cap - b->arena_len) {
		cap = b->arena_cap > 0 ? b->arena_cap : GS_ARENA_FIRST_BYTES;
		while (cap - b->arena_len < len)
			cap *= 2;
		if (cap >= NO_STR || (p = realloc(b->arena, cap)) == NULL)
			return false;
		b->arena = p;
		b->arena_cap = cap;
	}
	memcpy(b->arena + b->arena_len, s, len);
	*at = (uint32_t)b->arena_len;
	b->arena_len += len;
	return true;
}

static const char *arena_get(const struct batch *b, uint32_t at)
{
	return at == NO_STR ? NULL : b->arena + at;
}

/* ---- The reading side: lines into records ---- */

struct reader {
	const struct gs_scan_ctx *ctx;
	struct gs_logline_cache clock;
	time_t ref; /* for year inference */
};

/* Finds "postgrey" in a line whose framing is broken: only such lines are
 * counted as unparsed, other broken lines cannot be attributed. */
static bool mentions_postgrey(const char *line, size_t len)
{
	static const char word[] = "postgrey";
	const size_t wlen = sizeof(word) - 1;
	const char *p = line, *end = line + len;

	while ((size_t)(end - p) >= wlen) {
		p = memchr(p, 'p', (size_t)(end - p) - wlen + 1);
		if (p == NULL)
			return false;
		if (memcmp(p, word, wlen) == 0)
			return true;
		p++;
	}
	return false;
}

/* Records a decision with copies of its strings. */
static bool record_action(struct batch *b, const char *line, size_t len,
			  const struct gs_logline *ll,
			  const struct gs_event *ev)
{
	const char *strs[STRS] = {ev->client_name, ev->client_address,
				  ev->sender, ev->recipient, ev->queue_id};
	struct record *r = batch_add(b, REC_ACTION, line, len);
	size_t i;

	if (r == NULL)
		return false;
	r->host = ll->host;
	r->host_len = ll->host_len;
	r->ev = *ev;
	r->ev.time = ll->time;
	/* Its strings die with the parse result: the arena's are used. */
	r->ev.client_name = r->ev.client_address = NULL;
	r->ev.sender = r->ev.recipient = r->ev.queue_id = NULL;
	for (i = 0; i < STRS; i++)
		if (!arena_put(b, strs[i], &r->str[i]))
			return false;
	return true;
}

/* Judges one line into b. false when memory runs out. */
static bool read_line(struct reader *rd, struct batch *b, const char *line,
		      size_t len)
{
	struct gs_logline ll;
	struct gs_parsed parsed;
	bool ok = true;

	b->lines++;
	switch (gs_logline_split_cached(line, len, rd->ref, &rd->clock, &ll)) {
	case GS_LINE_OTHER:
		return true;
	case GS_LINE_MALFORMED:
		if (!mentions_postgrey(line, len))
			return true;
		return batch_add(b, REC_UNPARSED, line, len) != NULL;
	case GS_LINE_POSTGREY:
		break;
	}
	switch (gs_parse_message(rd->ctx->rb, ll.msg, ll.msg_len, &parsed)) {
	case GS_PARSE_ACTION:
		ok = record_action(b, line, len, &ll, &parsed.ev);
		break;
	case GS_PARSE_OTHER:
		ok = batch_add(b, REC_IGNORED, line, len) != NULL;
		break;
	case GS_PARSE_UNPARSED:
		ok = batch_add(b, REC_UNPARSED, line, len) != NULL;
		break;
	}
	gs_parsed_release(&parsed);
	return ok;
}

/* A line longer than GS_LINE_MAX_BYTES, of which head is the beginning:
 * unparsed if it is, or may be, postgrey's. */
static bool read_overlong(struct reader *rd, struct batch *b, const char *head,
			  size_t len)
{
	struct gs_logline ll;

	b->lines++;
	if (gs_logline_split(head, len, rd->ref, &ll) == GS_LINE_OTHER ||
	    !mentions_postgrey(head, len))
		return true;
	return batch_add(b, REC_UNPARSED, head, len) != NULL;
}

/* ---- The counting side: records into the tally ---- */

/* Counts a decision; false when it gives no group or no host. */
static bool count_action(const struct gs_scan_ctx *ctx,
			 struct gs_group_cache *groups, const struct batch *b,
			 const struct record *r)
{
	char group[GS_GROUP_MAX];
	char host[GS_HOST_MAX];
	struct gs_event ev = r->ev;
	enum gs_group_kind kind;

	if (r->host_len >= sizeof(host))
		return false;
	ev.client_name = arena_get(b, r->str[STR_NAME]);
	ev.client_address = arena_get(b, r->str[STR_ADDRESS]);
	ev.sender = arena_get(b, r->str[STR_SENDER]);
	ev.recipient = arena_get(b, r->str[STR_RECIPIENT]);
	ev.queue_id = arena_get(b, r->str[STR_QUEUE_ID]);
	if (gs_group_cache_of(groups, ev.client_name, ev.client_address, group,
			      &kind) != 0)
		return false;
	memcpy(host, r->host, r->host_len);
	host[r->host_len] = '\0';
	ev.host = host;
	/* -1 means no memory or a bad event; the tally counts either. */
	(void)gs_tally_add(ctx->tally, &ev, group, kind);
	return true;
}

static void count_batch(const struct gs_scan_ctx *ctx,
			struct gs_group_cache *groups, const struct batch *b)
{
	const struct record *r;
	uint64_t i;

	for (i = 0; i < b->lines; i++)
		gs_tally_count_line(ctx->tally);
	for (r = b->recs; r < b->recs + b->n_recs; r++) {
		switch (r->kind) {
		case REC_ACTION:
			if (!count_action(ctx, groups, b, r))
				gs_tally_count_unparsed(ctx->tally, r->line,
							r->line_len);
			break;
		case REC_IGNORED:
			gs_tally_count_ignored(ctx->tally);
			break;
		case REC_UNPARSED:
			gs_tally_count_unparsed(ctx->tally, r->line,
						r->line_len);
			break;
		}
	}
}

/* ---- The pipe between the two threads ---- */

struct queue {
	struct batch *head, *tail;
};

struct pipe {
	const struct gs_scan_ctx *ctx;
	struct gs_group_cache *groups; /* the counting thread's */
	bool threaded;		       /* false: the reader counts */
	pthread_t counter;
	bool locks_ok;
	pthread_mutex_t mut;
	pthread_cond_t free_cond, filled_cond;
	struct queue free, filled; /* under mut */
	bool done;		   /* under mut: nothing more will be filled */
};

static void queue_put(struct queue *q, struct batch *b)
{
	b->next = NULL;
	if (q->tail != NULL)
		q->tail->next = b;
	else
		q->head = b;
	q->tail = b;
}

static struct batch *queue_take(struct queue *q)
{
	struct batch *b = q->head;

	if (b != NULL) {
		q->head = b->next;
		if (q->head == NULL)
			q->tail = NULL;
	}
	return b;
}

/* The next free batch, waiting for the counter to give one back. */
static struct batch *pipe_take_free(struct pipe *p)
{
	struct batch *b;

	pthread_mutex_lock(&p->mut);
	while ((b = queue_take(&p->free)) == NULL)
		pthread_cond_wait(&p->free_cond, &p->mut);
	pthread_mutex_unlock(&p->mut);
	batch_clear(b);
	return b;
}

static void pipe_give_free(struct pipe *p, struct batch *b)
{
	pthread_mutex_lock(&p->mut);
	queue_put(&p->free, b);
	pthread_cond_signal(&p->free_cond);
	pthread_mutex_unlock(&p->mut);
}

/* Hands a filled batch to the counting thread, or counts it here. */
static void pipe_give_filled(struct pipe *p, struct batch *b)
{
	if (!p->threaded) {
		count_batch(p->ctx, p->groups, b);
		pipe_give_free(p, b);
		return;
	}
	pthread_mutex_lock(&p->mut);
	queue_put(&p->filled, b);
	pthread_cond_signal(&p->filled_cond);
	pthread_mutex_unlock(&p->mut);
}

/* The next filled batch, or NULL once the reader is done and all are
 * counted. */
static struct batch *pipe_take_filled(struct pipe *p)
{
	struct batch *b;

	pthread_mutex_lock(&p->mut);
	while ((b = queue_take(&p->filled)) == NULL && !p->done)
		pthread_cond_wait(&p->filled_cond, &p->mut);
	pthread_mutex_unlock(&p->mut);
	return b;
}

static void *counter_main(void *arg)
{
	struct pipe *p = arg;
	struct batch *b;

	while ((b = pipe_take_filled(p)) != NULL) {
		count_batch(p->ctx, p->groups, b);
		pipe_give_free(p, b);
	}
	return NULL;
}

/* Starts the counting thread with every signal blocked, so that signals
 * keep going to the caller's threads. Without it the reader counts. */
static void pipe_start(struct pipe *p, unsigned threads)
{
	sigset_t all, old;

	p->threaded = false;
	if (threads < 2)
		return;
	sigfillset(&all);
	if (pthread_sigmask(SIG_SETMASK, &all, &old) != 0)
		return;
	p->threaded = pthread_create(&p->counter, NULL, counter_main, p) == 0;
	(void)pthread_sigmask(SIG_SETMASK, &old, NULL);
}

/* Lets the counting thread finish what was filled and waits for it. */
static void pipe_finish(struct pipe *p)
{
	if (!p->threaded)
		return;
	pthread_mutex_lock(&p->mut);
	p->done = true;
	pthread_cond_signal(&p->filled_cond);
	pthread_mutex_unlock(&p->mut);
	(void)pthread_join(p->counter, NULL);
	p->threaded = false;
}

/* ---- Reading a file ---- */

struct progress {
	FILE *out;
	const char *name;
	uint64_t bytes, lines;
	struct timespec last;
	unsigned since_check;
};

/* One file's scan, on the reading side. */
struct scanner {
	struct reader rd;
	struct pipe *pipe;
	struct batch *cur; /* being filled */
	bool skipping;	   /* inside the tail of an over-long line */
	struct progress pr;
};

static void progress_print(struct progress *pr, const char *end)
{
	/* Progress is a courtesy: a failing terminal does not fail a scan. */
	(void)fprintf(pr->out, "\r%s: %.1f MB, %llu lines%s", pr->name,
		      (double)pr->bytes / (1024.0 * 1024.0),
		      (unsigned long long)pr->lines, end);
	(void)fflush(pr->out);
}

static void progress_tick(struct progress *pr)
{
	struct timespec now;
	long ns;

	if (pr->out == NULL || ++pr->since_check < GS_PROGRESS_EVERY_LINES)
		return;
	pr->since_check = 0;
	if (clock_gettime(CLOCK_MONOTONIC, &now) != 0)
		return;
	ns = (now.tv_sec - pr->last.tv_sec) * 1000000000L +
	     (now.tv_nsec - pr->last.tv_nsec);
	if (ns < GS_PROGRESS_NS)
		return;
	pr->last = now;
	progress_print(pr, "");
}

/* Opens path ("-": standard input) for gzread and finds the reference time
 * for year inference. */
static gzFile open_input(const char *path, time_t *ref, char *err,
			 size_t errlen)
{
	struct stat st;
	gzFile gz;
	int fd;

	if (strcmp(path, "-") == 0) {
		/* A copy, so that gzclose leaves standard input open. */
		fd = dup(STDIN_FILENO);
		*ref = time(NULL);
	} else {
		fd = open(path, O_RDONLY | O_CLOEXEC);
	}
	if (fd < 0) {
		gs_seterr(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) != 0) {
		gs_seterr(err, errlen, "%s: %s", path, strerror(errno));
		goto fail;
	}
	if (S_ISDIR(st.st_mode)) {
		gs_seterr(err, errlen, "%s: %s", path, strerror(EISDIR));
		goto fail;
	}
	if (strcmp(path, "-") != 0)
		*ref = st.st_mtime;
	gz = gzdopen(fd, "rb");
	if (gz == NULL) {
		gs_seterr(err, errlen,
			  "%s: cannot start reading (out of memory)", path);
		goto fail;
	}
	if (gzbuffer(gz, GS_GZ_BUFFER_BYTES) != 0) {
		gs_seterr(err, errlen, "%s: cannot size the read buffer", path);
		(void)gzclose(gz);
		return NULL;
	}
	return gz;

fail:
	(void)close(fd);
	return NULL;
}

/* Text of the last zlib error on gz. */
static const char *gz_error_text(gzFile gz, int *code)
{
	const char *text = gzerror(gz, code);

	if (*code == Z_ERRNO)
		return strerror(errno);
	return text;
}

/* Judges every complete line of the current batch, hands it on and starts
 * the next batch with the unfinished rest. false when memory runs out. */
static bool scan_block(struct scanner *sc)
{
	struct batch *b = sc->cur, *next;
	char *p = b->buf, *end = b->buf + b->have, *nl;
	size_t len, rest;
	bool ok = true;

	while (ok && (nl = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		len = (size_t)(nl - p);
		if (sc->skipping) {
			sc->skipping = false;
		} else {
			if (len > 0 && p[len - 1] == '\r')
				len--;
			if (len > GS_LINE_MAX_BYTES)
				ok = read_overlong(&sc->rd, b, p,
						   GS_LINE_MAX_BYTES);
			else
				ok = read_line(&sc->rd, b, p, len);
		}
		sc->pr.lines++;
		progress_tick(&sc->pr);
		p = nl + 1;
	}
	rest = (size_t)(end - p);
	if (sc->skipping) {
		rest = 0; /* still inside the over-long line */
	} else if (ok && rest > GS_LINE_MAX_BYTES) {
		ok = read_overlong(&sc->rd, b, p, GS_LINE_MAX_BYTES);
		sc->skipping = true;
		rest = 0;
	}
	next = pipe_take_free(sc->pipe);
	memcpy(next->buf, p, rest);
	next->have = rest;
	pipe_give_filled(sc->pipe, b);
	sc->cur = next;
	return ok;
}

/* The last line, which has no newline. */
static bool scan_tail(struct scanner *sc)
{
	struct batch *b = sc->cur;
	bool ok = true;

	if (b->have > 0 && !sc->skipping) {
		if (b->buf[b->have - 1] == '\r')
			b->have--;
		ok = read_line(&sc->rd, b, b->buf, b->have);
		sc->pr.lines++;
	}
	b->have = 0;
	return ok;
}

/* Reads gz to its end through scan_block. */
static int scan_stream(struct scanner *sc, gzFile gz, size_t bufsize,
		       const char *path, char *err, size_t errlen)
{
	int code, n;

	for (;;) {
		n = gzread(gz, sc->cur->buf + sc->cur->have,
			   (unsigned)(bufsize - sc->cur->have));
		if (n < 0)
			return gs_seterr(err, errlen,
					 "%s: line %llu: read error: %s", path,
					 (unsigned long long)sc->pr.lines + 1,
					 gz_error_text(gz, &code));
		if (n == 0)
			break;
		sc->pr.bytes += (uint64_t)n;
		sc->cur->have += (size_t)n;
		if (!scan_block(sc))
			goto no_memory;
	}
	/* gzread ends quietly at a cut-off gzip stream; say so. */
	(void)gzerror(gz, &code);
	if (code != Z_OK)
		return gs_seterr(err, errlen, "%s: line %llu: read error: %s",
				 path, (unsigned long long)sc->pr.lines + 1,
				 gz_error_text(gz, &code));
	if (!scan_tail(sc))
		goto no_memory;
	return 0;
no_memory:
	return gs_seterr(err, errlen, "%s: line %llu: out of memory", path,
			 (unsigned long long)sc->pr.lines);
}

/* Frees what pipe_init() made; after pipe_finish(), every batch is back
 * in the free queue. */
static void pipe_destroy(struct pipe *p)
{
	struct batch *b;

	while ((b = queue_take(&p->free)) != NULL)
		batch_free(b);
	if (p->locks_ok) {
		pthread_cond_destroy(&p->filled_cond);
		pthread_cond_destroy(&p->free_cond);
		pthread_mutex_destroy(&p->mut);
	}
	gs_group_cache_free(p->groups);
}

/* The pipe's locks, group cache and batches. On failure, err names no
 * file and pipe_destroy() frees what was made. */
static int pipe_init(struct pipe *p, const struct gs_scan_ctx *ctx,
		     size_t bufsize, char *err, size_t errlen)
{
	struct batch *b;
	int i;

	memset(p, 0, sizeof(*p));
	p->ctx = ctx;
	if (pthread_mutex_init(&p->mut, NULL) != 0)
		return gs_seterr(err, errlen, "cannot create a lock");
	if (pthread_cond_init(&p->free_cond, NULL) != 0) {
		pthread_mutex_destroy(&p->mut);
		return gs_seterr(err, errlen, "cannot create a lock");
	}
	if (pthread_cond_init(&p->filled_cond, NULL) != 0) {
		pthread_cond_destroy(&p->free_cond);
		pthread_mutex_destroy(&p->mut);
		return gs_seterr(err, errlen, "cannot create a lock");
	}
	p->locks_ok = true;
	p->groups = gs_group_cache_new(
	    ctx->grouper, GS_GROUP_CACHE_DEFAULT_SLOTS, err, errlen);
	if (p->groups == NULL)
		return -1;
	for (i = 0; i < GS_PIPE_BATCHES; i++) {
		if ((b = batch_new(bufsize)) == NULL)
			return gs_seterr(err, errlen, "out of memory");
		queue_put(&p->free, b);
	}
	return 0;
}

int gs_scan_file_threads(const struct gs_scan_ctx *ctx, const char *path,
			 unsigned threads, char *err, size_t errlen)
{
	/* Room for a whole read after the longest kept partial line. */
	const size_t bufsize = GS_LINE_MAX_BYTES + GS_READ_BYTES;
	struct scanner sc;
	struct pipe pipe;
	char why[GS_ERRLEN];
	gzFile gz = NULL;
	int ret = -1, code;

	if (ctx == NULL || path == NULL)
		return gs_seterr(err, errlen, "scan: no file given");
	memset(&sc, 0, sizeof(sc));
	sc.rd.ctx = ctx;
	gs_logline_cache_init(&sc.rd.clock);
	sc.pipe = &pipe;
	if (pipe_init(&pipe, ctx, bufsize, why, sizeof(why)) != 0) {
		gs_seterr(err, errlen, "%s: %s", path, why);
		goto out;
	}
	gz = open_input(path, &sc.rd.ref, err, errlen);
	if (gz == NULL)
		goto out;
	sc.pr.out = ctx->progress;
	sc.pr.name = path;
	if (sc.pr.out != NULL)
		(void)clock_gettime(CLOCK_MONOTONIC, &sc.pr.last);
	pipe_start(&pipe, threads);
	sc.cur = pipe_take_free(&pipe);
	sc.cur->have = 0;
	ret = scan_stream(&sc, gz, bufsize, path, err, errlen);
	/* What was read before an error is counted all the same. */
	pipe_give_filled(&pipe, sc.cur);
	pipe_finish(&pipe);

out:
	if (gz != NULL) {
		code = gzclose(gz);
		if (code != Z_OK && ret == 0)
			ret = gs_seterr(err, errlen, "%s: close: %s", path,
					code == Z_ERRNO ? strerror(errno)
							: "zlib error");
	}
	if (sc.pr.out != NULL)
		progress_print(&sc.pr, "\n");
	pipe_destroy(&pipe);
	return ret;
}

int gs_scan_file(const struct gs_scan_ctx *ctx, const char *path, char *err,
		 size_t errlen)
{
	return gs_scan_file_threads(ctx, path, 2, err, errlen);
}

void gs_scan_line(const struct gs_scan_ctx *ctx, const char *line, size_t len,
		  time_t ref)
{
	struct gs_group_cache *groups;
	struct reader rd;
	struct batch *b;

	if (ctx == NULL || line == NULL)
		return;
	/* A cache of two slots: nothing worth keeping for one line. */
	groups = gs_group_cache_new(ctx->grouper, 2, NULL, 0);
	b = batch_new(0);
	memset(&rd, 0, sizeof(rd));
	rd.ctx = ctx;
	rd.ref = ref;
	if (groups != NULL && b != NULL && read_line(&rd, b, line, len)) {
		count_batch(ctx, groups, b);
	} else {
		/* No memory to judge it: counted, as the tally does. */
		gs_tally_count_line(ctx->tally);
		gs_tally_count_unparsed(ctx->tally, line, len);
	}
	batch_free(b);
	gs_group_cache_free(groups);
}
