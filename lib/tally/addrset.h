/* Bounded sets of distinct client addresses or networks, each remembered
 * with the newest slot it was seen in, so that it can age out of a window.
 * A set is an array the caller holds with its length and capacity (uint8_t,
 * to keep a tally group small); it grows by doubling up to a maximum and
 * then saturates. Addresses are kept as 16-byte keys, IPv4 as
 * ::ffff:a.b.c.d. Not thread-safe: the caller locks. */
#ifndef GS_ADDRSET_H
#define GS_ADDRSET_H

#include <stdint.h>

#include "base/addr.h"

#define GS_ADDRSET_KEY_BYTES 16

struct gs_addrset_item {
	uint8_t key[GS_ADDRSET_KEY_BYTES];
	int64_t slot; /* newest slot seen in */
};

/* The key of a (AF_INET or AF_INET6), and back. */
void gs_addrset_key(const struct gs_addr *a, uint8_t key[GS_ADDRSET_KEY_BYTES]);
void gs_addrset_addr(const uint8_t key[GS_ADDRSET_KEY_BYTES],
		     struct gs_addr *a);

/* Remembers key as seen in slot (keeping its newest slot), unless the set
 * already holds max (<= 255) keys, when it saturates, or the array cannot
 * grow, when the key is left out: the set stays valid either way and
 * *set is realloc'ed (the caller frees it). */
void gs_addrset_note(struct gs_addrset_item **set, uint8_t *n, uint8_t *cap,
		     uint8_t max, const uint8_t key[GS_ADDRSET_KEY_BYTES],
		     int64_t slot);

/* Drops the keys last seen before min_live, keeping the others' order. */
void gs_addrset_prune(struct gs_addrset_item *s, uint8_t *n, int64_t min_live);

#endif
