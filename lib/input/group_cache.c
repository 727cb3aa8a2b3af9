/* The group cache (see group.h): a table of client names with their
 * groups, and the memo of suffixes group.c keeps for the misses.
 *
 * Concurrency & locking: a group cache has no lock. It belongs to one
 * thread; each thread makes its own for the shared, read-only grouper. */
#include "gs_config.h"

#include "input/group.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "input/group_int.h"

/* In the table of names an entry's part is the group of its name: a
 * registrable domain, or the last labels, is a suffix of the lower-cased
 * name (before a trailing dot). */
struct gs_group_cache {
	const struct gs_grouper *g;
	struct gs_group_table names;
	/* The memo of suffixes (group.c), a quarter of the names' size: the
	 * domains above the hosts are fewer than the hosts. */
	struct gs_group_table suffixes;
	uint64_t lookups, hits;
	size_t held;
};

struct gs_group_cache *gs_group_cache_new(const struct gs_grouper *g,
					  size_t slots, char *err,
					  size_t errlen)
{
	struct gs_group_cache *c = NULL;
	size_t n = 2;

	if (g == NULL) {
		gs_seterr(err, errlen, "group cache: no grouper");
		goto fail;
	}
	if (slots > GS_GROUP_CACHE_MAX_SLOTS) {
		gs_seterr(err, errlen, "group cache: %zu slots, at most %u",
			  slots, GS_GROUP_CACHE_MAX_SLOTS);
		goto fail;
	}
	while (n < slots)
		n *= 2;
	c = calloc(1, sizeof(*c));
	if (c == NULL || gs_group_table_init(&c->names, n) < 0 ||
	    gs_group_table_init(&c->suffixes, n >= 8 ? n / 4 : 2) < 0) {
		gs_seterr(err, errlen, "group cache: %s", strerror(errno));
		goto fail;
	}
	c->g = g;
	return c;
fail:
	gs_group_cache_free(c);
	return NULL;
}

void gs_group_cache_free(struct gs_group_cache *c)
{
	if (c == NULL)
		return;
	gs_group_table_free(&c->names);
	gs_group_table_free(&c->suffixes);
	free(c);
}

#define BYTES_01 0x0101010101010101u
#define BYTES_80 0x8080808080808080u

/* The eight bytes of w with 'A'..'Z' lower-cased, in parallel: per byte,
 * the high bit of low7 + 0x3f says ">= 'A'" and that of low7 + 0x25
 * "> 'Z'" (no carry crosses a byte below 0x80), and 0x80 >> 2 is the 0x20
 * that makes a letter small. */
static uint64_t lower_word(uint64_t w)
{
	uint64_t low7 = w & ~BYTES_80;
	uint64_t from_a = low7 + BYTES_01 * (0x80 - 'A');
	uint64_t past_z = low7 + BYTES_01 * (0x7f - 'Z');
	uint64_t upper = from_a & ~past_z & ~w & BYTES_80;

	return w | upper >> 2;
}

/* The key of a client name: ASCII letters lower-cased, which is all that
 * case changes in an ASCII name's group (a name with other non-ASCII bytes
 * goes through libpsl's Unicode lower-casing, so it is kept as written).
 * Eight bytes a step: every decision's client name comes here. false when
 * the name is empty or too long to cache. */
static bool make_key(const char *name, char key[GS_GROUP_CACHE_NAME_MAX],
		     size_t *len, uint32_t *hash)
{
	size_t n = strnlen(name, GS_GROUP_CACHE_NAME_MAX + 1), i, step;
	uint64_t w, high = 0;

	if (n == 0 || n > GS_GROUP_CACHE_NAME_MAX)
		return false;
	for (i = 0; i < n; i += step) {
		step = n - i < 8 ? n - i : 8;
		w = gs_group_word(name + i, step);
		high |= w;
		w = lower_word(w);
		if (step == 8)
			memcpy(key + i, &w, 8); /* one store */
		else
			memcpy(key + i, &w, step);
	}
	if ((high & BYTES_80) != 0)
		memcpy(key, name, n);
	*len = n;
	*hash = gs_group_table_hash(key, n);
	return true;
}

/* Enters key with its group into set, unless the group is not a part of
 * the key (Unicode normalisation). */
static void remember(struct gs_group_cache *c, struct gs_group_entry *set,
		     const char *key, size_t len, uint32_t hash,
		     const char *group)
{
	size_t glen = strlen(group), end = len;

	if (glen > end)
		return;
	if (memcmp(key + end - glen, group, glen) != 0) {
		if (key[end - 1] != '.' || glen > --end ||
		    memcmp(key + end - glen, group, glen) != 0)
			return;
	}
	c->held +=
	    (size_t)gs_group_table_put(set, key, len, hash, end - glen, glen);
}

int gs_group_cache_of(struct gs_group_cache *c, const char *client_name,
		      const char *client_address, char out[GS_GROUP_MAX],
		      enum gs_group_kind *kind)
{
	char key[GS_GROUP_CACHE_NAME_MAX];
	const struct gs_group_entry *hit;
	struct gs_group_entry *set = NULL;
	uint32_t hash = 0;
	size_t len = 0;

	if (c == NULL) {
		out[0] = '\0';
		return -1;
	}
	c->lookups++;
	if (client_name != NULL && make_key(client_name, key, &len, &hash)) {
		hit = gs_group_table_find(&c->names, key, len, hash, &set);
		if (hit != NULL) {
			memcpy(out, hit->key + hit->group_off, hit->group_len);
			out[hit->group_len] = '\0';
			*kind = GS_KIND_NAME;
			c->hits++;
			return 0;
		}
	}
	if (gs_group_of_memo(c->g, &c->suffixes, client_name, client_address,
			     out, kind) != 0)
		return -1;
	if (set != NULL && *kind == GS_KIND_NAME)
		remember(c, set, key, len, hash, out);
	return 0;
}

void gs_group_cache_counts(const struct gs_group_cache *c, uint64_t *lookups,
			   uint64_t *hits, size_t *held)
{
	*lookups = c != NULL ? c->lookups : 0;
	*hits = c != NULL ? c->hits : 0;
	*held = c != NULL ? c->held : 0;
}
