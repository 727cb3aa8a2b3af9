/* Internals shared by the tally's files (tally.c, tally_count.c,
 * tally_group.c, tally_hosts.c, tally_evict.c, tally_snapshot.c,
 * tally_export.c, tally_import.c); nothing outside them includes this.
 * Design in tally.h. Calls between the files go one way only: tally.c,
 * tally_snapshot.c, tally_export.c and tally_import.c call the others;
 * tally_evict.c calls tally_group.c; tally_group.c, tally_hosts.c and
 * tally_count.c call none of the tally's other files.
 *
 * Concurrency & locking: t->lock guards every field of struct gs_tally that
 * changes after gs_tally_new() and everything reachable from it (the group
 * table, groups, entries, histograms, host names, totals, samples, the
 * eviction scratch array and its pivot state). Each public function on a
 * struct gs_tally takes the lock once (tally_lock/tally_unlock) and calls
 * only the tally's own functions, libc (memory, strings) and gs_seterr()
 * while holding it, so no other lock is ever taken inside it; the
 * functions declared below expect the lock held unless they say they touch
 * no shared state. gs_tally_add() parses and sanitises the event before
 * taking the lock; gs_tally_snapshot() sorts its copy after releasing it.
 * An export takes the lock once per chunk and never holds it between
 * calls; its copy (struct gs_tally_copy) belongs to its caller alone and is
 * read without the lock. The one exception to "under the lock": an open
 * counter's numbers, written by its owner without the lock and read under
 * it with atomic loads (tally_count.c). The configuration (window_s,
 * slot_s, max_groups), the hash seed and the histogram bin bounds are set
 * by gs_tally_new() and only read afterwards. */
#ifndef GS_TALLY_INT_H
#define GS_TALLY_INT_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "tally/addrset.h"
#include "tally/delayhist.h"
#include "tally/tally.h"

_Static_assert(GS_DELAYHIST_BINS == GS_TALLY_HIST_BINS,
	       "the tally's histograms are struct gs_delayhist");
_Static_assert(GS_TALLY_MAX_ADDRS <= UINT8_MAX,
	       "a group counts its addresses in a uint8_t");

#define OTHER_HOST_ID	0
#define HOST_INDEX_SIZE 512 /* power of two, twice GS_TALLY_MAX_HOST_NAMES */

/* Counts of one (slot, host) pair of a group. */
struct entry {
	int64_t slot;
	uint32_t counts[GS_C_COUNT];
	uint8_t host; /* index into gs_tally.hosts */
	struct gs_delayhist *hist;
};

struct group {
	struct group *next; /* hash chain */
	struct entry *entries;
	struct gs_addrset_item *addrs;
	struct gs_addrset_item *nets;
	char *examples; /* n_examples NUL-terminated names, back to back */
	int64_t first_seen, last_seen;
	/* The oldest live slot of the last prune: nothing older is held,
	 * since whatever is added is in the window, whose start only moves
	 * on. A prune at the same slot has nothing to do. */
	int64_t pruned_at;
	/* new + early_retry over the entries: its rank for eviction, kept
	 * as the counts change (gs_tally_count_into). */
	uint64_t score;
	uint32_t hash;
	uint16_t n_entries, cap_entries;
	uint8_t n_addrs, cap_addrs, n_nets, cap_nets;
	uint8_t n_examples, examples_len;
	uint8_t kind;
	char name[]; /* NUL-terminated */
};

/* A group's rank for eviction (tally_evict.c). */
struct rank;

struct gs_tally {
	pthread_mutex_t lock;
	/* Set at creation, read-only afterwards. */
	uint32_t window_s, slot_s;
	size_t max_groups;
	uint64_t seed[2];
	uint32_t hist_lower[GS_TALLY_HIST_BINS]; /* lowest delay of each bin */
	/* Guarded by lock. */
	bool has_end;
	int64_t end; /* newest event time seen */
	struct group **buckets;
	size_t n_buckets, n_groups;
	char *hosts[GS_TALLY_MAX_HOST_NAMES]; /* hosts[0] is "other" */
	size_t n_hosts;
	uint16_t host_index[HOST_INDEX_SIZE]; /* host id + 1, 0 when free */
	struct gs_totals totals;
	char samples[GS_MAX_SAMPLES][GS_SAMPLE_MAX_LEN + 1]; /* a ring */
	size_t n_samples, next_sample;
	bool swept;	  /* a sweep ran (tally_group.c), at swept_at: */
	int64_t swept_at; /* the oldest live slot then */
	struct gs_tally_counter *counters; /* open ones (tally_count.c) */
	struct rank *scratch;		   /* see tally_evict.c */
	size_t scratch_cap;
	uint64_t rng; /* pivots of the eviction's selection */
};

/* ---- Lock and small arithmetic ---- */

static inline void tally_lock(struct gs_tally *t)
{
	/* Fails only for an invalid or deadlocked mutex: a bug, not a
	 * condition to handle. */
	if (pthread_mutex_lock(&t->lock) != 0)
		abort();
}

static inline void tally_unlock(struct gs_tally *t)
{
	if (pthread_mutex_unlock(&t->lock) != 0)
		abort();
}

/* a + b, saturating at UINT32_MAX. */
static inline uint32_t sat_add32(uint32_t a, uint32_t b)
{
	return a > UINT32_MAX - b ? UINT32_MAX : a + b;
}

static inline int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;

	return (a % b != 0 && a < 0) ? q - 1 : q;
}

static inline int64_t slot_of(const struct gs_tally *t, int64_t time)
{
	return floor_div(time, t->slot_s);
}

/* The oldest slot still in the window. */
static inline int64_t min_live_slot(const struct gs_tally *t)
{
	if (!t->has_end)
		return INT64_MIN;
	return slot_of(t, t->end - (int64_t)t->window_s);
}

/* ---- Host names (tally_hosts.c) ---- */

/* The slot of name in t->host_index. No shared state. */
size_t gs_tally_host_slot(const struct gs_tally *t, const char *name);
/* Sanitises a reporting host's name (NULL is "") into name. No shared
 * state. */
void gs_tally_host_name(const char *host,
			char name[GS_TALLY_HOST_NAME_MAX_LEN + 1]);
/* The tally-wide id of a host (a name from gs_tally_host_name), added when
 * there is room; "other" when the table is full or memory is short. */
uint8_t gs_tally_host_id(struct gs_tally *t, const char *name);
/* The host id to count under in g: host, unless g already has
 * GS_TALLY_MAX_HOSTS other hosts, then "other". */
uint8_t gs_tally_group_host(const struct group *g, uint8_t host);

/* ---- Admission and eviction (tally_evict.c) ---- */

/* The group called name (cut at GS_GROUP_MAX - 1 bytes), created when
 * missing, making room first in a full tally; NULL on no memory. */
struct group *gs_tally_group_get(struct gs_tally *t, const char *name,
				 enum gs_group_kind kind);

/* ---- The group table and the groups (tally_group.c) ---- */

/* A group name as the table keys it. */
struct group_key {
	char name[GS_GROUP_MAX]; /* cut at GS_GROUP_MAX - 1 bytes */
	size_t len;
	uint32_t hash;
};

/* Fills k for name; reads only the seed, set at creation. */
void gs_tally_group_key(const struct gs_tally *t, const char *name,
			struct group_key *k);
/* The group of k, or NULL. */
struct group *gs_tally_group_find(const struct gs_tally *t,
				  const struct group_key *k);
/* A new, empty group of k (which must not be there), whether or not the
 * tally is full: gs_tally_group_get() decides that. NULL on no memory. */
struct group *gs_tally_group_create(struct gs_tally *t,
				    const struct group_key *k,
				    enum gs_group_kind kind);
/* Unlinks g from the table and frees it. */
void gs_tally_group_remove(struct gs_tally *t, struct group *g);
/* Frees g, which is not in the table (or is being unlinked by the caller). */
void gs_tally_group_destroy(struct group *g);
/* Drops what left the window (nothing when g was pruned at min_live
 * already). Returns false when g has no entries left. */
bool gs_tally_group_prune(struct group *g, int64_t min_live);
/* Prunes every group and drops the empty ones (nothing to do when the
 * oldest live slot is the last sweep's). */
void gs_tally_sweep(struct gs_tally *t);
/* The entry of (slot, host) in g, added when missing; NULL when g has
 * UINT16_MAX entries or on no memory. */
struct entry *gs_tally_entry_get(struct group *g, int64_t slot, uint8_t host);
/* Adds n to counter c of e, an entry of g, saturating, and keeps g's
 * score. */
void gs_tally_count_into(struct group *g, struct entry *e, enum gs_counter c,
			 uint32_t n);
/* Sanitises an example name (NULL is "") into buf. No shared state. */
void gs_tally_example_name(const char *name,
			   char buf[GS_TALLY_EXAMPLE_MAX_LEN + 1]);
/* Adds buf (from gs_tally_example_name) to g's examples unless it is
 * empty, there are enough or it is there (or memory is short). */
void gs_tally_note_example(struct group *g, const char *buf);
/* Widens g's first_seen/last_seen to [first, last]. */
void gs_tally_note_times(struct group *g, int64_t first, int64_t last);

/* ---- Line accounting and samples (tally_count.c) ---- */

/* Keeps line as the newest sample, dropping the oldest when full. */
void gs_tally_push_sample(struct gs_tally *t, const char *line, size_t len);
/* The i-th sample (i < t->n_samples), oldest first. */
const char *gs_tally_sample_at(const struct gs_tally *t, size_t i);
/* t's totals with every open counter added, and groups set to the number
 * held: what a snapshot or an export reports. */
void gs_tally_totals_locked(const struct gs_tally *t, struct gs_totals *out);
/* Folds every open counter into the totals and detaches it (its close then
 * only frees it): for gs_tally_free(). */
void gs_tally_detach_counters(struct gs_tally *t);

#endif
