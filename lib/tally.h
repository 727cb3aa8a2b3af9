/* The tally: per-group counts over a sliding window, shared by every thread
 * that feeds it (rsyslog's action workers, the module's writer thread).
 *
 * Window: the window (default 7 days) is cut into GS_TALLY_SLOTS slots on
 * the log lines' own timestamps. The window's end is the newest event time
 * seen; an event older than end - window is counted in totals.too_old and
 * not tallied; when the end moves on, slots that fall out of the window are
 * dropped, so old events age out at slot granularity (window/slots).
 *
 * Bounded memory: at most max_groups groups. Adding a group to a full tally
 * first evicts the least significant groups (fewest greylistings, then the
 * oldest last_seen) in one batch of max_groups/16 (at least one), counted in
 * totals.evicted. Per group, at most GS_TALLY_MAX_ADDRS distinct addresses
 * and networks and GS_TALLY_MAX_HOSTS reporting hosts are remembered: the
 * distinct counts saturate there (shown as that number) and further hosts
 * are counted under "other". Names and samples are truncated to fixed
 * lengths. Memory thus never grows with the number of distinct names.
 *
 * Delays: a log-scale histogram (bins 25% wide) per slot; the median is the
 * geometric middle of its bin, so it is within 12% of the true median. The
 * maximum is exact.
 *
 * Concurrency & locking: one mutex guards the whole tally (groups, slots,
 * totals, samples). Every public function takes it for its whole duration
 * and calls nothing outside this file while holding it; callers parse and
 * group outside the lock and hold it only for the update. */
#ifndef GS_TALLY_H
#define GS_TALLY_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "event.h"
#include "stats.h"

#define GS_TALLY_SLOTS 28               /* slots per window */
#define GS_DEFAULT_WINDOW_S (7 * 86400) /* seconds */
#define GS_DEFAULT_MAX_GROUPS 100000
#define GS_TALLY_MAX_ADDRS 64           /* distinct addresses/networks kept */
#define GS_TALLY_MAX_HOSTS 16           /* reporting hosts kept per group */

struct gs_tally_config {
	uint32_t window_s;  /* window length in seconds (>= GS_TALLY_SLOTS) */
	size_t max_groups;  /* >= 1 */
};

struct gs_tally;

/* Returns NULL with err filled on a bad configuration or no memory. */
struct gs_tally *gs_tally_new(const struct gs_tally_config *cfg, char *err,
			      size_t errlen);
void gs_tally_free(struct gs_tally *t);

/* Counts one decision into the group. Thread-safe. Returns -1 only when
 * memory runs out (the event is then lost and counted as evicted). */
int gs_tally_add(struct gs_tally *t, const struct gs_event *ev,
		 const char *group, enum gs_group_kind kind);

/* Line accounting for the totals. Thread-safe. */
void gs_tally_count_line(struct gs_tally *t);    /* any line/message seen */
void gs_tally_count_ignored(struct gs_tally *t); /* known non-action line */
/* An unparsed line: counted, and the newest GS_MAX_SAMPLES kept (truncated
 * to GS_SAMPLE_MAX_LEN bytes, control bytes replaced). */
void gs_tally_count_unparsed(struct gs_tally *t, const char *line, size_t len);

/* Fills out (which the caller releases with gs_summary_free) with the
 * aggregate over the current window, groups sorted. generated is set to
 * now. Thread-safe; holds the lock only while copying. -1 on no memory. */
int gs_tally_snapshot(struct gs_tally *t, time_t now, struct gs_summary *out,
		      char *err, size_t errlen);

/* Number of groups currently held. Thread-safe. */
size_t gs_tally_groups(struct gs_tally *t);

#endif
