/* The candidates and the verdict on each: see suggest.h. */
#include "gs_config.h"

#include "advice/suggest.h"

#include <libpsl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "base/sanitize.h"

void gs_suggest_opts_default(struct gs_suggest_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->threshold = GS_DEFAULT_THRESHOLD;
}

/* ---- the verdict ---- */

/* Fills c->entry, or writes into why the reason there is none. */
static bool find_entry(const psl_ctx_t *psl, struct gs_candidate *c, char *why,
		       size_t whylen)
{
	char lower[GS_GROUP_MAX], clean[GS_GROUP_MAX];
	const char *domain = c->group->domain, *reg;
	size_t i;

	if (c->group->kind == GS_KIND_NETWORK) {
		/* the words of clue 1: the fallback gives the same reason */
		snprintf(why, whylen,
			 "clients without usable reverse DNS (a network "
			 "group)");
		return false;
	}
	gs_text_clean(domain, clean, sizeof(clean));
	if (strlen(domain) >= sizeof(lower) || !gs_is_plain_host_name(domain)) {
		snprintf(why, whylen, "'%s' is not a plain host name", clean);
		return false;
	}
	for (i = 0; domain[i] != '\0'; i++)
		lower[i] = (domain[i] >= 'A' && domain[i] <= 'Z')
			       ? (char)(domain[i] + ('a' - 'A'))
			       : domain[i];
	lower[i] = '\0';
	reg = psl_registrable_domain(psl, lower);
	if (reg == NULL) {
		snprintf(why, whylen,
			 "'%s' is a public suffix: an entry would cover every "
			 "domain under it",
			 clean);
		return false;
	}
	snprintf(c->entry, sizeof(c->entry), "%s", reg);
	return true;
}

/* What a group's names say: refusal (no entry can be written) and clue
 * (a host-name clue of dynamic space), "" when they say nothing. */
struct clues {
	char refusal[GS_SUGGEST_REASON_MAX];
	char clue[GS_SUGGEST_REASON_MAX];
};

/* The pair evidence decided v (not too-few) for the reason pairs. */
static void by_pairs(struct gs_candidate *c, enum gs_verdict v,
		     const char *pairs, const struct clues *k)
{
	c->by_pairs = true;
	c->verdict = v;
	if (v == GS_VERDICT_WHITELIST && k->refusal[0] != '\0') {
		c->verdict = GS_VERDICT_DO_NOT_WHITELIST;
		snprintf(c->reason, sizeof(c->reason), "%s", k->refusal);
		snprintf(c->detail, sizeof(c->detail),
			 "the pairs alone would say whitelist: %s", pairs);
		return;
	}
	snprintf(c->reason, sizeof(c->reason), "%s", pairs);
	if (k->clue[0] == '\0')
		return;
	snprintf(c->detail, sizeof(c->detail),
		 v == GS_VERDICT_DO_NOT_WHITELIST
		     ? "the host names agree: %s"
		     : "the host names alone would say do not whitelist: %s",
		 k->clue);
}

/* The fallback: the host names decide; why says why the pairs did not. */
static void by_host_names(struct gs_candidate *c, const struct clues *k,
			  const char *why)
{
	c->by_pairs = false;
	snprintf(c->detail, sizeof(c->detail), "%s", why);
	if (k->refusal[0] != '\0' || k->clue[0] != '\0') {
		c->verdict = GS_VERDICT_DO_NOT_WHITELIST;
		snprintf(c->reason, sizeof(c->reason), "%s",
			 k->refusal[0] != '\0' ? k->refusal : k->clue);
		return;
	}
	c->verdict = GS_VERDICT_WHITELIST;
	snprintf(c->reason, sizeof(c->reason),
		 "no sign of dynamic address space in the host names");
}

static void decide(const psl_ctx_t *psl, struct gs_candidate *c)
{
	const struct gs_group_stats *g = c->group;
	char pairs[GS_VERDICT_REASON_MAX] = "";
	enum gs_verdict v = GS_VERDICT_TOO_FEW;
	struct clues k = {"", ""};
	bool entry;

	entry = find_entry(psl, c, k.refusal, sizeof(k.refusal));
	if (!gs_suggest_is_dynamic(g, entry ? c->entry : NULL, k.clue,
				   sizeof(k.clue)))
		k.clue[0] = '\0';
	if (g->has_pairs) {
		gs_verdict_figures(&g->pairs, &c->figures);
		c->never_passed = gs_verdict_never_passed(&c->figures);
		v = gs_verdict_judge(&c->figures, pairs, sizeof(pairs));
	}
	if (v != GS_VERDICT_TOO_FEW)
		by_pairs(c, v, pairs, &k);
	else
		by_host_names(c, &k,
			      g->has_pairs
				  ? pairs
				  : "no pair evidence (version 1 summary)");
	if (c->verdict != GS_VERDICT_WHITELIST)
		c->entry[0] = '\0';
}

/* ---- selection ---- */

static int cand_cmp(const void *pa, const void *pb)
{
	const struct gs_candidate *a = pa, *b = pb;
	uint64_t da, db;
	int c;

	if (a->greylisted != b->greylisted)
		return a->greylisted > b->greylisted ? -1 : 1;
	da = a->group->counts[GS_C_DELAYED];
	db = b->group->counts[GS_C_DELAYED];
	if (da != db)
		return da > db ? -1 : 1;
	c = strcmp(a->group->domain, b->group->domain);
	if (c != 0)
		return c;
	return (int)a->group->kind - (int)b->group->kind;
}

static void classify(const psl_ctx_t *psl, const struct gs_whitelist *wl,
		     const struct gs_ignore *ig,
		     const struct gs_suggest_opts *o, struct gs_candidate *c)
{
	const struct gs_group_stats *g = c->group;

	decide(psl, c);
	if (gs_whitelist_covers(wl, g, &c->hit))
		c->state = GS_CAND_COVERED;
	else if (gs_ignore_match(ig, g->domain, &c->hit))
		c->state = GS_CAND_IGNORED;
	else if (c->verdict != GS_VERDICT_WHITELIST &&
		 (g->has_pairs || o->exclude_dynamic))
		c->state = GS_CAND_EXCLUDED;
	else
		c->state = GS_CAND_CANDIDATE;
}

int gs_candidates_select(const struct gs_summary *s,
			 const struct gs_whitelist *wl,
			 const struct gs_ignore *ig,
			 const struct gs_suggest_opts *o,
			 struct gs_candidates *out, char *err, size_t errlen)
{
	struct gs_suggest_opts defaults;
	const struct gs_group_stats *g;
	struct gs_candidate *c;
	psl_ctx_t *psl = NULL;
	uint64_t greylisted;
	size_t i;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	if (o == NULL) {
		gs_suggest_opts_default(&defaults);
		o = &defaults;
	}
	if (s == NULL || s->n_groups == 0)
		return 0;
	psl = psl_latest(NULL);
	if (psl == NULL)
		return gs_seterr(err, errlen,
				 "libpsl has no public suffix list");
	out->items = calloc(s->n_groups, sizeof(*out->items));
	if (out->items == NULL) {
		gs_seterr(err, errlen, "out of memory for %zu groups",
			  s->n_groups);
		goto out;
	}
	for (i = 0; i < s->n_groups; i++) {
		g = &s->groups[i];
		greylisted = g->counts[GS_C_NEW] + g->counts[GS_C_EARLY_RETRY];
		if (g->domain == NULL || greylisted < o->threshold)
			continue;
		c = &out->items[out->n_items++];
		c->group = g;
		c->greylisted = greylisted;
		classify(psl, wl, ig, o, c);
		if (c->state == GS_CAND_CANDIDATE)
			out->n_candidates++;
	}
	qsort(out->items, out->n_items, sizeof(*out->items), cand_cmp);
	rc = 0;
out:
	psl_free(psl);
	if (rc < 0)
		gs_candidates_free(out);
	return rc;
}

void gs_candidates_free(struct gs_candidates *c)
{
	if (c == NULL)
		return;
	free(c->items);
	memset(c, 0, sizeof(*c));
}

bool gs_candidate_listed(const struct gs_candidate *c)
{
	return c->state == GS_CAND_CANDIDATE || c->state == GS_CAND_EXCLUDED;
}
