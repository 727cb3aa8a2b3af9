/* The tally: per-group counts over a sliding window, shared by every thread
 * that feeds it (rsyslog's action workers, the module's writer thread).
 *
 * Window: the window (default 7 days) is cut into GS_TALLY_SLOTS slots on
 * the log lines' own timestamps: slot_s = window_s / GS_TALLY_SLOTS, and an
 * event belongs to the absolute slot time / slot_s. The window's end is the
 * newest event time seen; an event older than end - window is counted in
 * totals.too_old and not tallied; when the end moves on, slots that fall out
 * of the window are dropped, so old events age out at slot granularity
 * (window/slots). A summary's window_start is the start of the oldest slot
 * still held: counts cover [window_start, window_end], which is between
 * window_s and window_s + slot_s long. Event times are clamped to
 * [0, GS_TALLY_TIME_MAX]; a timestamp far in the future moves the end there
 * and so ages out everything else (the caller should clamp to its clock).
 *
 * Bounded memory: at most max_groups groups. Adding a group to a full tally
 * first drops groups none of whose slots is left in the window (not counted
 * as evicted); if none, it evicts the least significant groups (fewest
 * new + early_retry in the window, then the oldest last_seen) in one batch of
 * max_groups/16 (at least one), counted in totals.evicted. Per group, at most
 * GS_TALLY_MAX_ADDRS distinct addresses and networks and GS_TALLY_MAX_HOSTS
 * reporting hosts are remembered: the distinct counts saturate there (shown
 * as that number) and further hosts are counted under "other". Addresses and
 * networks age out with their newest slot like the counts. At most
 * GS_TALLY_MAX_HOST_NAMES reporting host names are known per tally (later
 * ones count as "other"). Group names are cut at GS_GROUP_MAX - 1 bytes;
 * host names, examples (GS_TALLY_EXAMPLE_MAX_LEN) and samples are cut to
 * their fixed lengths at a UTF-8 character boundary, with control bytes and
 * malformed UTF-8 replaced by '?'. Memory thus never grows with the number
 * of distinct names: about 290 bytes of heap per group with one address,
 * one host and one slot, plus 280 bytes per slot that has delays.
 *
 * Examples: the first GS_MAX_EXAMPLES distinct client names of the group, in
 * the order seen; for a network group whose client is "unknown" (or has no
 * name) the client address is shown instead.
 *
 * Delays: a log-scale histogram of GS_TALLY_HIST_BINS bins per slot: bin 0
 * holds 0 s, and each bin [lo, hi] has hi <= 1.25 * lo (the first bins hold
 * one second each; the last, open bin starts at about 40 days). The median
 * (the lower median of the delayed events) is reported as the geometric
 * middle sqrt(lo * hi) of its bin, rounded to whole seconds: below the
 * last bin (where hi is the maximum) it is within 12% of the true median
 * (sqrt(1.25) = 1.118) or within half a second, whichever is more, since
 * the rounding alone can move a short delay by 0.5 s. The maximum is exact.
 *
 * Pairs: with max_pairs > 0 the tally follows every greylisted mail by its
 * pair (tally/pairs.h): the group, postgrey's sender key and the recipient
 * key (input/sender.h), the reporting host (MX) not part of it, so a mail
 * greylisted on mx1 and passed on mx2 is one pair and one wait. A
 * greylisting (new, early-retry) opens the pair or counts a return; a pass
 * "triplet found" (with or without delay=) or "client AWL" closes it with
 * its wait; passes by client or recipient whitelist are no passes of a
 * pair. A pair expires when the window's end passes its first greylisting
 * by more than retry_window_s (postgrey's --retry-window; the table's
 * oldest pairs are checked whenever the end moves or a pair changes, a
 * pair logged out of order behind them when they go, or when it is seen
 * again), and is evicted,
 * oldest first, when max_pairs are open and a new one comes. Per group and
 * slot the tally counts the pairs first greylisted in that slot (enum
 * gs_tally_pair_count) and the waits of those that passed, from the first
 * greylisting to the first pass, in a histogram like the delays' (median
 * and p90 within 12% + 0.5 s, the maximum exact); every outcome of a pair
 * is counted in the slot of its first greylisting, so a window's figures
 * describe one set of mails. An outcome whose first slot has left the
 * window is dropped, as is one of a pair whose group was dropped (evicted,
 * or aged out) since its first greylisting. A greylisting logged out of
 * order, older than the pair's first, becomes its first, and the pair's
 * counts move to that slot. Pending, in a snapshot, is the number of open
 * pairs first greylisted in the window; a concurrent save and restore may
 * leave a pair counted open without its greylisting, so a snapshot clamps
 * the figures to the relations of struct gs_pair_stats. Evictions of pairs
 * (and pairs lost for want of memory) count in totals.pairs_evicted;
 * totals.pairs_open is the number of open pairs (a gauge). Memory: at most
 * GS_PAIRS_ENTRY_BYTES (44) bytes per open pair (a table of max_pairs at
 * most), and per group at most GS_TALLY_SLOTS + 1 pair slot entries of
 * GS_TALLY_PENTRY_BYTES (48) bytes, plus a wait histogram (264 bytes) for
 * each entry with a pass; so the pairs add at most
 * 44 * max_pairs + 29 * 312 bytes per group whatever the input.
 *
 * Totals are cumulative since the tally was created (or restored): lines,
 * unparsed and ignored from the count functions and the counters; actions
 * and per_counter count every event handed to gs_tally_add, too_old
 * included.
 *
 * Concurrency & locking: one mutex guards the whole tally (groups, slots,
 * hosts, totals, samples, the pair table). Every public function that takes a
 * struct gs_tally takes it once and calls nothing outside tally.c but libc and
 * gs_seterr while holding it; callers parse and group outside the lock,
 * gs_tally_add prepares the event (address parsing, sanitising, the
 * group's hash, the sender, recipient and pair keys) before taking it, then
 * counts the event and follows its pair in one hold, and gs_tally_snapshot
 * sorts after releasing it. A counter (gs_tally_counter_add) takes no lock at
 * all: its owner writes it with atomic stores and the tally reads it under the
 * lock. An export takes the lock once per chunk, never across calls; the export
 * functions that take only a struct gs_tally_export work on a private copy and
 * take no lock. */
#ifndef GS_TALLY_H
#define GS_TALLY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "base/addr.h"
#include "base/limits.h" /* GS_DEFAULT_WINDOW_S, GS_DEFAULT_MAX_GROUPS */
#include "input/event.h"
#include "input/group.h"
#include "summary/summary.h"

#define GS_TALLY_SLOTS		   28  /* slots per window */
#define GS_TALLY_MAX_ADDRS	   64  /* distinct addresses/networks kept */
#define GS_TALLY_MAX_HOSTS	   16  /* reporting hosts kept per group */
#define GS_TALLY_MAX_HOST_NAMES	   256 /* host names per tally, "other" too */
#define GS_TALLY_HOST_NAME_MAX_LEN 255 /* bytes kept of a host name */
#define GS_TALLY_EXAMPLE_MAX_LEN   63  /* bytes kept of an example name */
#define GS_TALLY_HIST_BINS	   64  /* delay histogram bins */
#define GS_TALLY_OTHER_HOST	   "other"
#define GS_TALLY_TIME_MAX	   ((int64_t)1 << 40) /* seconds; times are clamped */
#define GS_TALLY_PENTRY_BYTES	   48 /* a pair slot entry, without its waits */

struct gs_tally_config {
	uint32_t window_s; /* window length in seconds (>= GS_TALLY_SLOTS) */
	size_t max_groups; /* >= 1 */
	/* Open pairs followed, 0 (no pairs: has_pairs false in snapshots)
	 * .. GS_MAX_PAIRS_MAX; the retry window in seconds, 1 ..
	 * GS_RETRY_WINDOW_MAX_S when max_pairs is not 0 (else anything up to
	 * that, reported as it is). */
	size_t max_pairs;
	uint32_t retry_window_s;
};

/* What became of the pairs first greylisted in a slot: the per-slot
 * counts of the export (the state file's order). */
enum gs_tally_pair_count {
	GS_TP_GREYLISTED,     /* pairs first greylisted */
	GS_TP_RETURNED,	      /* of them, seen again */
	GS_TP_OTHER_NETWORK,  /* greylisted again from another network */
	GS_TP_PASSED,	      /* passed, with a wait */
	GS_TP_EXPIRED,	      /* not passed within the retry window */
	GS_TP_NEVER_RETURNED, /* of the expired, never seen again */
	GS_TP_COUNT
};

struct gs_tally;

/* Returns NULL with err filled on a bad configuration or no memory. */
struct gs_tally *gs_tally_new(const struct gs_tally_config *cfg, char *err,
			      size_t errlen);
void gs_tally_free(struct gs_tally *t);

/* Counts one decision into the group (a name from gs_group_of; longer than
 * GS_GROUP_MAX - 1 bytes is truncated). ev's strings are copied as needed.
 * Thread-safe. Returns -1 when memory runs out (the event is then lost and
 * counted as evicted), or when ev, group or ev->counter is invalid (counted
 * as unparsed). */
int gs_tally_add(struct gs_tally *t, const struct gs_event *ev,
		 const char *group, enum gs_group_kind kind);

/* Line accounting for the totals, one line at a time under the lock.
 * Thread-safe. A thread that counts many lines uses a counter (below). */
void gs_tally_count_line(struct gs_tally *t);	 /* any line/message seen */
void gs_tally_count_ignored(struct gs_tally *t); /* known non-action line */
/* An unparsed line: counted, and the newest GS_MAX_SAMPLES kept (truncated
 * to GS_SAMPLE_MAX_LEN bytes, control bytes replaced). line may be NULL
 * (counted, no sample). */
void gs_tally_count_unparsed(struct gs_tally *t, const char *line, size_t len);

/* A counter: one thread's totals.lines and totals.ignored, counted without
 * the tally's lock and without sharing a cache line with anyone. The tally
 * adds every open counter into the totals it reports (snapshots, exports,
 * gs_tally_totals), so what was counted is in the next summary or state
 * written, whenever that is; closing the counter moves its numbers into the
 * tally for good. Close every counter before freeing the tally (a counter
 * still open then is detached: its numbers stay counted, and the close
 * only frees it). */
struct gs_tally_counter;

/* Opens a counter of t for the calling thread. NULL with err on no
 * memory. Thread-safe (takes the lock once). */
struct gs_tally_counter *gs_tally_counter_open(struct gs_tally *t, char *err,
					       size_t errlen);

/* Counts lines and, of them, ignored ones. Only the thread that owns c may
 * call it (no lock, no atomic read-modify-write). */
void gs_tally_counter_add(struct gs_tally_counter *c, uint64_t lines,
			  uint64_t ignored);

/* Moves c's numbers into its tally and frees c; NULL is fine. The owner
 * thread (or one that took c over after the owner stopped). */
void gs_tally_counter_close(struct gs_tally_counter *c);

/* The cumulative totals as a snapshot would report them (open counters
 * included, groups set to the number of groups held, pairs_open to the
 * open pairs), without copying a group. Thread-safe; takes the lock once. */
void gs_tally_totals(struct gs_tally *t, struct gs_totals *out);

/* Fills out (which the caller releases with gs_summary_free) with the
 * aggregate over the current window, groups sorted. generated is set to
 * now; window_start and window_end stay 0 until the first event;
 * totals.groups is the number of groups held, totals.pairs_open the
 * number of open pairs, retry_window_s the configured one, each group's
 * has_pairs whether the tally follows pairs. Groups whose slots all left
 * the window are dropped first. Thread-safe; holds the lock while choosing
 * and copying. -1 on no memory (out is then empty). */
int gs_tally_snapshot(struct gs_tally *t, time_t now, struct gs_summary *out,
		      char *err, size_t errlen);

/* The same with at most max_groups groups (0: all): the first ones in the
 * summary's order (gs_summary_sort), chosen with a heap of max_groups
 * entries (24 bytes each) in one pass under the lock, so that only those
 * are copied. totals.groups still counts every group held. */
int gs_tally_snapshot_top(struct gs_tally *t, time_t now, size_t max_groups,
			  struct gs_summary *out, char *err, size_t errlen);

/* Number of groups currently held, including groups whose slots all left
 * the window since the last snapshot or eviction pass. Thread-safe. */
size_t gs_tally_groups(struct gs_tally *t);

/* ---- Export and import, for the state file (lib/state.c) only ----
 *
 * Plain structs for everything the tally holds. Slots are absolute slot
 * numbers (time / slot_s), hosts are indexes into hosts[], the histogram's
 * bin layout is the one described above. */

struct gs_tally_xentry {
	int64_t slot;		     /* absolute slot number */
	uint32_t host;		     /* index into gs_tally_export.hosts */
	uint32_t counts[GS_C_COUNT]; /* indexed by enum gs_counter */
	uint32_t delay_max_s;	     /* 0 when hist is NULL */
	uint32_t *hist;		     /* GS_TALLY_HIST_BINS counts, or NULL
					when the entry has no delays */
};

struct gs_tally_xaddr {
	struct gs_addr addr; /* an address, or a network (host bits clear) */
	int64_t slot;	     /* newest slot it was seen in */
};

/* The pairs of a group first greylisted in one slot. */
struct gs_tally_xpslot {
	int64_t slot;		      /* absolute slot number */
	uint32_t counts[GS_TP_COUNT]; /* enum gs_tally_pair_count */
	uint32_t wait_max_s;	      /* 0 when wait is NULL */
	uint32_t *wait; /* GS_TALLY_HIST_BINS counts, or NULL: no pass */
};

/* One open pair (tally/pairs.h) with the name of its group. */
struct gs_tally_xpair {
	uint64_t key;  /* gs_pairs_key */
	uint64_t net;  /* network of the first greylisting, see tally_int.h */
	int64_t first; /* time of the first greylisting, 0 .. UINT32_MAX */
	bool returned, other_network;
	bool has_group; /* false: its group was dropped since */
	char group[GS_GROUP_MAX];
};

struct gs_tally_xgroup {
	char *name;
	enum gs_group_kind kind;
	time_t first_seen, last_seen;
	struct gs_tally_xentry *entries;
	size_t n_entries;
	struct gs_tally_xaddr *addrs; /* at most GS_TALLY_MAX_ADDRS */
	size_t n_addrs;
	struct gs_tally_xaddr *nets; /* at most GS_TALLY_MAX_ADDRS */
	size_t n_nets;
	char *examples[GS_MAX_EXAMPLES];
	size_t n_examples;
	struct gs_tally_xpslot *pslots; /* at most GS_TALLY_MAX_PSLOTS */
	size_t n_pslots;
};

#define GS_TALLY_MAX_PSLOTS 255	 /* pair slot entries of one group */
#define GS_TALLY_PAIR_CHUNK 1024 /* pairs of one export chunk */

struct gs_tally_copy; /* one chunk of groups as the export copied them */

/* Everything in it is owned by it and released by gs_tally_export_free().
 * The groups come in one of two forms: for gs_tally_import the caller fills
 * groups[] (malloc'ed, each member malloc'ed) and n_groups; an export leaves
 * groups NULL and keeps a compact copy of the current chunk instead, read
 * one group at a time with gs_tally_export_group(), n_groups of them. */
struct gs_tally_export {
	uint32_t window_s; /* the exporting tally's configuration */
	uint32_t slot_s;
	int has_end; /* 0: no event seen yet, end is 0 */
	time_t end;  /* newest event time seen */
	struct gs_totals totals;
	char *samples[GS_MAX_SAMPLES]; /* oldest first */
	size_t n_samples;
	char **hosts; /* host names; hosts[0] is "other" on export */
	size_t n_hosts;
	struct gs_tally_xgroup *groups;
	size_t n_groups;
	/* Open pairs: for gs_tally_import the caller's (malloc'ed), for an
	 * export the current chunk of gs_tally_export_pairs; either way
	 * owned by the export. */
	struct gs_tally_xpair *pairs;
	size_t n_pairs;
	struct gs_tally_copy *copy;
};

/* Exporting, in chunks, so that a save neither holds the lock for long nor
 * needs memory that grows with the number of groups:
 *
 *	gs_tally_export_begin(t, &x, ...);	window_s and slot_s
 *	while ((r = gs_tally_export_next(t, &x, ...)) > 0)
 *		for (i = 0; i < x.n_groups; i++)
 *			gs_tally_export_group(&x, i, &view); ...
 *	gs_tally_export_finish(t, &x, ...);	end, totals, samples, hosts
 *	gs_tally_export_free(&x);
 *
 * Each gs_tally_export_next() takes the lock once, drops what left the
 * window from the buckets it visits, and copies the groups of a few buckets
 * (about 512 groups, some 300 bytes each, into a buffer reused by the next
 * chunk). Consistency: a group is exported at most once, as it was when its
 * chunk was copied; a group held throughout is exported exactly once, even
 * when the table grows in between; a group created after its place was
 * passed, or removed before it was reached, is not. The end, totals,
 * samples and hosts are those at gs_tally_export_finish(), after the last
 * chunk; hosts are only ever appended, so every host index of the groups is
 * valid. Of a quiescent tally the export is exact. */

/* Starts an export of t into out. -1 on no memory (out is then empty). */
int gs_tally_export_begin(struct gs_tally *t, struct gs_tally_export *out,
			  char *err, size_t errlen);

/* Copies the next chunk of groups, replacing the previous one: 1 with
 * n_groups set (possibly 0), 0 when every bucket was visited (n_groups 0),
 * -1 on no memory (the same chunk can be tried again). Thread-safe. */
int gs_tally_export_next(struct gs_tally *t, struct gs_tally_export *x,
			 char *err, size_t errlen);

/* Copies the next chunk of open pairs (at most GS_TALLY_PAIR_CHUNK,
 * oldest first, each with its group's name as held now) into x->pairs,
 * replacing the previous one: 1 with n_pairs set, 0 when every pair was
 * exported (at once when t follows no pairs), -1 on no memory or when
 * another export of t's pairs began meanwhile (only one at a time). The
 * first call begins it. Between calls the pairs change: one that leaves
 * the table before its chunk is not exported, one opened meanwhile comes
 * at the end; none is exported twice. Thread-safe; the lock once per
 * call. */
int gs_tally_export_pairs(struct gs_tally *t, struct gs_tally_export *x,
			  char *err, size_t errlen);

/* Fills end, totals, samples and hosts; once. Thread-safe. -1 on no
 * memory. */
int gs_tally_export_finish(struct gs_tally *t, struct gs_tally_export *x,
			   char *err, size_t errlen);

/* Fills view with group i (0 <= i < n_groups) of the current chunk. view
 * points into memory that x owns: valid until the next call of this or of
 * gs_tally_export_next, never to be freed by the caller. -1 when i is out of
 * range, or on no memory. */
int gs_tally_export_group(struct gs_tally_export *x, size_t i,
			  struct gs_tally_xgroup *view);

/* Checks one group the way gs_tally_import does (ranges, host indexes
 * against in->n_hosts, histograms against their counts and maximum,
 * lengths), given in's slot_s and n_hosts, without a tally: for a reader
 * that validates a whole file before importing any of it. -1 with err
 * naming the group and field. */
int gs_tally_check_group(const struct gs_tally_export *in,
			 const struct gs_tally_xgroup *g, char *err,
			 size_t errlen);

/* Checks one pair the way gs_tally_import does (time, group name). -1
 * with err naming the field. */
int gs_tally_check_pair(const struct gs_tally_xpair *p, char *err,
			size_t errlen);

/* Checks in (whose groups[] must be filled) for consistency (ranges, host
 * indexes, histograms against their counts and maximum, lengths), then
 * merges it into t: counts of the same group, slot and host add up, totals
 * add up, the end becomes the later one, samples go before t's own, and
 * slots are converted when in->slot_s differs from t's. Loading into an
 * empty tally with the same window restores exactly what was exported.
 * Slots that are already out of t's window are skipped; groups beyond
 * max_groups are evicted as usual. Then the pairs (after the groups, whose
 * pair slot entries they are counted open in): a pair already open in t is
 * skipped, a pair beyond max_pairs evicts the oldest, and with pairs off
 * they are dropped; pairs whose retry window ended before t's end expire
 * at once. -1 with err naming the group and field
 * when in is inconsistent: t is then unchanged. -1 on no memory: t may then
 * hold part of in. Thread-safe. */
int gs_tally_import(struct gs_tally *t, const struct gs_tally_export *in,
		    char *err, size_t errlen);

/* Releases everything x owns and zeroes it; NULL is fine. */
void gs_tally_export_free(struct gs_tally_export *x);

#endif
