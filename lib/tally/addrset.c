/* Bounded sets of distinct addresses or networks (see addrset.h). */
#include "gs_config.h"

#include "tally/addrset.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

void gs_addrset_key(const struct gs_addr *a, uint8_t key[16])
{
	if (a->family == AF_INET) {
		memset(key, 0, 10);
		key[10] = key[11] = 0xff;
		memcpy(key + 12, a->bytes, 4);
	} else {
		memcpy(key, a->bytes, 16);
	}
}

void gs_addrset_addr(const uint8_t key[16], struct gs_addr *a)
{
	static const uint8_t mapped[12] = {0, 0, 0, 0, 0,    0,
					   0, 0, 0, 0, 0xff, 0xff};

	memset(a, 0, sizeof(*a));
	if (memcmp(key, mapped, sizeof(mapped)) == 0) {
		a->family = AF_INET;
		memcpy(a->bytes, key + 12, 4);
	} else {
		a->family = AF_INET6;
		memcpy(a->bytes, key, 16);
	}
}

/* Whether two keys are equal: the last eight bytes first, where IPv4
 * addresses (::ffff:a.b.c.d) and the hosts of a network differ. */
static bool same_key(const uint8_t a[16], const uint8_t b[16])
{
	uint64_t a0, a1, b0, b1;

	memcpy(&a1, a + 8, 8);
	memcpy(&b1, b + 8, 8);
	if (a1 != b1)
		return false;
	memcpy(&a0, a, 8);
	memcpy(&b0, b, 8);
	return a0 == b0;
}

/* Remembers key as seen in slot, unless the set is full (it saturates) or
 * memory is short (the distinct count then stays low). */
void gs_addrset_note(struct gs_addrset_item **set, uint8_t *n, uint8_t *cap,
		     uint8_t max, const uint8_t key[16], int64_t slot)
{
	struct gs_addrset_item *s;
	uint8_t i, newcap;

	for (i = 0; i < *n; i++) {
		if (same_key((*set)[i].key, key)) {
			if ((*set)[i].slot < slot)
				(*set)[i].slot = slot;
			return;
		}
	}
	if (*n >= max)
		return;
	if (*n == *cap) {
		newcap = *cap == 0 ? 1 : *cap * 2;
		if (newcap > max)
			newcap = max;
		s = realloc(*set, newcap * sizeof(*s));
		if (s == NULL)
			return;
		*set = s;
		*cap = newcap;
	}
	memcpy((*set)[*n].key, key, 16);
	(*set)[*n].slot = slot;
	(*n)++;
}

void gs_addrset_prune(struct gs_addrset_item *s, uint8_t *n, int64_t min_live)
{
	uint8_t i, kept = 0;

	for (i = 0; i < *n; i++)
		if (s[i].slot >= min_live)
			s[kept++] = s[i];
	*n = kept;
}
