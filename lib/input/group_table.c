/* The tables of a group cache (see group_int.h).
 *
 * Concurrency & locking: none here; a table is its cache's thread's. */
#include "gs_config.h"

#include "input/group_int.h"

#include <stdlib.h>
#include <string.h>

int gs_group_table_init(struct gs_group_table *t, size_t n)
{
	t->e = calloc(n, sizeof(*t->e));
	t->set_mask = n / 2 - 1;
	return t->e != NULL ? 0 : -1;
}

void gs_group_table_free(struct gs_group_table *t)
{
	free(t->e);
	t->e = NULL;
}

uint32_t gs_group_table_hash(const char *key, size_t len)
{
	/* Eight bytes a step, a multiply each, and a finaliser that gives
	 * the low bits (the set's index) all the others. */
	const uint64_t k = 0x9e3779b97f4a7c15u;
	uint64_t h = len * k;
	size_t i;

	for (i = 0; i < len; i += 8) {
		h = (h ^ gs_group_word(key + i, len - i)) * k;
		h ^= h >> 32;
	}
	h ^= h >> 29;
	h *= 0xbf58476d1ce4e5b9u;
	h ^= h >> 32;
	return (uint32_t)h;
}

const struct gs_group_entry *gs_group_table_find(struct gs_group_table *t,
						 const char *key, size_t len,
						 uint32_t hash,
						 struct gs_group_entry **set)
{
	struct gs_group_entry *s = &t->e[(hash & t->set_mask) * 2], tmp;
	size_t i;

	*set = s;
	for (i = 0; i < 2; i++) {
		if (s[i].key_len != len || s[i].hash != hash ||
		    memcmp(s[i].key, key, len) != 0)
			continue;
		if (i == 1) {
			tmp = s[0];
			s[0] = s[1];
			s[1] = tmp;
		}
		return &s[0];
	}
	return NULL;
}

int gs_group_table_put(struct gs_group_entry *set, const char *key, size_t len,
		       uint32_t hash, size_t group_off, size_t group_len)
{
	int filled = set[0].key_len == 0 || set[1].key_len == 0;

	if (set[0].key_len != 0)
		set[1] = set[0];
	set[0].hash = hash;
	set[0].key_len = (uint8_t)len;
	set[0].group_off = (uint8_t)group_off;
	set[0].group_len = (uint8_t)group_len;
	memcpy(set[0].key, key, len);
	return filled;
}
