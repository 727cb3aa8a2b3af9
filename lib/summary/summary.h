/* The summary as plain data: what the tally's snapshot produces, what the
 * summary file stores, and what the reader gives back to the report, the
 * suggestions and the check plugin. Everything here is owned by the
 * struct gs_summary that holds it and released by gs_summary_free(). */
#ifndef GS_STATS_H
#define GS_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "input/event.h"
#include "input/group.h"

#define GS_SUMMARY_FORMAT  "greyscan-summary"
#define GS_SUMMARY_VERSION 2   /* written; version 1 lacks the pairs */
#define GS_MAX_EXAMPLES	   3   /* example client names kept per group */
#define GS_MAX_SAMPLES	   5   /* unparsed lines kept for diagnosis */
#define GS_SAMPLE_MAX_LEN  256 /* bytes kept of one unparsed line */

/* The versions gs_summary_read accepts: 1 (no pair evidence) and 2. The
 * version written is GS_SUMMARY_VERSION. */
#define GS_SUMMARY_VERSION_MIN 1
#define GS_SUMMARY_VERSION_MAX 2

struct gs_host_count {
	char *host;	/* reporting syslog host */
	uint64_t count; /* decisions of this group logged by that host */
};

/* What became of a group's greylisted mails, followed by sender and
 * recipient (tally.h). Every figure counts pairs whose first greylisting lies
 * in the window, so greylisted >= passed + pending + expired (the rest left
 * a full pair table) and returned + never_returned <= greylisted. */
struct gs_pair_stats {
	uint64_t greylisted;	 /* pairs first greylisted */
	uint64_t returned;	 /* of them, seen again after that */
	uint64_t other_network;	 /* greylisted again from another /24 or /64 */
	uint64_t passed;	 /* passed (triplet found, client AWL) */
	uint64_t pending;	 /* neither passed nor expired when written */
	uint64_t expired;	 /* not passed within the retry window */
	uint64_t never_returned; /* of the expired, never seen again */
	bool has_wait;		 /* false: nothing passed, waits are null */
	uint32_t wait_median_s;	 /* first greylisting to first pass */
	uint32_t wait_p90_s;	 /* histogram, see tally.h */
	uint32_t wait_max_s;	 /* exact */
};

/* The per-slot series (greyscan-summary(5), SERIES): slot i of a summary
 * covers [series_start + i * series_slot_s, series_start + (i + 1) *
 * series_slot_s), the last one up to window_end. The snapshot gives
 * window_s / slot_s + 1 slots at most: GS_TALLY_SLOTS + 1 when the window
 * is a multiple of GS_TALLY_SLOTS seconds, 56 for the oddest window (55 s
 * in 1 s slots); fewer only for log times within a window of 1970, since
 * the series starts at slot 0 at the earliest. */
#define GS_SERIES_MAX_SLOTS 64 /* slots a reader accepts */

struct gs_series_slot {
	uint64_t
	    greylisted;	 /* new + early_retry decisions logged in the slot */
	uint64_t passed; /* delayed + passed ("triplet found") in the slot */
};

struct gs_group_stats {
	char *domain;
	enum gs_group_kind kind;
	uint64_t counts[GS_C_COUNT]; /* indexed by enum gs_counter */
	uint64_t delay_count;	     /* == counts[GS_C_DELAYED] */
	uint32_t delay_median_s;     /* from a histogram, see tally.h */
	uint32_t delay_max_s;
	uint32_t client_addresses; /* distinct, saturates (see tally.h) */
	uint32_t networks;	   /* distinct /24 (IPv4) or /64 (IPv6) */
	char *examples[GS_MAX_EXAMPLES];
	size_t n_examples;
	time_t first_seen, last_seen;
	struct gs_host_count *hosts;
	size_t n_hosts;
	bool has_pairs; /* false in a version 1 file: no evidence */
	struct gs_pair_stats pairs;
	/* The summary's series_slots entries, oldest first; NULL when
	 * !has_series or series_slots is 0. */
	struct gs_series_slot *series;
};

struct gs_totals {
	uint64_t lines;	   /* lines or messages handed to greyscan */
	uint64_t actions;  /* postgrey action lines counted */
	uint64_t unparsed; /* looked like postgrey's but did not parse */
	uint64_t ignored;  /* recognised non-action postgrey lines */
	uint64_t evicted;  /* groups dropped to stay within max_groups */
	uint64_t too_old;  /* action lines older than the window on arrival */
	uint64_t per_counter[GS_C_COUNT];
	/* Groups the tally held when the snapshot was taken: a gauge, not
	 * cumulative like the rest. At least n_groups, since a summary may
	 * list only the busiest groups. The tally's own totals leave it 0. */
	uint64_t groups;
	uint64_t pairs_evicted; /* open pairs dropped from a full table */
	uint64_t pairs_open;	/* a gauge like groups: pairs followed now */
};

struct gs_summary {
	int version;	  /* the file's when read, else GS_SUMMARY_VERSION */
	time_t generated; /* wall clock when written */
	time_t window_start, window_end;
	uint32_t window_s;	 /* configured window length */
	uint32_t retry_window_s; /* postgrey's, for expiry; 0 in version 1 */
	struct gs_totals totals;
	char *samples[GS_MAX_SAMPLES]; /* unparsed lines, newest last */
	size_t n_samples;
	/* Sorted by counts[GS_C_NEW] descending (gs_summary_sort); all the
	 * groups tracked, or the busiest ones when totals.groups > n_groups. */
	struct gs_group_stats *groups;
	size_t n_groups;
	/* The series of every listed group; false in files written before
	 * greyscan 0.2, then no group has one. series_start is the start of
	 * the first slot (0 when series_slots is 0: no event yet). */
	bool has_series;
	time_t series_start;
	uint32_t series_slot_s; /* >= 1 when has_series */
	size_t series_slots;	/* <= GS_SERIES_MAX_SLOTS */
};

/* Releases everything the summary owns and zeroes it; NULL is fine. */
void gs_summary_free(struct gs_summary *s);

/* Sorts groups by new descending, then early_retry descending, then domain
 * ascending, so that equal inputs always give byte-identical files. */
void gs_summary_sort(struct gs_summary *s);

#endif
