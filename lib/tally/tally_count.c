/* The tally's line accounting: totals.lines, ignored and unparsed, the
 * samples of unparsed lines, and the counters through which a thread
 * counts its lines without the lock (design in tally.h).
 *
 * Concurrency & locking: the totals, the samples and the list of open
 * counters are guarded by t->lock (tally_int.h). A counter's two numbers
 * are written by its owner thread alone, without the lock, with release
 * stores (lines before ignored), and read by whoever holds t->lock with
 * acquire loads (ignored before lines), so a reader never sees a line's
 * kind counted before the line itself. Opening and closing a counter take
 * the lock to link or unlink it; closing folds its numbers into the totals
 * in the same critical section, so nothing is counted twice or lost. Each
 * counter has a cache line of its own: the owners never write to a line
 * another thread writes. */
#include "gs_config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "base/sanitize.h"
#include "tally/tally_int.h"

#define CACHE_LINE_BYTES 64

struct gs_tally_counter {
	uint64_t lines, ignored; /* owner: release stores; readers: acquire */
	struct gs_tally *t;	 /* NULL once gs_tally_free() detached it */
	struct gs_tally_counter *prev, *next; /* under t->lock */
};

/* What c has counted so far; t->lock held (or c's owner calling). */
static void counter_read(const struct gs_tally_counter *c, uint64_t *lines,
			 uint64_t *ignored)
{
	*ignored = __atomic_load_n(&c->ignored, __ATOMIC_ACQUIRE);
	*lines = __atomic_load_n(&c->lines, __ATOMIC_ACQUIRE);
}

/* Moves what c counted into t's own totals and unlinks it; lock held. */
static void counter_fold(struct gs_tally *t, struct gs_tally_counter *c)
{
	uint64_t lines, ignored;

	counter_read(c, &lines, &ignored);
	t->totals.lines += lines;
	t->totals.ignored += ignored;
	if (c->prev != NULL)
		c->prev->next = c->next;
	else
		t->counters = c->next;
	if (c->next != NULL)
		c->next->prev = c->prev;
	c->prev = c->next = NULL;
	c->t = NULL;
}

struct gs_tally_counter *gs_tally_counter_open(struct gs_tally *t, char *err,
					       size_t errlen)
{
	struct gs_tally_counter *c;
	size_t size = (sizeof(*c) + CACHE_LINE_BYTES - 1) / CACHE_LINE_BYTES *
		      CACHE_LINE_BYTES;

	if (t == NULL) {
		gs_seterr(err, errlen, "tally counter: no tally");
		return NULL;
	}
	c = aligned_alloc(CACHE_LINE_BYTES, size);
	if (c == NULL) {
		gs_seterr(err, errlen, "tally counter: %s", strerror(ENOMEM));
		return NULL;
	}
	memset(c, 0, sizeof(*c));
	c->t = t;
	tally_lock(t);
	c->next = t->counters;
	if (c->next != NULL)
		c->next->prev = c;
	t->counters = c;
	tally_unlock(t);
	return c;
}

void gs_tally_counter_add(struct gs_tally_counter *c, uint64_t lines,
			  uint64_t ignored)
{
	/* Only the owner writes: a load and a store, no read-modify-write. */
	__atomic_store_n(&c->lines,
			 __atomic_load_n(&c->lines, __ATOMIC_RELAXED) + lines,
			 __ATOMIC_RELEASE);
	if (ignored > 0)
		__atomic_store_n(
		    &c->ignored,
		    __atomic_load_n(&c->ignored, __ATOMIC_RELAXED) + ignored,
		    __ATOMIC_RELEASE);
}

void gs_tally_counter_close(struct gs_tally_counter *c)
{
	struct gs_tally *t;

	if (c == NULL)
		return;
	t = c->t;
	if (t != NULL) {
		tally_lock(t);
		counter_fold(t, c);
		tally_unlock(t);
	}
	free(c);
}

void gs_tally_detach_counters(struct gs_tally *t)
{
	while (t->counters != NULL)
		counter_fold(t, t->counters);
}

void gs_tally_totals_locked(const struct gs_tally *t, struct gs_totals *out)
{
	const struct gs_tally_counter *c;
	struct gs_pairs_counts pc;
	uint64_t lines, ignored;

	*out = t->totals;
	for (c = t->counters; c != NULL; c = c->next) {
		counter_read(c, &lines, &ignored);
		out->lines += lines;
		out->ignored += ignored;
	}
	out->groups = t->n_groups;
	out->pairs_open = 0;
	if (t->pairs != NULL) {
		gs_pairs_counts(t->pairs, &pc);
		out->pairs_open = pc.held;
	}
}

void gs_tally_totals(struct gs_tally *t, struct gs_totals *out)
{
	tally_lock(t);
	gs_tally_totals_locked(t, out);
	tally_unlock(t);
}

void gs_tally_count_line(struct gs_tally *t)
{
	tally_lock(t);
	t->totals.lines++;
	tally_unlock(t);
}

void gs_tally_count_ignored(struct gs_tally *t)
{
	tally_lock(t);
	t->totals.ignored++;
	tally_unlock(t);
}

void gs_tally_push_sample(struct gs_tally *t, const char *line, size_t len)
{
	gs_sanitize_text(t->samples[t->next_sample], sizeof(t->samples[0]),
			 line, len);
	t->next_sample = (t->next_sample + 1) % GS_MAX_SAMPLES;
	if (t->n_samples < GS_MAX_SAMPLES)
		t->n_samples++;
}

const char *gs_tally_sample_at(const struct gs_tally *t, size_t i)
{
	size_t first =
	    (t->next_sample + GS_MAX_SAMPLES - t->n_samples) % GS_MAX_SAMPLES;

	return t->samples[(first + i) % GS_MAX_SAMPLES];
}

void gs_tally_count_unparsed(struct gs_tally *t, const char *line, size_t len)
{
	tally_lock(t);
	t->totals.unparsed++;
	if (line != NULL)
		gs_tally_push_sample(t, line, len);
	tally_unlock(t);
}
