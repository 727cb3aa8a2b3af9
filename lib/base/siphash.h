/* SipHash-1-3: a keyed hash for tables whose keys come from the network,
 * so that names chosen to collide cannot degrade them. Pure functions. */
#ifndef GS_SIPHASH_H
#define GS_SIPHASH_H

#include <stddef.h>
#include <stdint.h>

/* The hash of data[0..len) under the 128-bit key (random per table). */
uint64_t gs_siphash13(const uint64_t key[2], const char *data, size_t len);

static inline uint64_t gs_rotl64(uint64_t x, unsigned b)
{
	return (x << b) | (x >> (64 - b));
}

#endif
