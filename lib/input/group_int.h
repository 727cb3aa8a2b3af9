/* Internals shared by the grouping's files (group.c, group_table.c,
 * group_cache.c); nothing outside them includes this. Calls go one way:
 * group_cache.c calls group.c and group_table.c, group.c calls
 * group_table.c, group_table.c calls neither.
 *
 * Concurrency & locking: a table has no lock. It belongs to one group
 * cache, which is one thread's (group.h). */
#ifndef GS_GROUP_INT_H
#define GS_GROUP_INT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "input/group.h"

/* One name in 64 bytes, a cache line, with a part of it: the part is
 * key[group_off, group_off + group_len), where its table says what it
 * means. */
struct gs_group_entry {
	uint32_t hash;
	uint8_t key_len; /* 0: the entry is empty */
	uint8_t group_off;
	uint8_t group_len;
	char key[GS_GROUP_CACHE_NAME_MAX];
};

_Static_assert(sizeof(struct gs_group_entry) == 64, "one cache line per entry");
_Static_assert(GS_GROUP_CACHE_NAME_MAX <= UINT8_MAX, "lengths fit uint8_t");

/* Names in sets of two entries, e[2i] the more recently used; when
 * e[2i + 1] is in use, so is e[2i]. */
struct gs_group_table {
	struct gs_group_entry *e;
	size_t set_mask;
};

/* Makes t a table of n entries (a power of two, at least 2), all empty.
 * -1 with errno when there is no memory. */
int gs_group_table_init(struct gs_group_table *t, size_t n);
void gs_group_table_free(struct gs_group_table *t);

/* The hash of key[0..len) for the tables. */
uint32_t gs_group_table_hash(const char *key, size_t len);

/* The first min(n, 8) bytes at p as a word, zero-padded, in memory order
 * (byte i of the text is byte i of the word's storage). Inline: the
 * tables hash and key eight bytes a step with it. */
static inline uint64_t gs_group_word(const char *p, size_t n)
{
	uint64_t w = 0;

	if (n >= 8)
		memcpy(&w, p, 8); /* one load */
	else
		memcpy(&w, p, n);
	return w;
}

/* The entry of key[0..len) (len 1 to GS_GROUP_CACHE_NAME_MAX) with hash,
 * made the more recently used of its set; NULL when it is not there. *set
 * is the key's set either way, for gs_group_table_put. */
const struct gs_group_entry *gs_group_table_find(struct gs_group_table *t,
						 const char *key, size_t len,
						 uint32_t hash,
						 struct gs_group_entry **set);

/* Enters key[0..len) with its part into set (from gs_group_table_find) as
 * the more recently used, the other entry taking the place of the less.
 * group_off + group_len <= len. Returns 1 when that filled an empty slot,
 * else 0. */
int gs_group_table_put(struct gs_group_entry *set, const char *key, size_t len,
		       uint32_t hash, size_t group_off, size_t group_len);

/* gs_group_of() with memo (NULL: none), a cache's memo of the registrable
 * domains of the suffixes of names (a name without its first labels),
 * which it reads and fills (group.c). */
int gs_group_of_memo(const struct gs_grouper *g, struct gs_group_table *memo,
		     const char *client_name, const char *client_address,
		     char out[GS_GROUP_MAX], enum gs_group_kind *kind);

#endif
