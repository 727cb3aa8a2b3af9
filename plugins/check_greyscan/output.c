/* check_greyscan's output, printed from the findings evaluated once: the
 * first line "GREYSCAN STATE - text | perfdata", then one line per domain
 * that matters (more with -v), then what was read (-vv, -vvv). Names from
 * the summary are cleaned (base/sanitize.h), so none can add a line or a
 * '|'. Integers only: the locale changes nothing. */
#include "gs_config.h"

#include <stdio.h>
#include <string.h>

#include "base/duration.h"
#include "base/error.h"
#include "base/sanitize.h"
#include "check_greyscan.h"

#define DURATION_TEXT_MAX 32

static const char *const state_names[] = {"OK", "WARNING", "CRITICAL",
					  "UNKNOWN"};

static const char *pl(uint64_t n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

/* ---- the first line ---- */

static void print_candidates(const struct config *c, const struct inputs *in)
{
	const struct gs_candidates *cs = &in->cands;
	char name[GS_GROUP_MAX];
	size_t i, named = 0;

	if (cs->n_candidates == 0) {
		printf("no sender greylisted %llu+ times needs whitelisting "
		       "(%llu domains tracked)",
		       (unsigned long long)c->sopts.threshold,
		       (unsigned long long)in->summary.totals.groups);
		return;
	}
	printf("%zu sender%s greylisted %llu+ times to whitelist or ignore: ",
	       cs->n_candidates, cs->n_candidates == 1 ? "" : "s",
	       (unsigned long long)c->sopts.threshold);
	for (i = 0; i < cs->n_items && named < FIRST_LINE_NAMES; i++) {
		if (cs->items[i].state != GS_CAND_CANDIDATE)
			continue;
		gs_text_clean(cs->items[i].group->domain, name, sizeof(name));
		printf("%s%s (%llu)", named ? ", " : "", name,
		       (unsigned long long)cs->items[i].greylisted);
		named++;
	}
	if (cs->n_candidates > named)
		printf(" and %zu more", cs->n_candidates - named);
}

/* The threshold that decided: critical when it alerts, else warning. */
static const struct above *deciding(const struct worst *w,
				    const struct above *warn,
				    const struct above *crit, size_t *n)
{
	*n = w->over_critical > 0 ? w->over_critical : w->over_warning;
	return w->over_critical > 0 ? crit : warn;
}

/* ". Mail waits over 2h00m at p90 from 1 domain, worst x (9h30m)" and
 * the same for mails that never passed, when a threshold alerts. Not "; ":
 * Nagios turns a ';' of the first line into ':'. */
static void print_thresholds(const struct config *c, const struct findings *f)
{
	char name[GS_GROUP_MAX], lim[DURATION_TEXT_MAX], val[DURATION_TEXT_MAX];
	const struct above *a;
	size_t n;

	a = deciding(&f->wait, &c->wait_warning, &c->wait_critical, &n);
	if (n > 0) {
		gs_text_clean(f->wait.c->group->domain, name, sizeof(name));
		gs_format_duration(a->limit, lim, sizeof(lim));
		gs_format_duration(f->wait.value, val, sizeof(val));
		printf(". Mail waits over %s at p90 from %zu %s, worst %s "
		       "(%s)",
		       lim, n, pl(n, "domain", "domains"), name, val);
	}
	a = deciding(&f->np, &c->np_warning, &c->np_critical, &n);
	if (n > 0) {
		gs_text_clean(f->np.c->group->domain, name, sizeof(name));
		printf(". More than %llu %s never passed from %zu %s, worst "
		       "%s (%llu)",
		       (unsigned long long)a->limit,
		       pl(a->limit, "mail", "mails"), n,
		       pl(n, "domain", "domains"), name,
		       (unsigned long long)f->np.value);
	}
}

static void print_headline(const struct config *c, const struct inputs *in,
			   const struct findings *f)
{
	char a[DURATION_TEXT_MAX], m[DURATION_TEXT_MAX];

	if (f->stale) {
		gs_format_duration((uint64_t)f->age_s, a, sizeof(a));
		gs_format_duration((uint64_t)c->max_age_s, m, sizeof(m));
		printf("summary is stale, written %s ago (max age %s); ", a, m);
	}
	print_candidates(c, in);
	print_thresholds(c, f);
}

/* A threshold as a perfdata field: its limit, or nothing when off. */
static void print_limit(const struct above *a)
{
	if (a->set)
		printf("%llu", (unsigned long long)a->limit);
}

static void print_perfdata(const struct config *c, const struct inputs *in,
			   const struct findings *f)
{
	const struct gs_totals *t = &in->summary.totals;

	/* new and delayed are the summary's totals, which only grow (they
	 * are carried across restarts): counters, UOM 'c'. */
	printf(" | 'candidates'=%zu;%s;%s;0; 'new'=%lluc;;;0; "
	       "'delayed'=%lluc;;;0; 'domains'=%llu;;;0; 'age'=%lds;;;0;",
	       in->cands.n_candidates, c->warning.text,
	       c->have_critical ? c->critical.text : "",
	       (unsigned long long)t->per_counter[GS_C_NEW],
	       (unsigned long long)t->per_counter[GS_C_DELAYED],
	       (unsigned long long)t->groups, f->age_s);
	/* Without pair evidence there is no value to give: no label. The
	 * worst domain's figures over the window are gauges. */
	if (f->evidence) {
		printf(" 'worst_wait_p90'=%llus;",
		       (unsigned long long)f->wait.value);
		print_limit(&c->wait_warning);
		putchar(';');
		print_limit(&c->wait_critical);
		printf(";0; 'never_passed'=%llu;",
		       (unsigned long long)f->np.value);
		print_limit(&c->np_warning);
		putchar(';');
		print_limit(&c->np_critical);
		printf(";0;");
	}
	putchar('\n');
}

/* ---- the long output ---- */

static void print_group_counts(const struct gs_candidate *cd)
{
	const struct gs_group_stats *g = cd->group;
	uint64_t delayed = g->counts[GS_C_DELAYED];
	char name[GS_GROUP_MAX], med[DURATION_TEXT_MAX], max[DURATION_TEXT_MAX];

	gs_text_clean(g->domain, name, sizeof(name));
	printf("%s: %llu greylisted (%llu new, %llu early %s), ", name,
	       (unsigned long long)cd->greylisted,
	       (unsigned long long)g->counts[GS_C_NEW],
	       (unsigned long long)g->counts[GS_C_EARLY_RETRY],
	       pl(g->counts[GS_C_EARLY_RETRY], "retry", "retries"));
	if (delayed == 0) {
		printf("no delayed pass");
	} else {
		gs_format_duration(g->delay_median_s, med, sizeof(med));
		gs_format_duration(g->delay_max_s, max, sizeof(max));
		printf("%llu delayed %s (median %s, max %s)",
		       (unsigned long long)delayed,
		       pl(delayed, "pass", "passes"), med, max);
	}
	printf(", %u %s in %u %s", g->client_addresses,
	       pl(g->client_addresses, "address", "addresses"), g->networks,
	       pl(g->networks, "network", "networks"));
}

/* What became of the group's greylisted mails, and their waits. */
static void print_pair_counts(const struct gs_candidate *cd)
{
	const struct gs_pair_stats *p = &cd->group->pairs;
	char med[DURATION_TEXT_MAX], p90[DURATION_TEXT_MAX],
	    max[DURATION_TEXT_MAX];

	printf("; %llu %s followed: %llu came back (%llu from another "
	       "network), %llu passed",
	       (unsigned long long)p->greylisted,
	       pl(p->greylisted, "mail", "mails"),
	       (unsigned long long)p->returned,
	       (unsigned long long)p->other_network,
	       (unsigned long long)p->passed);
	if (p->has_wait) {
		gs_format_duration(p->wait_median_s, med, sizeof(med));
		gs_format_duration(p->wait_p90_s, p90, sizeof(p90));
		gs_format_duration(p->wait_max_s, max, sizeof(max));
		printf(" (wait median %s, p90 %s, max %s)", med, p90, max);
	}
	printf(", %llu never passed", (unsigned long long)cd->never_passed);
}

/* The reason, and the detail in parentheses. */
static void print_reason(const struct gs_candidate *cd)
{
	printf("%s", cd->reason);
	if (cd->detail[0] == '\0')
		return;
	if (cd->by_pairs)
		printf(" (%s)", cd->detail);
	else
		printf(" (judged by the host names: %s)", cd->detail);
}

/* A counted candidate. Without pair evidence the line is as it was before
 * pairs were followed: the note at the end says why once. */
static void print_candidate(const struct config *c,
			    const struct gs_candidate *cd)
{
	const char *ignore = c->ignore ? c->ignore : GS_DEFAULT_IGNORE_FILE;
	char name[GS_GROUP_MAX];

	gs_text_clean(cd->group->domain, name, sizeof(name));
	if (cd->verdict != GS_VERDICT_WHITELIST) {
		printf("; do not whitelist: ");
		if (cd->group->has_pairs)
			print_reason(cd);
		else
			printf("%s", cd->reason);
		printf("; to silence, add %s to %s\n", name, ignore);
		return;
	}
	if (cd->group->has_pairs) {
		printf("; whitelist: ");
		print_reason(cd);
	}
	printf("; add to %s: %s\n", GS_POSTGREY_WHITELIST_LOCAL, cd->entry);
}

static void print_excluded(const struct gs_candidate *cd)
{
	if (!cd->group->has_pairs) {
		printf("; not counted (--exclude-dynamic): %s\n", cd->reason);
		return;
	}
	printf(cd->verdict == GS_VERDICT_NOT_NEEDED ? "; not needed: "
						    : "; do not whitelist: ");
	print_reason(cd);
	putchar('\n');
}

static void print_item(const struct config *c, const struct gs_candidate *cd)
{
	char entry[GS_WHITELIST_MAX_LINE_BYTES];

	print_group_counts(cd);
	if (cd->group->has_pairs)
		print_pair_counts(cd);
	switch (cd->state) {
	case GS_CAND_CANDIDATE:
		print_candidate(c, cd);
		break;
	case GS_CAND_COVERED:
	case GS_CAND_IGNORED:
		gs_text_clean(cd->hit.entry, entry, sizeof(entry));
		printf("; %s by %s:%u (%s)\n",
		       cd->state == GS_CAND_COVERED ? "whitelisted" : "ignored",
		       cd->hit.file, cd->hit.line, entry);
		break;
	case GS_CAND_EXCLUDED:
		print_excluded(cd);
		break;
	}
}

/* A regex that gave up at a PCRE2 limit counted as no match, so a group
 * it would have covered may be listed: say so whatever the verbosity. */
static void print_match_failures(const struct inputs *in)
{
	char entry[GS_WHITELIST_MAX_LINE_BYTES];
	struct gs_wl_hit first;
	size_t n;

	n = gs_whitelist_match_failures(in->wl, &first);
	if (n == 0)
		return;
	gs_text_clean(first.entry, entry, sizeof(entry));
	printf("whitelist: %zu regex %s gave up at the PCRE2 match limit and "
	       "counted as no match, first %s:%u (%s)\n",
	       n, pl(n, "test", "tests"), first.file, first.line, entry);
}

/* One line per counted candidate and per domain over a wait or
 * never-passed threshold; with -v also the other groups above the
 * threshold, covered, ignored or not counted, and what decided. */
static void print_long(const struct config *c, const struct inputs *in,
		       const struct findings *f)
{
	const struct gs_candidate *cd;
	size_t i;

	for (i = 0; i < in->cands.n_items; i++) {
		cd = &in->cands.items[i];
		if (cd->state == GS_CAND_CANDIDATE || c->verbose >= 1 ||
		    check_alerts(c, cd))
			print_item(c, cd);
	}
	print_match_failures(in);
	if (!f->evidence)
		printf("no pair evidence (version 1 summary): the verdicts "
		       "come from the host names, and no wait or mail that "
		       "never passed is known\n");
}

/* -vv: what was read; -vvv: also every group below the threshold. */
static void print_debug(const struct config *c, const struct inputs *in)
{
	const struct gs_summary *s = &in->summary;
	const struct gs_group_stats *g;
	char name[GS_GROUP_MAX], warn[GS_ERRLEN];
	size_t i;
	uint64_t greylisted;

	if (c->verbose < 2)
		return;
	printf("summary %s: %zu of %llu groups listed, window %lds\n",
	       c->summary, s->n_groups, (unsigned long long)s->totals.groups,
	       (long)s->window_s);
	if (s->version >= 2)
		printf("pairs: %llu followed now, %llu dropped from a full "
		       "table, retry window %lus\n",
		       (unsigned long long)s->totals.pairs_open,
		       (unsigned long long)s->totals.pairs_evicted,
		       (unsigned long)s->retry_window_s);
	printf("whitelist: %zu %s, %zu %s skipped as postgrey skips them\n",
	       gs_whitelist_count(in->wl),
	       pl(gs_whitelist_count(in->wl), "entry", "entries"),
	       gs_whitelist_warnings(in->wl),
	       pl(gs_whitelist_warnings(in->wl), "line", "lines"));
	if (gs_whitelist_warnings(in->wl) > 0) {
		gs_text_clean(gs_whitelist_first_warning(in->wl), warn,
			      sizeof(warn));
		printf("first skipped line: %s\n", warn);
	}
	printf("ignore: %zu %s\n", gs_ignore_count(in->ig),
	       pl(gs_ignore_count(in->ig), "entry", "entries"));
	if (c->verbose < 3)
		return;
	for (i = 0; i < s->n_groups; i++) {
		g = &s->groups[i];
		greylisted = g->counts[GS_C_NEW] + g->counts[GS_C_EARLY_RETRY];
		if (greylisted >= c->sopts.threshold)
			continue;
		gs_text_clean(g->domain, name, sizeof(name));
		printf("below threshold: %s (%llu)\n", name,
		       (unsigned long long)greylisted);
	}
}

void print_result(const struct config *c, const struct inputs *in,
		  const struct findings *f)
{
	printf(SERVICE " %s - ", state_names[f->state]);
	print_headline(c, in, f);
	print_perfdata(c, in, f);
	print_long(c, in, f);
	print_debug(c, in);
}
