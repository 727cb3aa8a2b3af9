/* Which summary groups to whitelist: the candidates for check_greyscan and
 * `greyscan suggest`, the verdict on each, and the suggestions themselves
 * (suggest_text.c for people, suggest_json.c for scripts).
 *
 * A candidate is a group with new + early_retry >= threshold that the
 * postgrey whitelist does not cover and the ignore file does not match (see
 * whitelist.h for both rules). Every candidate gets exactly one verdict,
 * whitelist, do-not-whitelist or not-needed, with a reason that cites its
 * evidence:
 *   - the pair evidence decides (verdict.h) when the summary has it
 *     (version 2) and the group has enough pairs; the host-name clues
 *     (hostclues.h) are then supporting detail;
 *   - otherwise the host-name clues decide, as the fallback: a group
 *     flagged by one of them is do-not-whitelist, any other whitelist
 *     (never not-needed); the detail says why the pairs did not decide
 *     ("no pair evidence (version 1 summary)", or the too-few reason).
 * Whatever decided, a whitelist verdict needs an entry: the line to add is
 * always a plain postgrey name entry (never a regex), the registrable
 * domain of the group (libpsl: mail.example.co.uk -> example.co.uk), which
 * covers the domain and every host under it. A group without one is
 * do-not-whitelist instead, the pairs' reason then the detail: a network
 * group (clients without reverse DNS), a domain with no registrable part
 * (a public suffix such as co.uk, or a single label: an entry would cover
 * every domain under it), or a domain that is not a plain host name
 * (hostclues.h). There is no list of provider names: the log decides.
 *
 * Which candidates check_greyscan counts: the whitelist verdicts; the
 * others too (as before pairs were followed) only for groups without pair
 * evidence and unless opts.exclude_dynamic (GS_CAND_EXCLUDED otherwise).
 * Read-only on its inputs; safe from any thread. */
#ifndef GS_SUGGEST_H
#define GS_SUGGEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "base/limits.h" /* GS_DEFAULT_THRESHOLD */
#include "input/group.h"
#include "summary/summary.h"
#include "advice/hostclues.h"
#include "advice/ignore.h"
#include "advice/verdict.h"
#include "advice/whitelist.h"

#define GS_SUGGEST_REASON_MAX (GS_GROUP_MAX + 128) /* bytes, NUL included */

struct gs_suggest_opts {
	uint64_t threshold;	 /* new + early_retry needed to be considered */
	bool exclude_dynamic;	 /* see GS_CAND_EXCLUDED */
	const char *ignore_file; /* named in the advice for flagged groups;
				    NULL: GS_DEFAULT_IGNORE_FILE */
};

/* threshold = GS_DEFAULT_THRESHOLD, nothing excluded,
 * ignore_file NULL. */
void gs_suggest_opts_default(struct gs_suggest_opts *o);

enum gs_cand_state {
	GS_CAND_CANDIDATE, /* counted: to whitelist, or to ignore */
	GS_CAND_COVERED,   /* the whitelist covers it: see hit */
	GS_CAND_IGNORED,   /* the ignore file matches it: see hit */
	/* Not counted: a verdict other than whitelist on a group with pair
	 * evidence, or (opts.exclude_dynamic) without. */
	GS_CAND_EXCLUDED,
};

struct gs_candidate {
	const struct gs_group_stats *group; /* borrowed from the summary */
	uint64_t greylisted;		    /* new + early_retry */
	enum gs_cand_state state;
	struct gs_wl_hit hit; /* COVERED/IGNORED: the entry that matched */
	/* GS_VERDICT_WHITELIST, _DO_NOT_WHITELIST or _NOT_NEEDED */
	enum gs_verdict verdict;
	bool by_pairs; /* the pair evidence decided, else the host names */
	char reason[GS_SUGGEST_REASON_MAX]; /* the evidence of the verdict */
	/* Supporting detail, "" when none: the host-name clue when the pairs
	 * decided; why they did not otherwise. */
	char detail[GS_SUGGEST_REASON_MAX];
	char entry[GS_GROUP_MAX]; /* line to add, "" unless whitelist */
	/* From the group's pair stats (gs_verdict_figures) when has_pairs */
	struct gs_pair_figures figures;
	uint64_t never_passed; /* came back but expired unpassed */
};

struct gs_candidates {
	/* Every group with greylisted >= threshold, most significant
	 * first: greylisted, then delayed passes descending, then domain. */
	struct gs_candidate *items;
	size_t n_items;
	size_t n_candidates; /* items in state GS_CAND_CANDIDATE */
};

/* Fills out (release with gs_candidates_free) from the summary. wl and ig
 * may be NULL (nothing covered, nothing ignored); o NULL means defaults.
 * The items borrow the summary's groups and the whitelist's and ignore
 * list's strings: keep those alive while out is used. -1 with err on no
 * memory or when libpsl has no list; out is then empty. */
int gs_candidates_select(const struct gs_summary *s,
			 const struct gs_whitelist *wl,
			 const struct gs_ignore *ig,
			 const struct gs_suggest_opts *o,
			 struct gs_candidates *out, char *err, size_t errlen);
void gs_candidates_free(struct gs_candidates *c);

/* The candidates that `greyscan suggest` lists: neither whitelisted nor
 * ignored (GS_CAND_CANDIDATE or GS_CAND_EXCLUDED). */
bool gs_candidate_listed(const struct gs_candidate *c);

/* Writes the suggestions for `greyscan suggest`, ready to append to
 * /etc/postgrey/whitelist_clients.local: a header comment naming the
 * summary's time and window, the verdicts by kind, where the evidence
 * comes from and how to make postgrey read the file again (SIGHUP); then
 * for each listed candidate most significant first its verdict and reason
 * in a comment, the detail, the counts, delays, waits, distinct addresses
 * and networks, first and last seen and an example, then for a whitelist
 * verdict the entry (dated), or for a counted group not to whitelist how
 * to silence check_greyscan in the ignore file. An entry already written
 * for an earlier group is not repeated. Names from the summary are printed
 * with control characters replaced by '?', so no summary content can
 * start a line of its own. now is the date put in the comments. Returns
 * the number of entries written (0 or more), or -1 with err on a write
 * error, no memory or no libpsl list. */
int gs_suggest_write(FILE *out, const struct gs_summary *s,
		     const struct gs_whitelist *wl, const struct gs_ignore *ig,
		     const struct gs_suggest_opts *o, time_t now, char *err,
		     size_t errlen);

/* The same candidates for scripts, as JSON Lines: one object per listed
 * candidate and line, most significant first, built with libfastjson:
 * domain, kind ("name" or "network"), verdict, decided_by ("pairs" or
 * "host-names"), reason, detail (null when none), entry (null unless the
 * verdict is whitelist), greylisted, new, early_retry, delayed, and pairs:
 * null without pair evidence, else greylisted, returned, other_network,
 * passed, pending, expired, never_returned, never_passed and wait_median,
 * wait_p90, wait_max (seconds, null when no wait is known). Counts follow
 * base/json.h. Nothing at all when no candidate is listed. Returns the
 * number of objects written, or -1 with err as gs_suggest_write. */
int gs_suggest_json(FILE *out, const struct gs_summary *s,
		    const struct gs_whitelist *wl, const struct gs_ignore *ig,
		    const struct gs_suggest_opts *o, char *err, size_t errlen);

#endif
