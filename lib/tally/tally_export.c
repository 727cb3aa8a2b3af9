/* The export of a tally, for the state file (contract in tally.h).
 *
 * The state writer reads the tally a chunk at a time: each call of
 * gs_tally_export_next() takes the lock, copies the groups of some buckets
 * as they are held (the internal structs, packed one after the other into a
 * buffer that is reused from chunk to chunk) and releases it; they are then
 * converted and written without the lock. So a save holds the lock for
 * short spans only and needs memory for one chunk, not for the tally.
 *
 * The buckets are visited in the order of their bit-reversed index, and the
 * progress is kept as a position in the bit-reversed 32-bit hash: groups
 * whose reversed hash lies below it are done. With 2^k buckets, bucket b
 * holds the groups whose low k hash bits are b, that is whose reversed hash
 * has rev_k(b) as its top k bits: visiting r = 0, 1, ... in reversed order
 * sweeps the reversed hash upwards. The table only ever doubles, which
 * splits each bucket into two whose reversed ranges are the halves of its
 * range, so the position stays valid across a resize between chunks: no
 * group is copied twice and none that stays in the tally is skipped. */

#include "gs_config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tally/addrset.h"
#include "base/error.h"
#include "tally/tally_int.h"

#define EXPORT_CHUNK_GROUPS  512  /* groups copied per lock hold, about */
#define EXPORT_CHUNK_BUCKETS 4096 /* most buckets visited per lock hold */
#define EXPORT_POS_END	     ((uint64_t)1 << 32)

struct gs_tally_copy {
	uint64_t pos; /* in the bit-reversed hash; EXPORT_POS_END when done */
	struct group **index; /* the copied groups, in buf */
	size_t n, cap_index;
	char *buf;
	size_t used, cap_buf;
	/* What gs_tally_export_group() hands out points here. */
	struct gs_tally_xentry *entries;
	size_t cap_entries;
	struct gs_tally_xaddr addrs[GS_TALLY_MAX_ADDRS];
	struct gs_tally_xaddr nets[GS_TALLY_MAX_ADDRS];
	struct gs_tally_xpslot pslots[GS_TALLY_MAX_PSLOTS];
	/* The pairs' export (gs_tally_export_pairs): its ticket, 0 before. */
	uint64_t pair_ticket;
	bool pairs_done;
	struct gs_pair chunk[GS_TALLY_PAIR_CHUNK];
};

static size_t align8(size_t n)
{
	return (n + 7) & ~(size_t)7;
}

static size_t copy_size(const struct group *g)
{
	size_t n = align8(sizeof(*g) + strlen(g->name) + 1);
	uint16_t i;

	n += align8(g->n_entries * sizeof(struct entry));
	for (i = 0; i < g->n_entries; i++)
		if (g->entries[i].hist != NULL)
			n += align8(sizeof(struct gs_delayhist));
	n += align8(g->n_addrs * sizeof(struct gs_addrset_item));
	n += align8(g->n_nets * sizeof(struct gs_addrset_item));
	n += align8(g->n_pentries * sizeof(struct pentry));
	for (i = 0; i < g->n_pentries; i++)
		if (g->pentries[i].wait != NULL)
			n += align8(sizeof(struct gs_delayhist));
	return n + align8(g->examples_len);
}

/* Appends a copy of g to c->buf (which has room), its pointers aimed into
 * the copy. */
static void copy_group(struct gs_tally_copy *c, const struct group *g)
{
	size_t len = strlen(g->name) + 1;
	char *p = c->buf + c->used;
	struct group *d;
	uint16_t i;

	c->used += copy_size(g);
	d = (struct group *)p;
	memcpy(d, g, sizeof(*g) + len);
	d->next = NULL;
	p += align8(sizeof(*g) + len);
	d->entries = (struct entry *)p;
	memcpy(p, g->entries, g->n_entries * sizeof(struct entry));
	p += align8(g->n_entries * sizeof(struct entry));
	for (i = 0; i < g->n_entries; i++) {
		if (g->entries[i].hist == NULL)
			continue;
		d->entries[i].hist = (struct gs_delayhist *)p;
		memcpy(p, g->entries[i].hist, sizeof(struct gs_delayhist));
		p += align8(sizeof(struct gs_delayhist));
	}
	d->addrs = (struct gs_addrset_item *)p;
	memcpy(p, g->addrs, g->n_addrs * sizeof(struct gs_addrset_item));
	p += align8(g->n_addrs * sizeof(struct gs_addrset_item));
	d->nets = (struct gs_addrset_item *)p;
	memcpy(p, g->nets, g->n_nets * sizeof(struct gs_addrset_item));
	p += align8(g->n_nets * sizeof(struct gs_addrset_item));
	d->pentries = (struct pentry *)p;
	if (g->n_pentries > 0) /* pentries is NULL without pair slots */
		memcpy(p, g->pentries, g->n_pentries * sizeof(struct pentry));
	p += align8(g->n_pentries * sizeof(struct pentry));
	for (i = 0; i < g->n_pentries; i++) {
		if (g->pentries[i].wait == NULL)
			continue;
		d->pentries[i].wait = (struct gs_delayhist *)p;
		memcpy(p, g->pentries[i].wait, sizeof(struct gs_delayhist));
		p += align8(sizeof(struct gs_delayhist));
	}
	d->examples = p;
	memcpy(p, g->examples, g->examples_len);
	c->index[c->n++] = d;
}

/* The low bits bits of x in reverse order. */
static uint64_t reverse_bits(uint64_t x, unsigned bits)
{
	uint64_t r = 0;
	unsigned i;

	for (i = 0; i < bits; i++, x >>= 1)
		r = r << 1 | (x & 1);
	return r;
}

static unsigned log2_size(size_t n)
{
	unsigned k = 0;

	while (((size_t)1 << k) < n)
		k++;
	return k;
}

/* Drops what left the window from the groups of bucket b, and the groups
 * left empty; adds the copy sizes of the others to *size and *count. */
static void prune_bucket(struct gs_tally *t, size_t b, int64_t min_live,
			 size_t *size, size_t *count)
{
	struct group **pp = &t->buckets[b], *g;

	while ((g = *pp) != NULL) {
		if (!gs_tally_group_prune(g, min_live)) {
			*pp = g->next;
			t->n_groups--;
			gs_tally_group_destroy(g);
			continue;
		}
		*size += copy_size(g);
		(*count)++;
		pp = &g->next;
	}
}

/* One chunk under the lock: prunes and measures the buckets from c->pos on
 * until the chunk is big enough, makes room, copies them. -1 on no memory
 * (c->pos unchanged). */
static int export_chunk_locked(struct gs_tally *t, struct gs_tally_copy *c)
{
	/* At most 2^32 buckets (k <= 32): more would take 2^32 groups. */
	unsigned k = log2_size(t->n_buckets);
	uint64_t first = c->pos >> (32 - k), r, end = (uint64_t)1 << k;
	int64_t min_live = min_live_slot(t);
	size_t size = 0, count = 0;
	struct group **index;
	const struct group *g;
	char *buf;

	for (r = first; r < end && r - first < EXPORT_CHUNK_BUCKETS &&
			count < EXPORT_CHUNK_GROUPS;
	     r++)
		prune_bucket(t, reverse_bits(r, k), min_live, &size, &count);
	if (size > c->cap_buf) {
		buf = realloc(c->buf, size);
		if (buf == NULL)
			return -1;
		c->buf = buf;
		c->cap_buf = size;
	}
	if (count > c->cap_index) {
		index = realloc(c->index, count * sizeof(*index));
		if (index == NULL)
			return -1;
		c->index = index;
		c->cap_index = count;
	}
	for (end = r, r = first; r < end; r++)
		for (g = t->buckets[reverse_bits(r, k)]; g != NULL; g = g->next)
			copy_group(c, g);
	c->pos = end << (32 - k);
	return 0;
}

int gs_tally_export_begin(struct gs_tally *t, struct gs_tally_export *out,
			  char *err, size_t errlen)
{
	memset(out, 0, sizeof(*out));
	/* Configuration: read-only, no lock needed. */
	out->window_s = t->window_s;
	out->slot_s = t->slot_s;
	out->copy = calloc(1, sizeof(*out->copy));
	if (out->copy == NULL)
		return gs_seterr(err, errlen, "tally export: %s",
				 strerror(ENOMEM));
	return 0;
}

int gs_tally_export_next(struct gs_tally *t, struct gs_tally_export *x,
			 char *err, size_t errlen)
{
	struct gs_tally_copy *c = x->copy;
	int rc;

	if (c == NULL)
		return gs_seterr(err, errlen, "tally export: not begun");
	x->n_groups = 0;
	c->n = 0;
	c->used = 0;
	if (c->pos >= EXPORT_POS_END)
		return 0;
	tally_lock(t);
	rc = export_chunk_locked(t, c);
	tally_unlock(t);
	if (rc < 0)
		return gs_seterr(err, errlen, "tally export: %s",
				 strerror(ENOMEM));
	x->n_groups = c->n;
	return 1;
}

static int export_tail_locked(const struct gs_tally *t,
			      struct gs_tally_export *x)
{
	size_t i;

	x->has_end = t->has_end;
	x->end = t->has_end ? (time_t)t->end : 0;
	gs_tally_totals_locked(t, &x->totals);
	/* Gauges: the state keeps none (its pair lines are the open pairs). */
	x->totals.groups = 0;
	x->totals.pairs_open = 0;
	for (i = 0; i < t->n_samples; i++) {
		x->samples[i] = strdup(gs_tally_sample_at(t, i));
		if (x->samples[i] == NULL)
			return -1;
		x->n_samples++;
	}
	x->hosts = calloc(t->n_hosts, sizeof(*x->hosts));
	if (x->hosts == NULL)
		return -1;
	for (i = 0; i < t->n_hosts; i++) {
		x->hosts[i] = strdup(t->hosts[i]);
		if (x->hosts[i] == NULL)
			return -1;
		x->n_hosts++;
	}
	return 0;
}

int gs_tally_export_finish(struct gs_tally *t, struct gs_tally_export *x,
			   char *err, size_t errlen)
{
	int rc;

	if (x->hosts != NULL || x->n_samples > 0)
		return gs_seterr(err, errlen, "tally export: finished twice");
	tally_lock(t);
	rc = export_tail_locked(t, x);
	tally_unlock(t);
	if (rc < 0)
		return gs_seterr(err, errlen, "tally export: %s",
				 strerror(ENOMEM));
	return 0;
}

static void copy_free(struct gs_tally_copy *c)
{
	if (c == NULL)
		return;
	free(c->buf);
	free(c->index);
	free(c->entries);
	free(c);
}

void gs_tally_export_free(struct gs_tally_export *x)
{
	struct gs_tally_xgroup *xg;
	size_t i, j;

	if (x == NULL)
		return;
	for (i = 0; i < x->n_samples; i++)
		free(x->samples[i]);
	for (i = 0; i < x->n_hosts; i++)
		free(x->hosts[i]);
	free(x->hosts);
	for (i = 0; x->groups != NULL && i < x->n_groups; i++) {
		xg = &x->groups[i];
		free(xg->name);
		for (j = 0; j < xg->n_entries; j++)
			free(xg->entries[j].hist);
		free(xg->entries);
		free(xg->addrs);
		free(xg->nets);
		for (j = 0; j < xg->n_examples; j++)
			free(xg->examples[j]);
		for (j = 0; j < xg->n_pslots; j++)
			free(xg->pslots[j].wait);
		free(xg->pslots);
	}
	free(x->groups);
	free(x->pairs);
	copy_free(x->copy);
	memset(x, 0, sizeof(*x));
}

static void view_seen(const struct gs_addrset_item *s, uint8_t n,
		      struct gs_tally_xaddr *out)
{
	uint8_t i;

	for (i = 0; i < n; i++) {
		gs_addrset_addr(s[i].key, &out[i].addr);
		out[i].slot = s[i].slot;
	}
}

static void view_pslot(const struct pentry *e, struct gs_tally_xpslot *out)
{
	memset(out, 0, sizeof(*out));
	out->slot = e->slot;
	memcpy(out->counts, e->counts, sizeof(out->counts));
	if (e->wait != NULL) {
		out->wait = e->wait->bins;
		out->wait_max_s = e->wait->max_s;
	}
}

int gs_tally_export_group(struct gs_tally_export *x, size_t i,
			  struct gs_tally_xgroup *view)
{
	struct gs_tally_copy *c = x->copy;
	struct gs_tally_xentry *xe;
	const struct group *g;
	const struct entry *e;
	size_t off = 0, k;

	memset(view, 0, sizeof(*view));
	if (c == NULL || i >= c->n)
		return -1;
	g = c->index[i];
	if (g->n_entries > c->cap_entries) {
		xe = realloc(c->entries, g->n_entries * sizeof(*xe));
		if (xe == NULL)
			return -1;
		c->entries = xe;
		c->cap_entries = g->n_entries;
	}
	for (k = 0; k < g->n_entries; k++) {
		e = &g->entries[k];
		xe = &c->entries[k];
		memset(xe, 0, sizeof(*xe));
		xe->slot = e->slot;
		xe->host = e->host;
		memcpy(xe->counts, e->counts, sizeof(xe->counts));
		if (e->hist != NULL) {
			xe->hist = e->hist->bins;
			xe->delay_max_s = e->hist->max_s;
		}
	}
	for (k = 0; k < g->n_pentries; k++)
		view_pslot(&g->pentries[k], &c->pslots[k]);
	view->pslots = c->pslots;
	view->n_pslots = g->n_pentries;
	view_seen(g->addrs, g->n_addrs, c->addrs);
	view_seen(g->nets, g->n_nets, c->nets);
	view->name = (char *)g->name;
	view->kind = (enum gs_group_kind)g->kind;
	view->first_seen = (time_t)g->first_seen;
	view->last_seen = (time_t)g->last_seen;
	view->entries = c->entries;
	view->n_entries = g->n_entries;
	view->addrs = c->addrs;
	view->n_addrs = g->n_addrs;
	view->nets = c->nets;
	view->n_nets = g->n_nets;
	for (k = 0; k < g->n_examples; k++) {
		view->examples[k] = g->examples + off;
		off += strlen(g->examples + off) + 1;
	}
	view->n_examples = g->n_examples;
	return 0;
}

/* ---- the open pairs ---- */

/* One chunk of pairs from the table into c->chunk, and each pair's group
 * name into x->pairs; the lock is held. 1, 0 at the end, -1 when another
 * export took the table's cursor. */
static int pairs_chunk_locked(struct gs_tally *t, struct gs_tally_export *x)
{
	struct gs_tally_copy *c = x->copy;
	struct gs_tally_xpair *xp;
	const struct group *g;
	long n, i;

	if (c->pair_ticket == 0)
		c->pair_ticket = gs_pairs_cursor_begin(t->pairs);
	n = gs_pairs_cursor_next(t->pairs, c->pair_ticket, c->chunk,
				 GS_TALLY_PAIR_CHUNK);
	if (n <= 0)
		return (int)n;
	for (i = 0; i < n; i++) {
		xp = &x->pairs[i];
		xp->key = c->chunk[i].key;
		xp->net = c->chunk[i].net;
		xp->first = c->chunk[i].first;
		xp->returned = c->chunk[i].returned;
		xp->other_network = c->chunk[i].other_network;
		g = gs_tally_group_by_id(t, c->chunk[i].group_id);
		xp->has_group = g != NULL;
		xp->group[0] = '\0';
		if (g != NULL)
			memcpy(xp->group, g->name, strlen(g->name) + 1);
	}
	x->n_pairs = (size_t)n;
	return 1;
}

int gs_tally_export_pairs(struct gs_tally *t, struct gs_tally_export *x,
			  char *err, size_t errlen)
{
	struct gs_tally_copy *c = x->copy;
	int rc;

	if (c == NULL)
		return gs_seterr(err, errlen, "tally export: not begun");
	x->n_pairs = 0;
	if (t->pairs == NULL || c->pairs_done)
		return 0;
	if (x->pairs == NULL) {
		x->pairs = malloc(GS_TALLY_PAIR_CHUNK * sizeof(*x->pairs));
		if (x->pairs == NULL)
			return gs_seterr(err, errlen, "tally export: %s",
					 strerror(ENOMEM));
	}
	tally_lock(t);
	rc = pairs_chunk_locked(t, x);
	tally_unlock(t);
	if (rc < 0)
		return gs_seterr(err, errlen,
				 "tally export: another export of the pairs "
				 "began meanwhile");
	c->pairs_done = rc == 0;
	return rc;
}
