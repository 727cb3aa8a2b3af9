/* SipHash-1-3 (the reference algorithm by Aumasson and Bernstein). */
#include "gs_config.h"

#include "base/siphash.h"

static void sip_round(uint64_t v[4])
{
	v[0] += v[1];
	v[1] = gs_rotl64(v[1], 13) ^ v[0];
	v[0] = gs_rotl64(v[0], 32);
	v[2] += v[3];
	v[3] = gs_rotl64(v[3], 16) ^ v[2];
	v[0] += v[3];
	v[3] = gs_rotl64(v[3], 21) ^ v[0];
	v[2] += v[1];
	v[1] = gs_rotl64(v[1], 17) ^ v[2];
	v[2] = gs_rotl64(v[2], 32);
}

uint64_t gs_siphash13(const uint64_t key[2], const char *data, size_t len)
{
	const unsigned char *p = (const unsigned char *)data;
	uint64_t v[4], m;
	size_t i, j;

	v[0] = key[0] ^ 0x736f6d6570736575ull;
	v[1] = key[1] ^ 0x646f72616e646f6dull;
	v[2] = key[0] ^ 0x6c7967656e657261ull;
	v[3] = key[1] ^ 0x7465646279746573ull;
	for (i = 0; i + 8 <= len; i += 8) {
		m = 0;
		for (j = 0; j < 8; j++)
			m |= (uint64_t)p[i + j] << (8 * j);
		v[3] ^= m;
		sip_round(v);
		v[0] ^= m;
	}
	m = (uint64_t)len << 56;
	for (j = 0; i + j < len; j++)
		m |= (uint64_t)p[i + j] << (8 * j);
	v[3] ^= m;
	sip_round(v);
	v[0] ^= m;
	v[2] ^= 0xff;
	sip_round(v);
	sip_round(v);
	sip_round(v);
	return v[0] ^ v[1] ^ v[2] ^ v[3];
}
