/* The group cache (see group.h): a table of client names with their
 * groups, and the memo of parents group.c keeps for the misses.
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
	/* A quarter of the names' size: parents are fewer than names. */
	struct gs_group_table parents;
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
	    gs_group_table_init(&c->parents, n >= 8 ? n / 4 : 2) < 0) {
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
	gs_group_table_free(&c->parents);
	free(c);
}

/* The key of a client name: ASCII letters lower-cased, which is all that
 * case changes in an ASCII name's group (a name with other non-ASCII bytes
 * goes through libpsl's Unicode lower-casing, so it is kept as written).
 * false when the name is empty or too long to cache. */
static bool make_key(const char *name, char key[GS_GROUP_CACHE_NAME_MAX],
		     size_t *len, uint32_t *hash)
{
	bool ascii = true;
	size_t n;

	for (n = 0; name[n] != '\0'; n++) {
		if (n == GS_GROUP_CACHE_NAME_MAX)
			return false;
		if ((unsigned char)name[n] >= 0x80)
			ascii = false;
		key[n] = name[n] >= 'A' && name[n] <= 'Z'
			     ? (char)(name[n] - 'A' + 'a')
			     : name[n];
	}
	if (n == 0)
		return false;
	if (!ascii)
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
	if (gs_group_of_memo(c->g, &c->parents, client_name, client_address,
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
