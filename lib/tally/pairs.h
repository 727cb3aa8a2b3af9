/* The open-pair table: every greylisted mail, followed until it passes or
 * its retry window ends, so that greyscan can tell how many mails came
 * back, from which network, and how long they really waited.
 *
 * A pair is one sender and recipient within one group, keyed the way
 * postgrey keys its triplets minus the client network (gs_sender_key,
 * gs_recipient_key): a 64-bit key, gs_pairs_key(). It holds the caller's
 * 64-bit identities of its group and of the network (/24 or /64) of its
 * first greylisting, the time of that greylisting and two flags: returned
 * (seen again: greylisted again or passed) and other_network (greylisted
 * again from another network than the first).
 *
 * Life of a pair: the first greylisting opens it; a pass (the caller calls
 * gs_pairs_pass for "triplet found" and "client AWL") closes it with the
 * wait from the first greylisting; it expires when the event time passes
 * first + retry_window (exactly retry_window later it is still open, one
 * second more and it has expired, as postgrey's own check `now - first >
 * retry_window`). An event for an expired pair removes it first (reported
 * as expired): a pass after the window is no pass of the pair, a
 * greylisting after it opens a new one. gs_pairs_expire removes the
 * expired pairs in bulk.
 *
 * Times are the log lines' own, in seconds, held as 32 bits: clamped to
 * [0, 2^32 - 1] (the year 2106). They may arrive slightly out of order
 * (several mail servers, queues): a greylisting older than the pair's first
 * becomes its first (time and network), a pass older than the first waited
 * 0 s. The table keeps the pairs in the order they were opened, and
 * gs_pairs_expire stops at the oldest open pair that has not expired, so a
 * pair opened after a later one expires in bulk only when that one does
 * (late by at most the disorder); a lookup always judges the pair's own
 * time. Eviction removes the pair opened first.
 *
 * Bounded memory: at most max_pairs open pairs. A new pair in a full table
 * first evicts the oldest one (reported in the update and counted). Slots
 * are allocated as needed, doubling from GS_PAIRS_FIRST_SLOTS, never beyond
 * max_pairs: GS_PAIRS_SLOT_BYTES per slot plus an index of 2 to 4 bytes a
 * slot (buckets of 32 bits, a power of two, at least half as many as
 * slots; 16 buckets at least), so GS_PAIRS_ENTRY_BYTES bytes per pair at
 * most once a table holds GS_PAIRS_FIRST_SLOTS. max_pairs 0 turns the table
 * off: nothing is tracked, every event reports GS_PAIR_NONE.
 *
 * Keys: SipHash-1-3 under a fixed key of greyscan's, so that a key means
 * the same pair after a restart (the state file) and on every host. Two
 * different pairs get the same key with a probability of 2^-64 per pair of
 * pairs: with n pairs open, a new pair merges into an open one with odds of
 * n / 2^64: 5.4e-14 with a million open, so a billion new pairs against
 * a million open ones merge any two at all with odds of 5.4e-5. A merged
 * pair would count as a return of the other. Since the key is public, someone
 * could compute colliding sender addresses offline; all they could gain is to
 * make their own pairs look like returns, which retrying gets them anyway.
 * Chains of the index cannot be flooded that way: the bucket is chosen by a
 * random per-table mix of the key.
 *
 * Concurrency: none. A table is not thread-safe; the caller's lock (the
 * tally's mutex) must guard every call. No call blocks or calls back into
 * the caller except through the function it is given. */
#ifndef GS_PAIRS_H
#define GS_PAIRS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/limits.h"

/* The defaults and the configurable limits (GS_PAIRS_DEFAULT_MAX,
 * GS_PAIRS_DEFAULT_RETRY_WINDOW_S, ...) are the front ends': base/limits.h.
 * Here what the table itself can hold. */
#define GS_PAIRS_MAX		    ((1u << 30) - 1) /* links have 30 bits */
#define GS_PAIRS_MAX_RETRY_WINDOW_S GS_RETRY_WINDOW_MAX_S
#define GS_PAIRS_FIRST_SLOTS	    1024 /* slots of the first growth */
/* Bytes of one slot, and at most of a slot with its share of the index. */
#define GS_PAIRS_SLOT_BYTES  40
#define GS_PAIRS_ENTRY_BYTES 44
/* Bytes of a sender or recipient key that gs_pairs_key covers. */
#define GS_PAIRS_ADDR_MAX 1024

struct gs_pairs_config {
	size_t max_pairs;	 /* 0 (off) .. GS_PAIRS_MAX */
	uint32_t retry_window_s; /* 1 .. GS_PAIRS_MAX_RETRY_WINDOW_S */
};

/* One open pair as plain data (export, import, and the updates): its key
 * (gs_pairs_key), the caller's identities of its group and of the network
 * of its first greylisting, the time of that (0 .. 2^32 - 1), and whether
 * it was seen again since and greylisted again from another network. */
struct gs_pair {
	uint64_t key;
	uint64_t group_id;
	uint64_t net;
	int64_t first;
	bool returned;
	bool other_network;
};

/* What an event did to its pair. */
enum gs_pair_event {
	GS_PAIR_NONE,	/* no open pair: a pass of an untracked mail, a
			   pass after the window, or the table is off */
	GS_PAIR_NEW,	/* a first greylisting: the pair is open */
	GS_PAIR_AGAIN,	/* the open pair was greylisted again */
	GS_PAIR_PASSED, /* the open pair passed and left the table */
};

/* Filled by every event: what happened to the event's pair, and which
 * pairs the event removed (each removed pair is reported once: here, or to
 * gs_pairs_expire's function).
 *   event, pair: the pair after the event (PASSED: as it left; zeros for
 *     NONE).
 *   first_return: this event is the pair's first return (AGAIN, PASSED).
 *   first_other_network: its first greylisting from another network than
 *     the first one (AGAIN).
 *   first_moved, moved_from: AGAIN from a greylisting older than the
 *     pair's first, which became the first: the first time it had before
 *     (a caller that files pairs by their first greylisting moves it).
 *   wait_s: PASSED: the time since the first greylisting.
 *   expired, expired_pair: the event's own pair had expired; it was removed
 *     (counted as expired) before the event was applied.
 *   evicted, evicted_pair: the oldest pair was evicted to make room for a
 *     new one (counted as evicted). */
struct gs_pairs_update {
	enum gs_pair_event event;
	struct gs_pair pair;
	bool first_return;
	bool first_other_network;
	bool first_moved;
	int64_t moved_from;
	uint32_t wait_s;
	bool expired;
	struct gs_pair expired_pair;
	bool evicted;
	struct gs_pair evicted_pair;
};

/* Counters since the table was created (not restored by an import). */
struct gs_pairs_counts {
	size_t held;	  /* open pairs now */
	size_t max_pairs; /* the bound */
	size_t slots;	  /* allocated: held <= slots <= max_pairs */
	size_t bytes;	  /* memory of the slots and the index */
	uint64_t passed, expired, evicted;
};

struct gs_pairs;

/* Receives a pair that a bulk expiry removed. */
typedef void (*gs_pairs_expired_fn)(void *arg, const struct gs_pair *pair);
/* Receives each open pair of an export; a non-zero return stops it. */
typedef int (*gs_pairs_export_fn)(void *arg, const struct gs_pair *pair);

/* The key of a pair: SipHash-1-3 (fixed key) of group, NUL, sender key,
 * NUL, recipient key, each NULL as "", the keys cut at GS_PAIRS_ADDR_MAX
 * bytes and the group at 255 bytes (as GS_GROUP_MAX). Pure. */
uint64_t gs_pairs_key(const char *group, const char *sender_key,
		      const char *recipient_key);

/* An empty table; nothing is allocated until the first pair. NULL with err
 * naming the parameter on a bad configuration (or on no memory). */
struct gs_pairs *gs_pairs_new(const struct gs_pairs_config *cfg, char *err,
			      size_t errlen);
void gs_pairs_free(struct gs_pairs *p);

/* A greylisting (reason new or early-retry) of the pair key at time, from
 * the network net; opens the pair (NEW) or marks a return (AGAIN): see the
 * update. group_id is stored with a new pair and otherwise ignored (the key
 * covers the group). Returns 0; -1 when a new pair needs a slot and memory
 * runs out (nothing changed then, upd->event is GS_PAIR_NONE). */
int gs_pairs_greylist(struct gs_pairs *p, uint64_t key, uint64_t group_id,
		      uint64_t net, int64_t time, struct gs_pairs_update *upd);

/* A pass of the pair key at time: PASSED with the wait if the pair is open
 * and within its window, NONE otherwise. Never fails. */
void gs_pairs_pass(struct gs_pairs *p, uint64_t key, int64_t time,
		   struct gs_pairs_update *upd);

/* Removes the open pairs whose window ended before now (now - first >
 * retry_window), oldest first, stopping at the first that has not (see
 * above), handing each to fn (may be NULL). Returns how many. */
size_t gs_pairs_expire(struct gs_pairs *p, int64_t now, gs_pairs_expired_fn fn,
		       void *arg);

/* Hands every open pair to fn, oldest first (the order an import needs to
 * rebuild the same table). Returns 0, or fn's first non-zero return. */
int gs_pairs_export(const struct gs_pairs *p, gs_pairs_export_fn fn, void *arg);

/* An export in steps, for a caller that must not hold its lock over the
 * whole table: gs_pairs_cursor_begin places a cursor at the oldest pair and
 * returns its ticket; each gs_pairs_cursor_next copies up to max pairs from
 * the cursor on, oldest first, into out and moves the cursor past them.
 * Between two steps the table may change: a pair removed before the
 * cursor reached it is not exported (the cursor steps over it), pairs
 * opened meanwhile come last, and no pair is exported twice; of a table
 * that does not change the export is exact, as gs_pairs_export's. One
 * cursor per table: a new begin ends the previous export, whose next step
 * then returns -1. gs_pairs_cursor_next returns the number copied (0: the
 * export is complete and its ticket ended), or -1 for a ticket that is not
 * the table's current one. */
uint64_t gs_pairs_cursor_begin(struct gs_pairs *p);
long gs_pairs_cursor_next(struct gs_pairs *p, uint64_t ticket,
			  struct gs_pair *out, size_t max);

/* Whether the pair key is open (expired or not). */
bool gs_pairs_is_open(const struct gs_pairs *p, uint64_t key);

/* Adds an exported pair as the newest (NEW in upd; the oldest may be
 * evicted to make room, so that importing into a smaller table keeps the
 * newest pairs). With the table off the pair is dropped (NONE). Returns -1
 * with err when the key is already open, the time is out of range, or
 * memory runs out (nothing changed then). */
int gs_pairs_import(struct gs_pairs *p, const struct gs_pair *pair,
		    struct gs_pairs_update *upd, char *err, size_t errlen);

void gs_pairs_counts(const struct gs_pairs *p, struct gs_pairs_counts *out);

#endif
