/* check_greyscan's evaluation: the state from the candidates (the -w/-c
 * ranges), the worst wait and never-passed figures of the watched domains
 * (their thresholds), and the stale summary, once into struct findings. */
#include "gs_config.h"

#include "check_greyscan.h"

static bool above_alerts(const struct above *a, uint64_t value)
{
	return a->set && value > a->limit;
}

bool check_watched(const struct gs_candidate *cd)
{
	return gs_candidate_listed(cd) && cd->group->has_pairs &&
	       cd->verdict != GS_VERDICT_DO_NOT_WHITELIST;
}

bool check_alerts(const struct config *c, const struct gs_candidate *cd)
{
	const struct gs_pair_stats *p = &cd->group->pairs;

	if (!check_watched(cd))
		return false;
	if (p->has_wait && (above_alerts(&c->wait_warning, p->wait_p90_s) ||
			    above_alerts(&c->wait_critical, p->wait_p90_s)))
		return true;
	return above_alerts(&c->np_warning, cd->never_passed) ||
	       above_alerts(&c->np_critical, cd->never_passed);
}

/* Counts value into w: the worst so far, and the thresholds it passes.
 * Ties keep the first, the most significant domain. */
static void count(struct worst *w, const struct gs_candidate *cd,
		  uint64_t value, const struct above *warn,
		  const struct above *crit)
{
	if (w->c == NULL || value > w->value) {
		w->c = cd;
		w->value = value;
	}
	if (above_alerts(warn, value))
		w->over_warning++;
	if (above_alerts(crit, value))
		w->over_critical++;
}

static enum state worse(enum state a, enum state b)
{
	return a > b ? a : b;
}

static enum state state_of(const struct worst *w)
{
	if (w->over_critical > 0)
		return STATE_CRITICAL;
	return w->over_warning > 0 ? STATE_WARNING : STATE_OK;
}

void check_evaluate(const struct config *c, const struct inputs *in,
		    struct findings *f)
{
	const struct gs_candidate *cd;
	double n = (double)in->cands.n_candidates;
	enum state st = STATE_OK;
	size_t i;

	f->evidence = in->summary.version >= 2;
	for (i = 0; i < in->cands.n_items; i++) {
		cd = &in->cands.items[i];
		if (!check_watched(cd))
			continue;
		if (cd->group->pairs.has_wait)
			count(&f->wait, cd, cd->group->pairs.wait_p90_s,
			      &c->wait_warning, &c->wait_critical);
		count(&f->np, cd, cd->never_passed, &c->np_warning,
		      &c->np_critical);
	}
	if (c->have_critical && gs_range_alert(&c->critical, n))
		st = STATE_CRITICAL;
	else if (gs_range_alert(&c->warning, n))
		st = STATE_WARNING;
	st = worse(st, worse(state_of(&f->wait), state_of(&f->np)));
	if (f->stale)
		st = c->stale_critical ? STATE_CRITICAL : STATE_UNKNOWN;
	f->state = st;
}
