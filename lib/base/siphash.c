/* SipHash-1-3 (the reference algorithm by Aumasson and Bernstein). The
 * state lives in four locals and the message is read a 64-bit
 * little-endian word at a time: the hash runs on every decision (the
 * group's table, the pair's key), so it is kept to a few instructions a
 * byte. */
#include "gs_config.h"

#include "base/siphash.h"

#include <endian.h>
#include <string.h>

#define SIP_ROUND(v0, v1, v2, v3)                                              \
	do {                                                                   \
		v0 += v1;                                                      \
		v1 = gs_rotl64(v1, 13) ^ v0;                                   \
		v0 = gs_rotl64(v0, 32);                                        \
		v2 += v3;                                                      \
		v3 = gs_rotl64(v3, 16) ^ v2;                                   \
		v0 += v3;                                                      \
		v3 = gs_rotl64(v3, 21) ^ v0;                                   \
		v2 += v1;                                                      \
		v1 = gs_rotl64(v1, 17) ^ v2;                                   \
		v2 = gs_rotl64(v2, 32);                                        \
	} while (0)

uint64_t gs_siphash13(const uint64_t key[2], const char *data, size_t len)
{
	const unsigned char *p = (const unsigned char *)data;
	uint64_t v0 = key[0] ^ 0x736f6d6570736575ull;
	uint64_t v1 = key[1] ^ 0x646f72616e646f6dull;
	uint64_t v2 = key[0] ^ 0x6c7967656e657261ull;
	uint64_t v3 = key[1] ^ 0x7465646279746573ull;
	uint64_t m;
	size_t i, j;

	for (i = 0; i + 8 <= len; i += 8) {
		memcpy(&m, p + i, sizeof(m));
		m = le64toh(m);
		v3 ^= m;
		SIP_ROUND(v0, v1, v2, v3);
		v0 ^= m;
	}
	m = (uint64_t)len << 56;
	for (j = 0; i + j < len; j++)
		m |= (uint64_t)p[i + j] << (8 * j);
	v3 ^= m;
	SIP_ROUND(v0, v1, v2, v3);
	v0 ^= m;
	v2 ^= 0xff;
	SIP_ROUND(v0, v1, v2, v3);
	SIP_ROUND(v0, v1, v2, v3);
	SIP_ROUND(v0, v1, v2, v3);
	return v0 ^ v1 ^ v2 ^ v3;
}
