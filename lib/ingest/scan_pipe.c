/* The pipe: batches between the reading thread and the judging threads,
 * back to the reading thread in file order for counting.
 *
 * The reading thread (the scan's caller) fills a batch with a block's
 * lines and gives it to the pipe: it joins the end of the flight list
 * (every batch handed on, in file order) and of the todo queue, from which
 * any judging thread takes it. A worker judges it with its own ingest and
 * marks it judged. When the reading thread needs a free batch and has
 * none, it counts the oldest batch in flight: it waits until that batch is
 * judged, judging batches from todo itself meanwhile (so that without
 * workers it judges everything, and with them it never idles while there
 * is work), then counts it with its own ingest, the only one that counts,
 * and keeps it as free. The tally thus sees the blocks one after the other
 * in file order, and within a block the lines in order.
 *
 * Concurrency & locking: mut guards todo, stop and every batch's judged
 * flag (and the next links of the batches in todo); work_cond tells the
 * workers of work or of stop, judged_cond tells the reading thread that a
 * batch was judged. A batch taken from todo belongs to the thread that
 * took it until it sets judged under mut; from then on (and before it was
 * given) to the reading thread, which reads the batch's contents only
 * after seeing judged set under mut. The free queue, the flight list (its
 * flight_next links), the failure note and the reading thread's ingest are
 * that thread's alone, without a lock. The workers' ingests are their own.
 * mut is never held while judging, counting or calling anything but the
 * queue functions and the condition variables. */
#include "gs_config.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "ingest/scan_int.h"

#define GS_PIPE_AHEAD_MAX 8 /* batches waiting in todo, at most */

/* The batches of a pipe for threads judging threads: one being filled,
 * one judged and waiting to be counted, one per thread being judged, and
 * besides one more per worker waiting in todo (up to a limit), so that a
 * worker finds the next batch there while the reading thread judges or
 * counts. */
static unsigned pipe_batches(unsigned threads)
{
	unsigned ahead = threads - 1;

	if (ahead > GS_PIPE_AHEAD_MAX)
		ahead = GS_PIPE_AHEAD_MAX;
	return 2 + threads + ahead;
}

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

static void queue_free(struct queue *q)
{
	struct batch *b;

	while ((b = queue_take(q)) != NULL)
		gs_scan_batch_free(b);
}

/* Marks b judged and wakes the reading thread, which may wait for it. */
static void set_judged(struct pipe *p, struct batch *b)
{
	pthread_mutex_lock(&p->mut);
	b->judged = true;
	pthread_cond_signal(&p->judged_cond);
	pthread_mutex_unlock(&p->mut);
}

static void *worker_main(void *arg)
{
	struct pipe *p = ((struct worker_arg *)arg)->pipe;
	struct gs_ingest *in = ((struct worker_arg *)arg)->ingest;
	const struct gs_rulebase *rb = ((struct worker_arg *)arg)->rb;
	struct batch *b;

	for (;;) {
		pthread_mutex_lock(&p->mut);
		while (!p->stop && p->todo.head == NULL)
			pthread_cond_wait(&p->work_cond, &p->mut);
		b = p->stop ? NULL : queue_take(&p->todo);
		pthread_mutex_unlock(&p->mut);
		if (b == NULL)
			return NULL;
		gs_scan_batch_judge(b, in, rb);
		set_judged(p, b);
	}
}

/* Counts the oldest batch in flight and frees it (see the top). */
static void count_oldest(struct pipe *p)
{
	struct batch *b = p->flight.head, *t;

	pthread_mutex_lock(&p->mut);
	while (!b->judged) {
		t = queue_take(&p->todo);
		if (t == NULL) {
			pthread_cond_wait(&p->judged_cond, &p->mut);
			continue;
		}
		pthread_mutex_unlock(&p->mut);
		gs_scan_batch_judge(t, p->own, p->ctx->rb);
		pthread_mutex_lock(&p->mut);
		t->judged = true;
	}
	pthread_mutex_unlock(&p->mut);
	p->flight.head = b->flight_next;
	if (p->flight.head == NULL)
		p->flight.tail = NULL;
	/* After a failure nothing later is counted, as when reading stops. */
	if (!p->failed) {
		gs_scan_batch_count(b, p->own);
		if (b->failed) {
			p->failed = true;
			p->failed_line = b->first_line + b->n_judged;
		}
	}
	queue_put(&p->free, b);
}

struct batch *gs_scan_pipe_take_free(struct pipe *p)
{
	struct batch *b;

	while (p->free.head == NULL)
		count_oldest(p);
	b = queue_take(&p->free);
	gs_scan_batch_clear(b);
	return b;
}

void gs_scan_pipe_give(struct pipe *p, struct batch *b)
{
	b->flight_next = NULL;
	if (p->flight.tail != NULL)
		p->flight.tail->flight_next = b;
	else
		p->flight.head = b;
	p->flight.tail = b;
	pthread_mutex_lock(&p->mut);
	queue_put(&p->todo, b);
	pthread_cond_signal(&p->work_cond);
	pthread_mutex_unlock(&p->mut);
	/* Alone, judge and count it at once, while its lines are still in
	 * the cache from being cut. */
	if (p->n_workers == 0)
		gs_scan_pipe_drain(p);
}

void gs_scan_pipe_drain(struct pipe *p)
{
	while (p->flight.head != NULL)
		count_oldest(p);
}

static void free_worker_arg(struct worker_arg *a)
{
	gs_ingest_free(a->ingest);
	gs_rulebase_free(a->rb);
}

/* Starts up to n workers, each with an ingest and a rulebase of its own
 * (parser.h: liblognorm writes into the rulebase it parses with) and every
 * signal blocked, so that signals keep going to the caller's threads.
 * Those that cannot start leave their work to the others. */
static void start_workers(struct pipe *p, unsigned n)
{
	struct worker_arg *a;
	sigset_t all, old;

	p->workers = calloc(n, sizeof(*p->workers));
	p->args = calloc(n, sizeof(*p->args));
	if (p->workers == NULL || p->args == NULL || n == 0)
		return;
	sigfillset(&all);
	if (pthread_sigmask(SIG_SETMASK, &all, &old) != 0)
		return;
	for (a = p->args; p->n_workers < n; a++) {
		a->pipe = p;
		a->ingest =
		    gs_ingest_new(p->ctx->grouper, NULL,
				  GS_GROUP_CACHE_DEFAULT_SLOTS, NULL, 0);
		a->rb = gs_rulebase_copy(p->ctx->rb, NULL, 0);
		if (a->ingest == NULL || a->rb == NULL ||
		    pthread_create(&p->workers[p->n_workers], NULL, worker_main,
				   a) != 0) {
			free_worker_arg(a);
			break;
		}
		p->n_workers++;
	}
	(void)pthread_sigmask(SIG_SETMASK, &old, NULL);
}

static int init_locks(struct pipe *p, char *err, size_t errlen)
{
	if (pthread_mutex_init(&p->mut, NULL) != 0)
		return gs_seterr(err, errlen, "cannot create a lock");
	if (pthread_cond_init(&p->work_cond, NULL) != 0) {
		pthread_mutex_destroy(&p->mut);
		return gs_seterr(err, errlen, "cannot create a lock");
	}
	if (pthread_cond_init(&p->judged_cond, NULL) != 0) {
		pthread_cond_destroy(&p->work_cond);
		pthread_mutex_destroy(&p->mut);
		return gs_seterr(err, errlen, "cannot create a lock");
	}
	p->locks_ok = true;
	return 0;
}

int gs_scan_pipe_init(struct pipe *p, const struct gs_scan_ctx *ctx,
		      size_t bufsize, char *err, size_t errlen)
{
	unsigned threads = ctx->threads, i;
	struct batch *b;

	memset(p, 0, sizeof(*p));
	p->ctx = ctx;
	if (threads < 1)
		threads = 1;
	if (threads > GS_SCAN_MAX_THREADS)
		threads = GS_SCAN_MAX_THREADS;
	if (init_locks(p, err, errlen) != 0)
		return -1;
	p->own = gs_ingest_new(ctx->grouper, ctx->tally,
			       GS_GROUP_CACHE_DEFAULT_SLOTS, err, errlen);
	if (p->own == NULL)
		return -1;
	for (i = 0; i < pipe_batches(threads); i++) {
		if ((b = gs_scan_batch_new(bufsize)) == NULL)
			return gs_seterr(err, errlen, "out of memory");
		queue_put(&p->free, b);
	}
	start_workers(p, threads - 1);
	return 0;
}

/* Stops the workers: each finishes the batch it judges, if any. */
static void stop_workers(struct pipe *p)
{
	unsigned i;

	if (p->n_workers > 0) {
		pthread_mutex_lock(&p->mut);
		p->stop = true;
		pthread_cond_broadcast(&p->work_cond);
		pthread_mutex_unlock(&p->mut);
	}
	for (i = 0; i < p->n_workers; i++) {
		(void)pthread_join(p->workers[i], NULL);
		free_worker_arg(&p->args[i]);
	}
	p->n_workers = 0;
}

void gs_scan_pipe_destroy(struct pipe *p)
{
	struct batch *b;

	stop_workers(p);
	free(p->workers);
	free(p->args);
	/* Batches not counted (an error stopped the scan): in flight, and
	 * also in todo when no thread took them. */
	while ((b = p->flight.head) != NULL) {
		p->flight.head = b->flight_next;
		gs_scan_batch_free(b);
	}
	queue_free(&p->free);
	if (p->locks_ok) {
		pthread_cond_destroy(&p->judged_cond);
		pthread_cond_destroy(&p->work_cond);
		pthread_mutex_destroy(&p->mut);
	}
	gs_ingest_free(p->own);
	memset(p, 0, sizeof(*p));
}
