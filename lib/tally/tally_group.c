/* The tally's groups: the hash table of groups, pruning what left the
 * window, and each group's entries, examples and times (design in
 * tally.h). Whether a new group may be created is tally_evict.c's
 * business, which calls into this file (never the other way round).
 *
 * Concurrency & locking: every function here reads or changes the group
 * table or a group, and is called with t->lock held (tally_int.h); none
 * takes a lock. gs_tally_example_name() touches no shared state. */
#include "gs_config.h"

#include <stdlib.h>
#include <string.h>

#include "tally/addrset.h"
#include "input/group.h"
#include "base/sanitize.h"
#include "base/siphash.h"
#include "tally/tally_int.h"

void gs_tally_group_destroy(struct group *g)
{
	size_t i;

	for (i = 0; i < g->n_entries; i++)
		free(g->entries[i].hist);
	free(g->entries);
	for (i = 0; i < g->n_pentries; i++)
		free(g->pentries[i].wait);
	free(g->pentries);
	free(g->addrs);
	free(g->nets);
	free(g->examples);
	free(g);
}

void gs_tally_group_key(const struct gs_tally *t, const char *name,
			struct group_key *k)
{
	k->len = strnlen(name, GS_GROUP_MAX - 1);
	memcpy(k->name, name, k->len);
	k->name[k->len] = '\0';
	k->hash = (uint32_t)gs_siphash13(t->seed, k->name, k->len);
}

struct group *gs_tally_group_find(const struct gs_tally *t,
				  const struct group_key *k)
{
	struct group *g;

	for (g = t->buckets[k->hash & (t->n_buckets - 1)]; g != NULL;
	     g = g->next)
		if (g->hash == k->hash && strcmp(g->name, k->name) == 0)
			return g;
	return NULL;
}

struct group *gs_tally_group_by_id(const struct gs_tally *t, uint64_t id)
{
	uint32_t hash = (uint32_t)(id >> 32), gen = (uint32_t)id;
	struct group *g;

	if (gen == 0)
		return NULL;
	for (g = t->buckets[hash & (t->n_buckets - 1)]; g != NULL; g = g->next)
		if (g->hash == hash && g->gen == gen)
			return g;
	return NULL;
}

/* Doubles the bucket array; on no memory the chains just get longer. */
static void table_grow(struct gs_tally *t)
{
	size_t n = t->n_buckets * 2, i;
	struct group **b, *g, *next;

	b = calloc(n, sizeof(*b));
	if (b == NULL)
		return;
	for (i = 0; i < t->n_buckets; i++) {
		for (g = t->buckets[i]; g != NULL; g = next) {
			next = g->next;
			g->next = b[g->hash & (n - 1)];
			b[g->hash & (n - 1)] = g;
		}
	}
	free(t->buckets);
	t->buckets = b;
	t->n_buckets = n;
}

struct group *gs_tally_group_create(struct gs_tally *t,
				    const struct group_key *k,
				    enum gs_group_kind kind)
{
	struct group *g;
	size_t b;

	g = calloc(1, sizeof(*g) + k->len + 1);
	if (g == NULL)
		return NULL;
	memcpy(g->name, k->name, k->len);
	g->hash = k->hash;
	g->kind = (uint8_t)kind;
	g->first_seen = INT64_MAX;
	g->last_seen = INT64_MIN;
	g->pruned_at = INT64_MIN; /* never pruned (it holds nothing) */
	g->gen = t->next_gen++;
	if (t->next_gen == 0) /* wrapped: 0 is no group's */
		t->next_gen = 1;
	if (t->n_groups >= t->n_buckets)
		table_grow(t);
	b = k->hash & (t->n_buckets - 1);
	g->next = t->buckets[b];
	t->buckets[b] = g;
	t->n_groups++;
	return g;
}

void gs_tally_group_remove(struct gs_tally *t, struct group *g)
{
	struct group **pp = &t->buckets[g->hash & (t->n_buckets - 1)];

	while (*pp != g)
		pp = &(*pp)->next;
	*pp = g->next;
	t->n_groups--;
	gs_tally_group_destroy(g);
}

static void prune_pentries(struct group *g, int64_t min_live)
{
	uint8_t i, kept = 0;

	for (i = 0; i < g->n_pentries; i++) {
		if (g->pentries[i].slot >= min_live)
			g->pentries[kept++] = g->pentries[i];
		else
			free(g->pentries[i].wait);
	}
	g->n_pentries = kept;
}

/* Drops what left the window. Returns false when g has no entries left. */
bool gs_tally_group_prune(struct group *g, int64_t min_live)
{
	uint16_t i, kept = 0;

	if (g->pruned_at == min_live)
		return g->n_entries > 0;
	for (i = 0; i < g->n_entries; i++) {
		if (g->entries[i].slot >= min_live) {
			g->entries[kept++] = g->entries[i];
			continue;
		}
		g->score -= (uint64_t)g->entries[i].counts[GS_C_NEW] +
			    g->entries[i].counts[GS_C_EARLY_RETRY];
		free(g->entries[i].hist);
	}
	g->n_entries = kept;
	prune_pentries(g, min_live);
	gs_addrset_prune(g->addrs, &g->n_addrs, min_live);
	gs_addrset_prune(g->nets, &g->n_nets, min_live);
	g->pruned_at = min_live;
	return kept > 0;
}

/* Prunes every group and drops the empty ones. */
void gs_tally_sweep(struct gs_tally *t)
{
	int64_t min_live = min_live_slot(t);
	struct group **pp, *g;
	size_t b;

	/* Every group kept by the last sweep, and every one made since, holds
	 * an entry at or after that sweep's oldest live slot: while that is
	 * still the oldest, there is nothing to drop. */
	if (t->swept && t->swept_at == min_live)
		return;
	for (b = 0; b < t->n_buckets; b++) {
		pp = &t->buckets[b];
		while ((g = *pp) != NULL) {
			if (gs_tally_group_prune(g, min_live)) {
				pp = &g->next;
				continue;
			}
			*pp = g->next;
			t->n_groups--;
			gs_tally_group_destroy(g);
		}
	}
	t->swept = true;
	t->swept_at = min_live;
}

struct entry *gs_tally_entry_get(struct group *g, int64_t slot, uint8_t host)
{
	struct entry *e;
	uint16_t i, cap;

	/* From the newest: events come mostly in time order, so theirs is
	 * one of the last entries. */
	for (i = g->n_entries; i-- > 0;)
		if (g->entries[i].slot == slot && g->entries[i].host == host)
			return &g->entries[i];
	if (g->n_entries == UINT16_MAX)
		return NULL;
	if (g->n_entries == g->cap_entries) {
		if (g->cap_entries == 0)
			cap = 1;
		else if (g->cap_entries > UINT16_MAX / 2)
			cap = UINT16_MAX;
		else
			cap = g->cap_entries * 2;
		e = realloc(g->entries, cap * sizeof(*e));
		if (e == NULL)
			return NULL;
		g->entries = e;
		g->cap_entries = cap;
	}
	e = &g->entries[g->n_entries++];
	memset(e, 0, sizeof(*e));
	e->slot = slot;
	e->host = host;
	return e;
}

struct pentry *gs_tally_pentry_find(const struct group *g, int64_t slot)
{
	uint8_t i;

	/* From the newest, as gs_tally_entry_get. */
	for (i = g->n_pentries; i-- > 0;)
		if (g->pentries[i].slot == slot)
			return &g->pentries[i];
	return NULL;
}

struct pentry *gs_tally_pentry_get(struct group *g, int64_t slot)
{
	struct pentry *e = gs_tally_pentry_find(g, slot);
	unsigned cap;

	if (e != NULL)
		return e;
	if (g->n_pentries == GS_TALLY_MAX_PSLOTS)
		return NULL;
	if (g->n_pentries == g->cap_pentries) {
		cap = g->cap_pentries == 0 ? 2 : 2u * g->cap_pentries;
		if (cap > GS_TALLY_MAX_PSLOTS)
			cap = GS_TALLY_MAX_PSLOTS;
		e = realloc(g->pentries, cap * sizeof(*e));
		if (e == NULL)
			return NULL;
		g->pentries = e;
		g->cap_pentries = (uint8_t)cap;
	}
	e = &g->pentries[g->n_pentries++];
	memset(e, 0, sizeof(*e));
	e->slot = slot;
	return e;
}

void gs_tally_count_into(struct group *g, struct entry *e, enum gs_counter c,
			 uint32_t n)
{
	uint32_t before = e->counts[c];

	e->counts[c] = sat_add32(before, n);
	if (c == GS_C_NEW || c == GS_C_EARLY_RETRY)
		g->score += e->counts[c] - before;
}

/* Sanitises an example name (NULL is "") into buf. */
void gs_tally_example_name(const char *name,
			   char buf[GS_TALLY_EXAMPLE_MAX_LEN + 1])
{
	gs_sanitize_text(buf, GS_TALLY_EXAMPLE_MAX_LEN + 1,
			 name != NULL ? name : "",
			 name != NULL ? strlen(name) : 0);
}

/* Adds name, sanitised, to the examples unless it is empty, there are
 * enough or it is there. Sanitises only when there is room: most events
 * come to a group whose examples are complete. */
void gs_tally_note_example(struct group *g, const char *name)
{
	char buf[GS_TALLY_EXAMPLE_MAX_LEN + 1];
	size_t len, off;
	char *p;
	uint8_t i;

	if (g->n_examples >= GS_MAX_EXAMPLES)
		return;
	gs_tally_example_name(name, buf);
	len = strlen(buf);
	if (len == 0)
		return;
	for (i = 0, off = 0; i < g->n_examples; i++) {
		if (strcmp(g->examples + off, buf) == 0)
			return;
		off += strlen(g->examples + off) + 1;
	}
	p = realloc(g->examples, g->examples_len + len + 1);
	if (p == NULL)
		return;
	memcpy(p + g->examples_len, buf, len + 1);
	g->examples = p;
	g->examples_len = (uint8_t)(g->examples_len + len + 1);
	g->n_examples++;
}

void gs_tally_note_times(struct group *g, int64_t first, int64_t last)
{
	if (first < g->first_seen)
		g->first_seen = first;
	if (last > g->last_seen)
		g->last_seen = last;
}
