/* Admission and eviction: a new group gets into the table only through
 * gs_tally_group_get(), which first makes room in a full tally by dropping
 * its least significant groups (design in tally.h). This file calls the
 * group table's functions (tally_group.c); they never call back.
 *
 * Concurrency & locking: gs_tally_group_get() changes the group table, the
 * totals, the scratch array and the pivot state t->rng, and is called with
 * t->lock held (tally_int.h); it takes no lock. */
#include "gs_config.h"

#include <stdlib.h>

#include "tally/tally_int.h"

#define EVICT_DIVISOR 16 /* a batch evicts max_groups / this */

/* A group's rank for eviction: lower goes first. */
struct rank {
	uint64_t score; /* new + early_retry in the window */
	int64_t last_seen;
	struct group *g;
};

/* xorshift64*: pivots for the selection, seeded at random. */
static uint64_t next_random(uint64_t *state)
{
	uint64_t x = *state;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*state = x;
	return x * 0x2545f4914f6cdd1dull;
}

static int rank_cmp(const struct rank *a, const struct rank *b)
{
	if (a->score != b->score)
		return a->score < b->score ? -1 : 1;
	if (a->last_seen != b->last_seen)
		return a->last_seen < b->last_seen ? -1 : 1;
	return 0;
}

static void rank_swap(struct rank *r, size_t i, size_t j)
{
	struct rank x = r[i];

	r[i] = r[j];
	r[j] = x;
}

/* Moves the k lowest ranks to r[0..k): quickselect with random pivots and a
 * three-way partition, so equal ranks (common: many groups seen once) stay
 * linear. Expected O(n). */
static void select_lowest(struct rank *r, size_t n, size_t k, uint64_t *rng)
{
	size_t lo = 0, hi = n, lt, gt, i;
	struct rank pivot;
	int c;

	while (hi - lo > 1 && k > lo && k < hi) {
		pivot = r[lo + next_random(rng) % (hi - lo)];
		/* [lo, lt) < pivot, [lt, i) == pivot, [gt, hi) > pivot */
		lt = lo;
		i = lo;
		gt = hi;
		while (i < gt) {
			c = rank_cmp(&r[i], &pivot);
			if (c < 0)
				rank_swap(r, lt++, i++);
			else if (c > 0)
				rank_swap(r, i, --gt);
			else
				i++;
		}
		if (k <= lt)
			hi = lt;
		else if (k >= gt)
			lo = gt;
		else
			return;
	}
}

/* Evicts the least significant max_groups/16 groups (at least one). The
 * groups were pruned by the sweep just before. */
static int evict_batch(struct gs_tally *t)
{
	size_t n = 0, k, b, i;
	struct group *g;
	struct rank *r;

	if (t->scratch_cap < t->n_groups) {
		r = realloc(t->scratch, t->n_groups * sizeof(*r));
		if (r == NULL)
			return -1;
		t->scratch = r;
		t->scratch_cap = t->n_groups;
	}
	for (b = 0; b < t->n_buckets; b++) {
		for (g = t->buckets[b]; g != NULL; g = g->next) {
			t->scratch[n].score = g->score;
			t->scratch[n].last_seen = g->last_seen;
			t->scratch[n].g = g;
			n++;
		}
	}
	k = t->max_groups / EVICT_DIVISOR;
	if (k < 1)
		k = 1;
	if (k > n)
		k = n;
	select_lowest(t->scratch, n, k, &t->rng);
	for (i = 0; i < k; i++)
		gs_tally_group_remove(t, t->scratch[i].g);
	t->totals.evicted += k;
	return 0;
}

/* Makes room for one more group in a full tally: sweeps, then evicts a
 * batch if still full. -1 on no memory. */
static int make_room(struct gs_tally *t)
{
	gs_tally_sweep(t);
	if (t->n_groups < t->max_groups)
		return 0;
	return evict_batch(t);
}

struct group *gs_tally_group_get(struct gs_tally *t, const struct group_key *k,
				 enum gs_group_kind kind)
{
	struct group *g = gs_tally_group_find(t, k);

	if (g != NULL)
		return g;
	if (t->n_groups >= t->max_groups && make_room(t) < 0)
		return NULL;
	return gs_tally_group_create(t, k, kind);
}
