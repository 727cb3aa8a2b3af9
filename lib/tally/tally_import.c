/* Checking and merging a struct gs_tally_export into a tally, for the
 * state file (contract in tally.h).
 *
 * Concurrency & locking: gs_tally_import() takes t->lock once and checks
 * and merges the whole import while holding it; everything else here runs
 * with the lock held by it, except gs_tally_check_group(), which works
 * without a tally. */
#include "gs_config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "tally/addrset.h"
#include "tally/delayhist.h"
#include "base/error.h"
#include "input/group.h"
#include "tally/tally_int.h"

static int check_time(int64_t v, const char *group, const char *field,
		      char *err, size_t errlen)
{
	if (v < 0 || v > GS_TALLY_TIME_MAX)
		return gs_seterr(
		    err, errlen, "group \"%s\": %s %lld out of range 0..%lld",
		    group, field, (long long)v, (long long)GS_TALLY_TIME_MAX);
	return 0;
}

static int check_seen(const struct gs_tally_export *in,
		      const struct gs_tally_xaddr *a, size_t n,
		      const char *group, const char *field, char *err,
		      size_t errlen)
{
	size_t i;

	if (n > GS_TALLY_MAX_ADDRS)
		return gs_seterr(err, errlen,
				 "group \"%s\": %zu %s, at most %d allowed",
				 group, n, field, GS_TALLY_MAX_ADDRS);
	for (i = 0; i < n; i++) {
		if (a[i].addr.family != AF_INET && a[i].addr.family != AF_INET6)
			return gs_seterr(err, errlen,
					 "group \"%s\": %s[%zu]: not an IPv4 "
					 "or IPv6 address",
					 group, field, i);
		if (a[i].slot < 0 ||
		    a[i].slot > GS_TALLY_TIME_MAX / (int64_t)in->slot_s)
			return gs_seterr(err, errlen,
					 "group \"%s\": %s[%zu]: slot %lld out "
					 "of range",
					 group, field, i, (long long)a[i].slot);
	}
	return 0;
}

/* A histogram must hold at most the delayed count, and its maximum must lie
 * in its highest non-empty bin. */
static int check_hist(const uint32_t lower[GS_TALLY_HIST_BINS],
		      const struct gs_tally_xentry *e, const char *group,
		      size_t idx, char *err, size_t errlen)
{
	uint64_t sum = 0;
	unsigned k, top = 0;

	if (e->hist == NULL) {
		if (e->delay_max_s != 0)
			return gs_seterr(err, errlen,
					 "group \"%s\": entries[%zu]: "
					 "delay_max_s without a histogram",
					 group, idx);
		return 0;
	}
	for (k = 0; k < GS_TALLY_HIST_BINS; k++) {
		sum += e->hist[k];
		if (e->hist[k] > 0)
			top = k;
	}
	if (sum == 0 || sum > e->counts[GS_C_DELAYED])
		return gs_seterr(err, errlen,
				 "group \"%s\": entries[%zu]: histogram holds "
				 "%llu delays for %lu delayed events",
				 group, idx, (unsigned long long)sum,
				 (unsigned long)e->counts[GS_C_DELAYED]);
	if (e->delay_max_s < lower[top] ||
	    e->delay_max_s > gs_delayhist_bin_high(lower, top, UINT32_MAX))
		return gs_seterr(err, errlen,
				 "group \"%s\": entries[%zu]: delay_max_s %lu "
				 "does not match the histogram",
				 group, idx, (unsigned long)e->delay_max_s);
	return 0;
}

/* A pair slot's waits like check_hist: at most the passed count, the
 * maximum in the highest non-empty bin. */
static int check_pslot(const uint32_t lower[GS_TALLY_HIST_BINS],
		       const struct gs_tally_export *in,
		       const struct gs_tally_xpslot *e, const char *group,
		       size_t idx, char *err, size_t errlen)
{
	struct gs_tally_xentry probe;

	if (e->slot < 0 || e->slot > GS_TALLY_TIME_MAX / (int64_t)in->slot_s)
		return gs_seterr(err, errlen,
				 "group \"%s\": pair_slots[%zu]: slot %lld out "
				 "of range",
				 group, idx, (long long)e->slot);
	memset(&probe, 0, sizeof(probe));
	probe.counts[GS_C_DELAYED] = e->counts[GS_TP_PASSED];
	probe.delay_max_s = e->wait_max_s;
	probe.hist = e->wait;
	if (check_hist(lower, &probe, group, idx, err, errlen) < 0)
		return gs_seterr(
		    err, errlen,
		    "group \"%s\": pair_slots[%zu]: the waits "
		    "do not match %lu passed pairs and a maximum of "
		    "%lu s",
		    group, idx, (unsigned long)e->counts[GS_TP_PASSED],
		    (unsigned long)e->wait_max_s);
	return 0;
}

static int check_pslots(const uint32_t lower[GS_TALLY_HIST_BINS],
			const struct gs_tally_export *in,
			const struct gs_tally_xgroup *xg, const char *name,
			char *err, size_t errlen)
{
	size_t i, j;

	if (xg->n_pslots > GS_TALLY_MAX_PSLOTS)
		return gs_seterr(err, errlen,
				 "group \"%s\": %zu pair slots, at most %d",
				 name, xg->n_pslots, GS_TALLY_MAX_PSLOTS);
	for (i = 0; i < xg->n_pslots; i++) {
		if (check_pslot(lower, in, &xg->pslots[i], name, i, err,
				errlen) < 0)
			return -1;
		for (j = 0; j < i; j++)
			if (xg->pslots[j].slot == xg->pslots[i].slot)
				return gs_seterr(
				    err, errlen,
				    "group \"%s\": pair_slots[%zu]: "
				    "slot %lld twice",
				    name, i, (long long)xg->pslots[i].slot);
	}
	return 0;
}

static int check_group(const uint32_t lower[GS_TALLY_HIST_BINS],
		       const struct gs_tally_export *in,
		       const struct gs_tally_xgroup *xg, char *err,
		       size_t errlen)
{
	const struct gs_tally_xentry *e;
	const char *name = xg->name != NULL ? xg->name : "";
	size_t i;

	if (xg->name == NULL || xg->name[0] == '\0' ||
	    strlen(xg->name) >= GS_GROUP_MAX)
		return gs_seterr(err, errlen,
				 "group \"%s\": name empty or longer than %d "
				 "bytes",
				 name, GS_GROUP_MAX - 1);
	if (xg->kind != GS_KIND_NAME && xg->kind != GS_KIND_NETWORK)
		return gs_seterr(err, errlen, "group \"%s\": invalid kind",
				 name);
	if (check_time(xg->first_seen, name, "first_seen", err, errlen) < 0 ||
	    check_time(xg->last_seen, name, "last_seen", err, errlen) < 0)
		return -1;
	if (xg->first_seen > xg->last_seen)
		return gs_seterr(err, errlen,
				 "group \"%s\": first_seen after last_seen",
				 name);
	for (i = 0; i < xg->n_entries; i++) {
		e = &xg->entries[i];
		if (e->slot < 0 ||
		    e->slot > GS_TALLY_TIME_MAX / (int64_t)in->slot_s)
			return gs_seterr(err, errlen,
					 "group \"%s\": entries[%zu]: slot "
					 "%lld out of range",
					 name, i, (long long)e->slot);
		if (e->host >= in->n_hosts)
			return gs_seterr(err, errlen,
					 "group \"%s\": entries[%zu]: host %lu "
					 "not in the %zu hosts",
					 name, i, (unsigned long)e->host,
					 in->n_hosts);
		if (check_hist(lower, e, name, i, err, errlen) < 0)
			return -1;
	}
	if (check_seen(in, xg->addrs, xg->n_addrs, name, "addresses", err,
		       errlen) < 0 ||
	    check_seen(in, xg->nets, xg->n_nets, name, "networks", err,
		       errlen) < 0)
		return -1;
	if (xg->n_examples > GS_MAX_EXAMPLES)
		return gs_seterr(err, errlen,
				 "group \"%s\": %zu examples, at most %d", name,
				 xg->n_examples, GS_MAX_EXAMPLES);
	for (i = 0; i < xg->n_examples; i++)
		if (xg->examples[i] == NULL ||
		    strlen(xg->examples[i]) > GS_TALLY_EXAMPLE_MAX_LEN)
			return gs_seterr(err, errlen,
					 "group \"%s\": examples[%zu] missing "
					 "or longer than %d bytes",
					 name, i, GS_TALLY_EXAMPLE_MAX_LEN);
	return check_pslots(lower, in, xg, name, err, errlen);
}

int gs_tally_check_pair(const struct gs_tally_xpair *p, char *err,
			size_t errlen)
{
	if (p->first < 0 || p->first > (int64_t)UINT32_MAX)
		return gs_seterr(
		    err, errlen, "pair %016llx: first %lld out of range 0..%lu",
		    (unsigned long long)p->key, (long long)p->first,
		    (unsigned long)UINT32_MAX);
	if (p->has_group && (p->group[0] == '\0' ||
			     strnlen(p->group, GS_GROUP_MAX) >= GS_GROUP_MAX))
		return gs_seterr(
		    err, errlen,
		    "pair %016llx: group name empty or longer than "
		    "%d bytes",
		    (unsigned long long)p->key, GS_GROUP_MAX - 1);
	return 0;
}

int gs_tally_check_group(const struct gs_tally_export *in,
			 const struct gs_tally_xgroup *g, char *err,
			 size_t errlen)
{
	uint32_t lower[GS_TALLY_HIST_BINS];

	if (in->slot_s < 1)
		return gs_seterr(err, errlen, "slot_s is 0");
	gs_delayhist_init_bounds(lower);
	return check_group(lower, in, g, err, errlen);
}

static int check_export(const struct gs_tally *t,
			const struct gs_tally_export *in, char *err,
			size_t errlen)
{
	size_t i;

	if (in->window_s < GS_TALLY_SLOTS || in->slot_s < 1 ||
	    in->slot_s > in->window_s)
		return gs_seterr(err, errlen,
				 "window_s %lu and slot_s %lu: expected a "
				 "window of at least %d s and slots within it",
				 (unsigned long)in->window_s,
				 (unsigned long)in->slot_s, GS_TALLY_SLOTS);
	if (in->has_end && (in->end < 0 || in->end > GS_TALLY_TIME_MAX))
		return gs_seterr(err, errlen, "end %lld out of range",
				 (long long)in->end);
	if (in->n_samples > GS_MAX_SAMPLES)
		return gs_seterr(err, errlen, "%zu samples, at most %d",
				 in->n_samples, GS_MAX_SAMPLES);
	for (i = 0; i < in->n_samples; i++)
		if (in->samples[i] == NULL ||
		    strlen(in->samples[i]) > GS_SAMPLE_MAX_LEN)
			return gs_seterr(err, errlen,
					 "samples[%zu] missing or longer than "
					 "%d bytes",
					 i, GS_SAMPLE_MAX_LEN);
	if (in->n_hosts > GS_TALLY_MAX_HOST_NAMES)
		return gs_seterr(err, errlen, "%zu hosts, at most %d",
				 in->n_hosts, GS_TALLY_MAX_HOST_NAMES);
	for (i = 0; i < in->n_hosts; i++)
		if (in->hosts[i] == NULL ||
		    strlen(in->hosts[i]) > GS_TALLY_HOST_NAME_MAX_LEN)
			return gs_seterr(err, errlen,
					 "hosts[%zu] missing or longer than %d "
					 "bytes",
					 i, GS_TALLY_HOST_NAME_MAX_LEN);
	if (in->n_groups > 0 && in->groups == NULL)
		return gs_seterr(err, errlen, "no groups[] to import");
	for (i = 0; i < in->n_groups; i++)
		if (check_group(t->hist_lower, in, &in->groups[i], err,
				errlen) < 0)
			return -1;
	if (in->n_pairs > 0 && in->pairs == NULL)
		return gs_seterr(err, errlen, "no pairs[] to import");
	for (i = 0; i < in->n_pairs; i++)
		if (gs_tally_check_pair(&in->pairs[i], err, errlen) < 0)
			return -1;
	return 0;
}

static void merge_totals(struct gs_totals *to, const struct gs_totals *from)
{
	unsigned c;

	to->lines += from->lines;
	to->actions += from->actions;
	to->unparsed += from->unparsed;
	to->ignored += from->ignored;
	to->evicted += from->evicted;
	to->too_old += from->too_old;
	to->pairs_evicted += from->pairs_evicted;
	for (c = 0; c < GS_C_COUNT; c++)
		to->per_counter[c] += from->per_counter[c];
}

/* The imported samples go before the tally's own (they are older). */
static void merge_samples(struct gs_tally *t, const struct gs_tally_export *in)
{
	char own[GS_MAX_SAMPLES][GS_SAMPLE_MAX_LEN + 1];
	size_t n_own = t->n_samples, i;

	for (i = 0; i < n_own; i++)
		memcpy(own[i], gs_tally_sample_at(t, i), sizeof(own[i]));
	t->n_samples = 0;
	t->next_sample = 0;
	for (i = 0; i < in->n_samples; i++)
		gs_tally_push_sample(t, in->samples[i], strlen(in->samples[i]));
	for (i = 0; i < n_own; i++)
		gs_tally_push_sample(t, own[i], strlen(own[i]));
}

/* in's slot number converted to t's slots. */
static int64_t import_slot(const struct gs_tally *t,
			   const struct gs_tally_export *in, int64_t slot)
{
	if (in->slot_s == t->slot_s)
		return slot;
	return slot_of(t, slot * (int64_t)in->slot_s);
}

static int merge_entry(struct gs_tally *t, struct group *g,
		       const struct gs_tally_xentry *x, int64_t slot,
		       uint8_t host)
{
	struct entry *e;
	unsigned k;

	e = gs_tally_entry_get(g, slot, gs_tally_group_host(g, host));
	if (e == NULL)
		return -1;
	if (x->hist != NULL && e->hist == NULL) {
		e->hist = calloc(1, sizeof(*e->hist));
		if (e->hist == NULL)
			return -1;
	}
	for (k = 0; k < GS_C_COUNT; k++)
		gs_tally_count_into(g, e, (enum gs_counter)k, x->counts[k]);
	if (x->hist == NULL)
		return 0;
	for (k = 0; k < GS_TALLY_HIST_BINS; k++)
		e->hist->bins[k] = sat_add32(e->hist->bins[k], x->hist[k]);
	if (x->delay_max_s > e->hist->max_s)
		e->hist->max_s = x->delay_max_s;
	return 0;
}

static int merge_pslot(struct gs_tally *t, struct group *g,
		       const struct gs_tally_xpslot *x, int64_t slot)
{
	struct pentry *e = gs_tally_pentry_get(g, slot);
	unsigned k;

	if (e == NULL)
		return -1;
	if (x->wait != NULL && e->wait == NULL) {
		e->wait = calloc(1, sizeof(*e->wait));
		if (e->wait == NULL)
			return -1;
	}
	for (k = 0; k < GS_TP_COUNT; k++)
		e->counts[k] = sat_add32(e->counts[k], x->counts[k]);
	if (x->wait == NULL)
		return 0;
	for (k = 0; k < GS_TALLY_HIST_BINS; k++)
		e->wait->bins[k] = sat_add32(e->wait->bins[k], x->wait[k]);
	if (x->wait_max_s > e->wait->max_s)
		e->wait->max_s = x->wait_max_s;
	return 0;
}

static void merge_seen(const struct gs_tally *t,
		       const struct gs_tally_export *in,
		       struct gs_addrset_item **set, uint8_t *n, uint8_t *cap,
		       const struct gs_tally_xaddr *a, size_t n_a,
		       int64_t min_live)
{
	uint8_t key[16];
	int64_t slot;
	size_t i;

	for (i = 0; i < n_a; i++) {
		slot = import_slot(t, in, a[i].slot);
		if (slot < min_live)
			continue;
		gs_addrset_key(&a[i].addr, key);
		gs_addrset_note(set, n, cap, GS_TALLY_MAX_ADDRS, key, slot);
	}
}

static int merge_group(struct gs_tally *t, const struct gs_tally_export *in,
		       const struct gs_tally_xgroup *xg,
		       const uint8_t *host_map)
{
	int64_t min_live = min_live_slot(t), slot;
	struct group_key k;
	struct group *g;
	bool any = false;
	size_t i;

	for (i = 0; i < xg->n_entries && !any; i++)
		any = import_slot(t, in, xg->entries[i].slot) >= min_live;
	if (!any)
		return 0;
	gs_tally_group_key(t, xg->name, &k);
	g = gs_tally_group_get(t, &k, xg->kind);
	if (g == NULL)
		return -1;
	gs_tally_group_prune(g, min_live);
	for (i = 0; i < xg->n_entries; i++) {
		slot = import_slot(t, in, xg->entries[i].slot);
		if (slot < min_live)
			continue;
		if (merge_entry(t, g, &xg->entries[i], slot,
				host_map[xg->entries[i].host]) < 0)
			goto fail;
	}
	for (i = 0; i < xg->n_pslots; i++) {
		slot = import_slot(t, in, xg->pslots[i].slot);
		if (slot >= min_live &&
		    merge_pslot(t, g, &xg->pslots[i], slot) < 0)
			goto fail;
	}
	merge_seen(t, in, &g->addrs, &g->n_addrs, &g->cap_addrs, xg->addrs,
		   xg->n_addrs, min_live);
	merge_seen(t, in, &g->nets, &g->n_nets, &g->cap_nets, xg->nets,
		   xg->n_nets, min_live);
	for (i = 0; i < xg->n_examples; i++)
		gs_tally_note_example(g, xg->examples[i]);
	gs_tally_note_times(g, xg->first_seen, xg->last_seen);
	return 0;
fail:
	if (g->n_entries == 0)
		gs_tally_group_remove(t, g);
	return -1;
}

static int import_locked(struct gs_tally *t, const struct gs_tally_export *in,
			 char *err, size_t errlen)
{
	char name[GS_TALLY_HOST_NAME_MAX_LEN + 1], why[GS_ERRLEN];
	uint8_t host_map[GS_TALLY_MAX_HOST_NAMES];
	size_t i;

	if (check_export(t, in, err, errlen) < 0)
		return -1;
	for (i = 0; i < in->n_hosts; i++) {
		gs_tally_host_name(in->hosts[i], name);
		host_map[i] = gs_tally_host_id(t, name);
	}
	merge_totals(&t->totals, &in->totals);
	merge_samples(t, in);
	if (in->has_end && (!t->has_end || in->end > t->end)) {
		t->has_end = true;
		t->end = in->end;
	}
	for (i = 0; i < in->n_groups; i++)
		if (merge_group(t, in, &in->groups[i], host_map) < 0)
			return gs_seterr(err, errlen,
					 "group \"%s\": %s (the tally holds "
					 "part of the state)",
					 in->groups[i].name, strerror(ENOMEM));
	for (i = 0; i < in->n_pairs; i++)
		if (gs_tally_pair_import(t, &in->pairs[i], why, sizeof(why)) <
		    0)
			return gs_seterr(err, errlen,
					 "%s (the tally holds part of the "
					 "state)",
					 why);
	/* The end may have moved on, or the pairs come from long ago. */
	gs_tally_pairs_expire(t);
	return 0;
}

int gs_tally_import(struct gs_tally *t, const struct gs_tally_export *in,
		    char *err, size_t errlen)
{
	int rc;

	tally_lock(t);
	rc = import_locked(t, in, err, errlen);
	tally_unlock(t);
	return rc;
}
