/* Snapshots: the tally's aggregate over the window as a struct gs_summary
 * (design in tally.h).
 *
 * Concurrency & locking: gs_tally_snapshot_top() takes t->lock once,
 * sweeps, chooses and copies the groups while holding it, and sorts its
 * private copy after releasing it. Everything else here runs with the lock
 * held by it. */
#include "gs_config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tally/delayhist.h"
#include "base/error.h"
#include "tally/tally_int.h"

static int host_count_cmp(const void *a, const void *b)
{
	const struct gs_host_count *x = a, *y = b;

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return strcmp(x->host, y->host);
}

/* Fills s->hosts: each host of g's entries with the sum of its counts. */
static int fill_hosts(const struct gs_tally *t, const struct group *g,
		      struct gs_group_stats *s)
{
	uint8_t ids[GS_TALLY_MAX_HOSTS + 1];
	uint64_t sums[GS_TALLY_MAX_HOSTS + 1];
	size_t n = 0, i, j;
	uint64_t sum;
	unsigned c;

	for (i = 0; i < g->n_entries; i++) {
		for (j = 0; j < n && ids[j] != g->entries[i].host; j++)
			;
		if (j == n) {
			/* gs_tally_group_host() keeps the distinct ids within
			 * bounds; a merge of states cannot exceed them either.
			 */
			if (n == GS_TALLY_MAX_HOSTS + 1)
				continue;
			ids[n] = g->entries[i].host;
			sums[n++] = 0;
		}
		for (sum = 0, c = 0; c < GS_C_COUNT; c++)
			sum += g->entries[i].counts[c];
		sums[j] += sum;
	}
	s->hosts = calloc(n > 0 ? n : 1, sizeof(*s->hosts));
	if (s->hosts == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		s->hosts[i].host = strdup(t->hosts[ids[i]]);
		if (s->hosts[i].host == NULL)
			return -1;
		s->hosts[i].count = sums[i];
		s->n_hosts++;
	}
	qsort(s->hosts, s->n_hosts, sizeof(*s->hosts), host_count_cmp);
	return 0;
}

static int fill_examples(const struct group *g, struct gs_group_stats *s)
{
	size_t off = 0;
	uint8_t i;

	for (i = 0; i < g->n_examples; i++) {
		s->examples[i] = strdup(g->examples + off);
		if (s->examples[i] == NULL)
			return -1;
		s->n_examples++;
		off += strlen(g->examples + off) + 1;
	}
	return 0;
}

static void fill_counts(const struct gs_tally *t, const struct group *g,
			struct gs_group_stats *s)
{
	uint64_t bins[GS_TALLY_HIST_BINS] = {0};
	const struct entry *e;
	uint32_t max_s = 0;
	uint16_t i;
	unsigned k;

	for (i = 0; i < g->n_entries; i++) {
		e = &g->entries[i];
		for (k = 0; k < GS_C_COUNT; k++)
			s->counts[k] += e->counts[k];
		if (e->hist == NULL)
			continue;
		for (k = 0; k < GS_TALLY_HIST_BINS; k++)
			bins[k] += e->hist->bins[k];
		if (e->hist->max_s > max_s)
			max_s = e->hist->max_s;
	}
	s->delay_count = s->counts[GS_C_DELAYED];
	s->delay_max_s = max_s;
	s->delay_median_s = gs_delayhist_median(t->hist_lower, bins, max_s);
}

static uint64_t at_most(uint64_t v, uint64_t max)
{
	return v < max ? v : max;
}

/* The relations of struct gs_pair_stats, which the summary's reader
 * checks (greyscan-summary(5), VALIDATION) and a save made while counting
 * and restored may break by a pair or two (tally.h). */
static void clamp_pairs(struct gs_pair_stats *p)
{
	uint64_t closed;

	p->returned = at_most(p->returned, p->greylisted);
	p->other_network = at_most(p->other_network, p->returned);
	p->passed = at_most(p->passed, p->greylisted);
	p->expired = at_most(p->expired, p->greylisted - p->passed);
	p->never_returned = at_most(p->never_returned, p->expired);
	p->never_returned =
	    at_most(p->never_returned, p->greylisted - p->returned);
	closed = p->passed + p->expired;
	p->pending = at_most(p->pending, p->greylisted - closed);
}

/* The pair figures of g: its pair slot entries summed (all in the window:
 * g was pruned by the sweep), the waits from their histograms. */
static void fill_pairs(const struct gs_tally *t, const struct group *g,
		       struct gs_pair_stats *p)
{
	uint64_t bins[GS_TALLY_HIST_BINS] = {0}, waits = 0;
	const struct pentry *e;
	uint32_t max_s = 0;
	unsigned i, k;

	for (i = 0; i < g->n_pentries; i++) {
		e = &g->pentries[i];
		p->greylisted += e->counts[GS_TP_GREYLISTED];
		p->returned += e->counts[GS_TP_RETURNED];
		p->other_network += e->counts[GS_TP_OTHER_NETWORK];
		p->passed += e->counts[GS_TP_PASSED];
		p->expired += e->counts[GS_TP_EXPIRED];
		p->never_returned += e->counts[GS_TP_NEVER_RETURNED];
		p->pending += e->counts[PC_OPEN];
		if (e->wait == NULL)
			continue;
		for (k = 0; k < GS_TALLY_HIST_BINS; k++) {
			bins[k] += e->wait->bins[k];
			waits += e->wait->bins[k];
		}
		if (e->wait->max_s > max_s)
			max_s = e->wait->max_s;
	}
	clamp_pairs(p);
	/* The reader's rule too: waits exactly when something passed. */
	p->has_wait = waits > 0 && p->passed > 0;
	if (!p->has_wait)
		return;
	p->wait_max_s = max_s;
	p->wait_median_s = gs_delayhist_median(t->hist_lower, bins, max_s);
	p->wait_p90_s = gs_delayhist_quantile(t->hist_lower, bins, max_s, 900);
}

/* g's decisions per slot of the series (out->series_slots of them from
 * out->series_start), all hosts summed; slots without any stay 0. */
static int fill_series(const struct gs_tally *t, const struct group *g,
		       const struct gs_summary *out, struct gs_group_stats *s)
{
	const int64_t first = (int64_t)out->series_start / t->slot_s;
	const struct entry *e;
	struct gs_series_slot *d;
	uint16_t i;

	if (out->series_slots == 0)
		return 0;
	s->series = calloc(out->series_slots, sizeof(*s->series));
	if (s->series == NULL)
		return -1;
	for (i = 0; i < g->n_entries; i++) {
		e = &g->entries[i];
		/* The sweep dropped older entries and no event is newer than
		 * the end; a merged state is held to the same bounds, so this
		 * only guards the array. */
		if (e->slot < first ||
		    (uint64_t)(e->slot - first) >= out->series_slots)
			continue;
		d = &s->series[e->slot - first];
		d->greylisted +=
		    (uint64_t)e->counts[GS_C_NEW] + e->counts[GS_C_EARLY_RETRY];
		d->passed +=
		    (uint64_t)e->counts[GS_C_DELAYED] + e->counts[GS_C_PASSED];
	}
	return 0;
}

static int fill_group(const struct gs_tally *t, const struct group *g,
		      const struct gs_summary *out, struct gs_group_stats *s)
{
	s->domain = strdup(g->name);
	if (s->domain == NULL)
		return -1;
	s->kind = (enum gs_group_kind)g->kind;
	fill_counts(t, g, s);
	s->client_addresses = g->n_addrs;
	s->networks = g->n_nets;
	s->first_seen = (time_t)g->first_seen;
	s->last_seen = (time_t)g->last_seen;
	s->has_pairs = t->pairs != NULL;
	if (s->has_pairs)
		fill_pairs(t, g, &s->pairs);
	if (fill_examples(g, s) < 0 || fill_series(t, g, out, s) < 0)
		return -1;
	return fill_hosts(t, g, s);
}

/* A group's place in the summary's order, for choosing the busiest. */
struct pick {
	uint64_t new_, early;
	const struct group *g;
};

static void group_key(const struct group *g, struct pick *p)
{
	uint16_t i;

	p->new_ = 0;
	p->early = 0;
	p->g = g;
	for (i = 0; i < g->n_entries; i++) {
		p->new_ += g->entries[i].counts[GS_C_NEW];
		p->early += g->entries[i].counts[GS_C_EARLY_RETRY];
	}
}

/* < 0 when a comes before b in the summary: the order of gs_summary_sort
 * (new, then early_retry descending, then the name; names are unique in
 * the tally, so the kind never decides). */
static int pick_cmp(const struct pick *a, const struct pick *b)
{
	if (a->new_ != b->new_)
		return a->new_ > b->new_ ? -1 : 1;
	if (a->early != b->early)
		return a->early > b->early ? -1 : 1;
	return strcmp(a->g->name, b->g->name);
}

static void pick_swap(struct pick *h, size_t i, size_t j)
{
	struct pick x = h[i];

	h[i] = h[j];
	h[j] = x;
}

/* h[0..n) is a heap with the last in summary order at the root; restores
 * that after h[i] got an earlier (better) value. */
static void heap_down(struct pick *h, size_t n, size_t i)
{
	size_t worst, c;

	for (;;) {
		worst = i;
		for (c = 2 * i + 1; c <= 2 * i + 2 && c < n; c++)
			if (pick_cmp(&h[c], &h[worst]) > 0)
				worst = c;
		if (worst == i)
			return;
		pick_swap(h, i, worst);
		i = worst;
	}
}

static void heap_up(struct pick *h, size_t i)
{
	size_t parent;

	while (i > 0) {
		parent = (i - 1) / 2;
		if (pick_cmp(&h[i], &h[parent]) <= 0)
			return;
		pick_swap(h, i, parent);
		i = parent;
	}
}

/* The max busiest groups (max < n_groups) into h, in no order: one pass
 * over the table with a heap of the max best so far, whose root is the one
 * to drop next. O(n log max) time, max picks of memory. */
static size_t pick_busiest(const struct gs_tally *t, struct pick *h, size_t max)
{
	const struct group *g;
	struct pick p;
	size_t n = 0, b;

	for (b = 0; b < t->n_buckets; b++) {
		for (g = t->buckets[b]; g != NULL; g = g->next) {
			group_key(g, &p);
			if (n < max) {
				h[n] = p;
				heap_up(h, n++);
			} else if (pick_cmp(&p, &h[0]) < 0) {
				h[0] = p;
				heap_down(h, n, 0);
			}
		}
	}
	return n;
}

/* The series' frame: from the oldest live slot to the end's, in the
 * tally's slots, so that it starts at window_start; none before the first
 * event. A window reaching back before time 0 starts at slot 0, as
 * window_start does (event times are never negative). */
static void snapshot_series(const struct gs_tally *t, struct gs_summary *out)
{
	int64_t first, last;

	out->has_series = true;
	out->series_slot_s = t->slot_s;
	if (!t->has_end)
		return;
	first = min_live_slot(t);
	if (first < 0)
		first = 0;
	last = slot_of(t, t->end);
	/* window_s / slot_s + 1 slots at most (summary.h), within what a
	 * reader accepts: should that ever change, the newest are kept. */
	if (last - first >= GS_SERIES_MAX_SLOTS)
		first = last - GS_SERIES_MAX_SLOTS + 1;
	out->series_start = (time_t)(first * t->slot_s);
	out->series_slots = (size_t)(last - first + 1);
}

/* The header fields of a snapshot: everything but the groups. */
static int snapshot_head(const struct gs_tally *t, time_t now,
			 struct gs_summary *out)
{
	size_t i;

	out->version = GS_SUMMARY_VERSION;
	out->generated = now;
	out->window_s = t->window_s;
	out->retry_window_s = t->retry_window_s;
	/* Both stay 0 (the summary's "no event yet") until the first event;
	 * event times are never negative (clamp_time), nor is the start. */
	if (t->has_end) {
		out->window_end = (time_t)t->end;
		out->window_start = (time_t)(min_live_slot(t) * t->slot_s);
		if (out->window_start < 0)
			out->window_start = 0;
	}
	snapshot_series(t, out);
	gs_tally_totals_locked(t, &out->totals);
	for (i = 0; i < t->n_samples; i++) {
		out->samples[i] = strdup(gs_tally_sample_at(t, i));
		if (out->samples[i] == NULL)
			return -1;
		out->n_samples++;
	}
	return 0;
}

/* Copies the header and at most max groups (0: all) into out; the lock is
 * held and t swept. */
static int snapshot_locked(const struct gs_tally *t, time_t now, size_t max,
			   struct gs_summary *out)
{
	const struct group *g;
	struct pick *h = NULL;
	size_t b, i, n = t->n_groups;
	int rc = -1;

	if (snapshot_head(t, now, out) < 0)
		return -1;
	if (max != 0 && max < n) {
		h = malloc(max * sizeof(*h));
		if (h == NULL)
			return -1;
		n = pick_busiest(t, h, max);
	}
	out->groups = calloc(n > 0 ? n : 1, sizeof(*out->groups));
	if (out->groups == NULL)
		goto out;
	/* Counted before filling so that gs_summary_free releases a partly
	 * filled group too. */
	if (h != NULL) {
		for (i = 0; i < n; i++)
			if (fill_group(t, h[i].g, out,
				       &out->groups[out->n_groups++]) < 0)
				goto out;
	} else {
		for (b = 0; b < t->n_buckets; b++)
			for (g = t->buckets[b]; g != NULL; g = g->next)
				if (fill_group(t, g, out,
					       &out->groups[out->n_groups++]) <
				    0)
					goto out;
	}
	rc = 0;
out:
	free(h);
	return rc;
}

int gs_tally_snapshot_top(struct gs_tally *t, time_t now, size_t max_groups,
			  struct gs_summary *out, char *err, size_t errlen)
{
	int rc;

	memset(out, 0, sizeof(*out));
	tally_lock(t);
	gs_tally_sweep(t);
	rc = snapshot_locked(t, now, max_groups, out);
	tally_unlock(t);
	if (rc < 0) {
		gs_summary_free(out);
		return gs_seterr(err, errlen, "tally snapshot: %s",
				 strerror(ENOMEM));
	}
	gs_summary_sort(out);
	return 0;
}

int gs_tally_snapshot(struct gs_tally *t, time_t now, struct gs_summary *out,
		      char *err, size_t errlen)
{
	return gs_tally_snapshot_top(t, now, 0, out, err, errlen);
}
