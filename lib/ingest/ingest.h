/* The one ingest path: a log line (greyscan scan, the fuzz target) or an
 * rsyslog message (omgreyscan) through parse, classify, group and count.
 * The rules, the same for every caller:
 *
 *   frame (lines only): gs_logline_split frames the line (time, host,
 *     program tag). Another program's line is FOREIGN: it counts in
 *     totals.lines and nothing else. A line whose framing is broken is
 *     UNPARSED when it mentions "postgrey" anywhere, else FOREIGN. A
 *     postgrey line whose host field has GS_INGEST_HOST_MAX bytes or more
 *     is UNPARSED. A postgrey line's message text goes on, with the line's
 *     time and host. A message comes with its text, time and host instead
 *     (the caller chose them: omgreyscan's event-time rule is its own).
 *   parse: the rulebase (gs_parse_message) finds a decision, a known
 *     postgrey line that is no decision (IGNORED), or nothing (UNPARSED).
 *   group: a decision's client is grouped through this ingest's group
 *     cache; a decision whose client gives no group is UNPARSED.
 *   count: every line or message counts in totals.lines; IGNORED ones in
 *     totals.ignored; UNPARSED ones in totals.unparsed with a sample (the
 *     whole line, or the message text); a decision (ACTION) goes to
 *     gs_tally_add under its group, which counts a failure itself.
 *
 * Accounting: lines and ignored lines go through this ingest's own tally
 * counter (gs_tally_counter_add: no lock); only decisions and unparsed
 * lines take the tally's lock, once each.
 *
 * Concurrency & locking: a struct gs_ingest is one thread's (its group
 * cache, its logline cache and its tally counter have no lock); any number
 * of them may share one grouper, one rulebase and one tally. The rulebase
 * is read-only while in use (input/parser.h): a caller that swaps it (the
 * module's HUP) holds its own lock over each call and over the use of the
 * result. The tally takes its own lock inside. Nothing here takes a lock
 * or calls back into the caller. */
#ifndef GS_INGEST_H
#define GS_INGEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "input/group.h"
#include "input/parser.h"
#include "tally/tally.h"

#define GS_INGEST_HOST_MAX 256 /* bytes of a line's host, NUL incl. */
#define GS_INGEST_LINE_MAX_BYTES                                               \
	(64 * 1024) /* longer lines: gs_ingest_overlong */

/* What a line or message came to. */
enum gs_ingest_kind {
	GS_INGEST_ACTION,   /* a decision with a group, handed to the tally */
	GS_INGEST_IGNORED,  /* a known postgrey line that is no decision */
	GS_INGEST_UNPARSED, /* postgrey's (or maybe) but not understood */
	GS_INGEST_FOREIGN,  /* another program's line: a line, nothing more */
};

/* A message as the module hands it over. */
struct gs_ingest_msg {
	const char *text; /* rsyslog's %msg%; NULL is "" */
	size_t len;	  /* trailing CR and LF are dropped */
	time_t time;	  /* the event time of a decision */
	const char *host; /* the reporting host; NULL is "" */
};

/* The outcome of one line or message, everything the module's $!greyscan
 * annotation is built from. Filled by the functions below, released with
 * gs_ingest_result_release(). */
struct gs_ingest_result {
	enum gs_ingest_kind kind;
	/* The annotation's "line": "action", the GS_PARSE_OTHER kind
	 * ("whitelisted", "startup", ...) or "other", or "unparsed"; NULL for
	 * FOREIGN. Static text. */
	const char *line;
	/* The parse result, when the text reached the parser (always for a
	 * message; for a line, when it is framed as postgrey's), else only
	 * json (NULL) is set. For a decision, ev.time and ev.host are set (the
	 * host into the message or host[] below). json belongs to the result:
	 * take it over by setting it NULL. */
	struct gs_parsed parsed;
	bool grouped; /* a decision with a group: group and group_kind set */
	char group[GS_GROUP_MAX];
	enum gs_group_kind group_kind;
	bool counted; /* the tally took the decision (gs_tally_add gave 0) */
	/* UNPARSED: the text sampled, the caller's line or message. */
	const char *sample;
	size_t sample_len;
	char host[GS_INGEST_HOST_MAX]; /* a line's host, NUL-terminated */
};

struct gs_ingest;

/* An ingest for one thread that groups with g (which must outlive it) and
 * counts into t (likewise; it opens a counter of t), with a group cache of
 * cache_slots entries (group.h). t NULL: judging only, for a thread whose
 * results another one counts (gs_ingest_judge_line, gs_ingest_count).
 * NULL with err on a bad cache size or no memory. */
struct gs_ingest *gs_ingest_new(const struct gs_grouper *g, struct gs_tally *t,
				size_t cache_slots, char *err, size_t errlen);

/* Moves the counted lines into the tally (closing the counter) and frees
 * in; NULL is fine. Before the tally is freed. */
void gs_ingest_free(struct gs_ingest *in);

/* The whole path for one log line (no newline) with ref for the year of a
 * traditional timestamp (logline.h): frame, parse, group, count. Never
 * fails: what cannot be counted is counted as unparsed (or lost inside the
 * tally, see gs_tally_add). Release out afterwards. */
void gs_ingest_line(struct gs_ingest *in, const struct gs_rulebase *rb,
		    const char *line, size_t len, time_t ref,
		    struct gs_ingest_result *out);

/* The whole path for one message: parse, group, count. As above. */
void gs_ingest_message(struct gs_ingest *in, const struct gs_rulebase *rb,
		       const struct gs_ingest_msg *msg,
		       struct gs_ingest_result *out);

/* Releases the parse result (unless taken over) and clears r. */
void gs_ingest_result_release(struct gs_ingest_result *r);

/* ---- The two halves, for a scan that judges in several threads and
 * counts in one, in file order ---- */

/* Frames, parses and groups one line into out without counting anything
 * (in may have no tally). out's sample and ev.host point into line and
 * out; the event's other strings into out->parsed.json. */
void gs_ingest_judge_line(struct gs_ingest *in, const struct gs_rulebase *rb,
			  const char *line, size_t len, time_t ref,
			  struct gs_ingest_result *out);

/* Judges a line longer than GS_INGEST_LINE_MAX_BYTES by head, its first
 * len bytes: UNPARSED when it is, or may be, postgrey's (sampled by head),
 * else FOREIGN. Nothing to release, nothing counted. */
void gs_ingest_judge_overlong(struct gs_ingest *in, const char *head,
			      size_t len, time_t ref,
			      struct gs_ingest_result *out);

/* Counts what r is (not the line itself): a decision into the tally (sets
 * r->counted), IGNORED into totals.ignored, UNPARSED with its sample;
 * FOREIGN nothing. r->parsed.ev's strings may point anywhere alive. in
 * must have a tally. */
void gs_ingest_count(struct gs_ingest *in, struct gs_ingest_result *r);

/* Counts lines lines, of which ignored are IGNORED ones not also handed to
 * gs_ingest_count: a scan's whole block at once. No lock. */
void gs_ingest_count_lines(struct gs_ingest *in, uint64_t lines,
			   uint64_t ignored);

#endif
