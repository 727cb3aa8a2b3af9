/* Which summary groups to whitelist: candidate selection for check_greyscan
 * and `greyscan suggest`, the detection of dynamic or ISP address space that
 * must not be whitelisted, and the suggestion lines themselves.
 *
 * A candidate is a group with new + early_retry >= threshold that the
 * postgrey whitelist does not cover and the ignore file does not match (see
 * whitelist.h for both rules).
 *
 * The line to add is always a plain postgrey name entry (never a regex):
 * the registrable domain of the group (libpsl: mail.example.co.uk ->
 * example.co.uk), which covers the domain and every host under it.
 *
 * A group is flagged "do not whitelist" instead, with one reason, when one
 * of these holds (checked 6, 5, then 1 to 4; the first that holds is the
 * reason):
 *   1. it is a network group ("[192.0.2.0/24]"): clients without usable
 *      reverse DNS;
 *   2. an example host name embeds an IPv4 address: four numbers of 0..255
 *      joined by single '-', '.' or '_' (192-0-2-1, 1.2.0.192, 10_1_2_3),
 *      in either byte order;
 *   3. an example host name, left of the registrable domain, has a word
 *      (a run of letters) typical of access networks: dynamic, dyn, dynip,
 *      dip, dsl, adsl, vdsl, xdsl, sdsl, pool, ppp, pppoe, dhcp, cable,
 *      cust, customer, client, clients, broadband, dial, dialup, dialin,
 *      ftth, fttb, fttc, fttx, residential, resnet, cpe, or static followed
 *      by ip (static-ip, staticip);
 *   4. many distinct addresses that almost never retry: at least
 *      GS_DYN_MIN_GREYLISTED greylistings, distinct client addresses at
 *      least GS_DYN_ADDR_PCT % of the greylistings, and delayed passes
 *      below GS_DYN_RETRY_PCT % of them. Infected or dial-up hosts each
 *      send a little and give up; a server pool also spreads over many
 *      addresses but retries, so its mail passes with a delay;
 *   5. the domain has no registrable part (a public suffix such as co.uk or
 *      a single label): an entry would cover every domain under it;
 *   6. the domain is not a plain host name (characters other than letters,
 *      digits, '-', '.', '_' or UTF-8, or only digits and dots): postgrey
 *      would read the line as something else.
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
#include "advice/ignore.h"
#include "advice/whitelist.h"

#define GS_SUGGEST_REASON_MAX (GS_GROUP_MAX + 128) /* bytes, NUL included */
#define GS_DYN_MIN_GREYLISTED 10 /* heuristic 4 needs this many */
#define GS_DYN_ADDR_PCT	      75 /* distinct addresses, % of greylisted */
#define GS_DYN_RETRY_PCT      5	 /* delayed passes, % of greylisted */

struct gs_suggest_opts {
	uint64_t threshold;	 /* new + early_retry needed to be considered */
	bool exclude_dynamic;	 /* flagged groups are GS_CAND_EXCLUDED */
	const char *ignore_file; /* named in the advice for flagged groups;
				    NULL: GS_DEFAULT_IGNORE_FILE */
};

/* threshold = GS_DEFAULT_THRESHOLD, nothing excluded,
 * ignore_file NULL. */
void gs_suggest_opts_default(struct gs_suggest_opts *o);

enum gs_cand_state {
	GS_CAND_CANDIDATE, /* to whitelist (or ignore, when flagged) */
	GS_CAND_COVERED,   /* the whitelist covers it: see hit */
	GS_CAND_IGNORED,   /* the ignore file matches it: see hit */
	GS_CAND_EXCLUDED,  /* flagged and opts.exclude_dynamic */
};

struct gs_candidate {
	const struct gs_group_stats *group; /* borrowed from the summary */
	uint64_t greylisted;		    /* new + early_retry */
	enum gs_cand_state state;
	struct gs_wl_hit hit; /* COVERED/IGNORED: the entry that matched */
	bool flagged;	      /* do not whitelist, see reason */
	char reason[GS_SUGGEST_REASON_MAX]; /* "" unless flagged */
	char entry[GS_GROUP_MAX]; /* whitelist line to add, "" when flagged */
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

/* Writes the suggestions for `greyscan suggest`, ready to append to
 * /etc/postgrey/whitelist_clients.local: a header comment naming the
 * summary's time and window, then for each candidate most significant
 * first either a comment (counts, delays, distinct addresses and networks,
 * first and last seen, an example, today's date) followed by the entry, or,
 * for flagged groups, comments only saying why not and how to silence it in
 * the ignore file. An entry already written for an earlier group is not
 * repeated. Names from the summary are printed with control characters
 * replaced by '?', so no summary content can start a line of its own.
 * now is the date put in the comments. Returns the number of entries
 * written (0 or more), or -1 with err on a write error, no memory or no
 * libpsl list. */
int gs_suggest_write(FILE *out, const struct gs_summary *s,
		     const struct gs_whitelist *wl, const struct gs_ignore *ig,
		     const struct gs_suggest_opts *o, time_t now, char *err,
		     size_t errlen);

/* Heuristics 1 to 4 alone, on one group; registrable is the group's
 * registrable domain or NULL (then the group's domain is used to find the
 * host part of the examples). Writes the reason when true. */
bool gs_suggest_is_dynamic(const struct gs_group_stats *g,
			   const char *registrable, char *reason,
			   size_t reasonlen);

#endif
