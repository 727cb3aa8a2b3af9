/* Unit tests of lib/base/siphash.c: the word-at-a-time SipHash-1-3 gives
 * the values of a plain byte-at-a-time transcription of the reference
 * algorithm, for every length from 0 to 100 bytes (each tail length, and
 * several whole words) and several keys, and fixed values that pin it:
 * pair keys are kept in state files (tally/pairs.h), so the hash must
 * never change. */
#include "gs_config.h"

#include <check.h>
#include <stdint.h>
#include <string.h>

#include "base/siphash.h"
#include "suite.h"

static void round_ref(uint64_t v[4])
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

/* The reference algorithm, one byte at a time. */
static uint64_t siphash13_ref(const uint64_t key[2], const unsigned char *p,
			      size_t len)
{
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
		round_ref(v);
		v[0] ^= m;
	}
	m = (uint64_t)len << 56;
	for (j = 0; i + j < len; j++)
		m |= (uint64_t)p[i + j] << (8 * j);
	v[3] ^= m;
	round_ref(v);
	v[0] ^= m;
	v[2] ^= 0xff;
	round_ref(v);
	round_ref(v);
	round_ref(v);
	return v[0] ^ v[1] ^ v[2] ^ v[3];
}

START_TEST(test_siphash_matches_the_reference_at_every_length)
{
	static const uint64_t keys[3][2] = {
	    {0, 0},
	    {0x0706050403020100ull, 0x0f0e0d0c0b0a0908ull},
	    {0xffffffffffffffffull, 0x8000000000000001ull}};
	unsigned char buf[101 + 7];
	size_t len, k, off;

	for (len = 0; len < sizeof(buf); len++)
		buf[len] = (unsigned char)(len * 37 + 11);
	for (k = 0; k < 3; k++)
		for (off = 0; off < 8; off++) /* unaligned starts */
			for (len = 0; len <= 100; len++)
				ck_assert_uint_eq(
				    gs_siphash13(keys[k],
						 (const char *)buf + off, len),
				    siphash13_ref(keys[k], buf + off, len));
}
END_TEST

/* Values the byte-at-a-time implementation gave (the pair key's own key
 * of tally/pairs.c): they must never change. */
START_TEST(test_siphash_values_are_pinned)
{
	static const uint64_t key[2] = {0x67726579736361ull,
					0x6e2070616972730aull};

	ck_assert_uint_eq(gs_siphash13(key, "", 0), 0x19200bc058cb4c47ull);
	ck_assert_uint_eq(
	    gs_siphash13(key, "example.com\0joe@ex.com\0ann@site.org", 35),
	    0xed5744a03c592dcaull);
}
END_TEST

static Suite *siphash_suite(void)
{
	Suite *s = suite_create("siphash");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_siphash_matches_the_reference_at_every_length);
	tcase_add_test(tc, test_siphash_values_are_pinned);
	suite_add_tcase(s, tc);
	return s;
}

GS_TEST_MAIN(siphash_suite)
