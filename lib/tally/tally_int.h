/* Internals shared by the tally's files (tally.c, tally_count.c,
 * tally_group.c, tally_hosts.c, tally_evict.c, tally_pairs.c,
 * tally_snapshot.c, tally_export.c, tally_import.c); nothing outside them
 * includes this. Design in tally.h. Calls between the files go one way
 * only: tally.c, tally_snapshot.c, tally_export.c and tally_import.c call
 * the others; tally_evict.c and tally_pairs.c call tally_group.c (and
 * tally_pairs.c the pair table, pairs.c, which tally_count.c reads too);
 * tally_group.c, tally_hosts.c and tally_count.c call none of the tally's
 * other files.
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
#include "tally/pairs.h"
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

/* What became of the pairs of one group first greylisted in one slot
 * (tally_pairs.c): the counts of enum gs_tally_pair_count, then the pairs
 * of them still open, and the waits of the passed ones. */
#define PC_OPEN	 GS_TP_COUNT
#define PC_COUNT (GS_TP_COUNT + 1)
struct pentry {
	int64_t slot;
	uint32_t counts[PC_COUNT];
	struct gs_delayhist *wait; /* NULL until a pair passed */
};

_Static_assert(sizeof(struct pentry) == GS_TALLY_PENTRY_BYTES,
	       "tally.h states the size of a pair slot entry");

struct group {
	struct group *next; /* hash chain */
	struct entry *entries;
	struct pentry *pentries; /* at most one per slot in the window */
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
	/* The group's incarnation: with hash its identity in the pair table
	 * (gs_tally_group_id), so that the pairs of a group that was dropped
	 * and made again are not counted into the new one. Never 0. */
	uint32_t gen;
	uint16_t n_entries, cap_entries;
	uint8_t n_pentries, cap_pentries;
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
	/* The open pairs (tally_pairs.c); NULL when max_pairs is 0. */
	struct gs_pairs *pairs;
	uint32_t retry_window_s; /* set at creation */
	uint32_t next_gen;	 /* of the next group made; never 0 */
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

/* ---- The group table and the groups (tally_group.c) ---- */

/* A group name as the table keys it. */
struct group_key {
	char name[GS_GROUP_MAX]; /* cut at GS_GROUP_MAX - 1 bytes */
	size_t len;
	uint32_t hash;
};

/* Fills k for name; reads only the seed, set at creation: no shared
 * state, so gs_tally_add does it before taking the lock. */
void gs_tally_group_key(const struct gs_tally *t, const char *name,
			struct group_key *k);
/* The group of k, or NULL. */
struct group *gs_tally_group_find(const struct gs_tally *t,
				  const struct group_key *k);
/* g's identity in the pair table: its hash and its incarnation. */
static inline uint64_t gs_tally_group_id(const struct group *g)
{
	return (uint64_t)g->hash << 32 | g->gen;
}
/* The group of a pair's group_id, or NULL when that group is gone (or the
 * id is 0, a pair of no group). */
struct group *gs_tally_group_by_id(const struct gs_tally *t, uint64_t id);
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
/* The pair slot entry of slot in g, added when missing; NULL on no memory
 * (or when g holds UINT8_MAX of them). */
struct pentry *gs_tally_pentry_get(struct group *g, int64_t slot);
/* The pair slot entry of slot in g, or NULL. */
struct pentry *gs_tally_pentry_find(const struct group *g, int64_t slot);
/* Adds n to counter c of e, an entry of g, saturating, and keeps g's
 * score. */
void gs_tally_count_into(struct group *g, struct entry *e, enum gs_counter c,
			 uint32_t n);
/* Sanitises an example name (NULL is "") into buf. No shared state. */
void gs_tally_example_name(const char *name,
			   char buf[GS_TALLY_EXAMPLE_MAX_LEN + 1]);
/* Adds name (NULL is ""), sanitised by gs_tally_example_name, to g's
 * examples unless it is empty, there are enough or it is there (or memory
 * is short). */
void gs_tally_note_example(struct group *g, const char *name);
/* Widens g's first_seen/last_seen to [first, last]. */
void gs_tally_note_times(struct group *g, int64_t first, int64_t last);

/* ---- Admission and eviction (tally_evict.c) ---- */

/* The group of k, created when missing, making room first in a full tally;
 * NULL on no memory. */
struct group *gs_tally_group_get(struct gs_tally *t, const struct group_key *k,
				 enum gs_group_kind kind);

/* ---- Following pairs (tally_pairs.c) ---- */

/* What gs_tally_add works out for the pair of an event before taking the
 * lock. */
enum pair_follow { PAIR_NONE, PAIR_GREYLIST, PAIR_PASS };
struct pair_prep {
	enum pair_follow follow;
	uint64_t key; /* gs_pairs_key */
	uint64_t net; /* the client's network, gs_tally_net_id */
};

/* The 64-bit identity of a network (host bits clear, base/addr.h): IPv4
 * a.b.c.0/24 is a << 16 | b << 8 | c, IPv6 the /64's 64 bits, so that the
 * state file keeps it across restarts. No shared state. */
uint64_t gs_tally_net_id(const struct gs_addr *net);
/* The net identity of an event without a usable client address. */
#define GS_TALLY_NET_NONE UINT64_MAX
/* Fills pp for the event (net: its client's network, or NULL), time
 * clamped already. Reads only the configuration. */
void gs_tally_pair_prepare(const struct gs_tally *t, const struct gs_event *ev,
			   const char *group, const struct gs_addr *net,
			   int64_t time, struct pair_prep *pp);
/* Follows the event's pair in g, where the event itself was counted (its
 * slot is in the window); counts what became of every pair it touched. */
void gs_tally_pair_count(struct gs_tally *t, struct group *g,
			 const struct pair_prep *pp, int64_t time);
/* Expires the pairs whose retry window ended before the window's end:
 * after the end moved on. */
void gs_tally_pairs_expire(struct gs_tally *t);
/* Takes the pair as it was exported into the table, counted open in its
 * group's slot entry when the group and that entry exist (else followed
 * as a pair of no group). Skips a key already open (a merge keeps the
 * tally's own). -1 with err on no memory. */
int gs_tally_pair_import(struct gs_tally *t, const struct gs_tally_xpair *x,
			 char *err, size_t errlen);

/* ---- Line accounting and samples (tally_count.c) ---- */

/* Keeps line as the newest sample, dropping the oldest when full. */
void gs_tally_push_sample(struct gs_tally *t, const char *line, size_t len);
/* The i-th sample (i < t->n_samples), oldest first. */
const char *gs_tally_sample_at(const struct gs_tally *t, size_t i);
/* t's totals with every open counter added, groups set to the number held
 * and pairs_open to the open pairs: what a snapshot or an export reports. */
void gs_tally_totals_locked(const struct gs_tally *t, struct gs_totals *out);
/* Folds every open counter into the totals and detaches it (its close then
 * only frees it): for gs_tally_free(). */
void gs_tally_detach_counters(struct gs_tally *t);

#endif
