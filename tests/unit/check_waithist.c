/* Unit tests of gs_delayhist_quantile (lib/tally/delayhist.c), the wait
 * quantiles of the pair figures: the rank it picks (lower quantile, at
 * least the first delay, q above 1000 as 1000), that 500 per mille is
 * exactly gs_delayhist_median, the stated error bound (|reported - true| <=
 * 12% of the true quantile + 0.5 s) of p50 and p90 over many random sets
 * of waits, never above the exact maximum, and no overflow of the rank. */
#include "gs_config.h"

#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tally/delayhist.h"
#include "suite.h"

#define SETS	 3000
#define MAX_SIZE 400
#define TWO_DAYS (2 * 86400)

static uint32_t lower[GS_DELAYHIST_BINS];
static uint64_t rng = 0x9e3779b97f4a7c15ull;

static void setup(void)
{
	gs_delayhist_init_bounds(lower);
}

static uint64_t next(void)
{
	/* xorshift64: reproducible, no libc state. */
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* A wait of one of the kinds the verdict sees: a single server's minutes,
 * a pool's hours, anything up to the retry window, and short ones in the
 * one-second bins. */
static uint32_t random_wait(unsigned kind)
{
	switch (kind % 4) {
	case 0:
		return 300 + (uint32_t)(next() % 900);
	case 1:
		return 3600 + (uint32_t)(next() % (12 * 3600));
	case 2: /* log-uniform over 1 s .. 2 days */
		return (uint32_t)(1ull << (next() % 18)) +
		       (uint32_t)(next() % (1u << (next() % 18)));
	default:
		return (uint32_t)(next() % 12);
	}
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* The rank ceil(q * n / 1000), at least 1: the true lower quantile is
 * sorted[rank - 1]. */
static size_t true_rank(size_t n, unsigned q)
{
	size_t r = (n * q + 999) / 1000;

	return r > 0 ? r : 1;
}

static void assert_within_bound(uint32_t got, uint32_t want, unsigned q,
				size_t n)
{
	double err = (double)got - (double)want;

	if (err < 0)
		err = -err;
	ck_assert_msg(err <= 0.12 * want + 0.5,
		      "q %u of %zu waits: %u reported, %u true", q, n, got,
		      want);
}

START_TEST(test_waithist_quantiles_are_within_the_stated_error)
{
	static uint32_t w[MAX_SIZE];
	uint64_t bins[GS_DELAYHIST_BINS];
	static const unsigned qs[] = {500, 900, 100, 990};
	uint32_t max_s, got;
	size_t set, n, i, q;

	for (set = 0; set < SETS; set++) {
		n = 1 + (size_t)(next() % MAX_SIZE);
		memset(bins, 0, sizeof(bins));
		max_s = 0;
		for (i = 0; i < n; i++) {
			w[i] = random_wait((unsigned)(set + (next() % 3 == 0)));
			bins[gs_delayhist_bin(lower, w[i])]++;
			if (w[i] > max_s)
				max_s = w[i];
		}
		qsort(w, n, sizeof(w[0]), cmp_u32);
		ck_assert_uint_eq(max_s, w[n - 1]); /* the maximum is exact */
		for (q = 0; q < sizeof(qs) / sizeof(qs[0]); q++) {
			got = gs_delayhist_quantile(lower, bins, max_s, qs[q]);
			assert_within_bound(got, w[true_rank(n, qs[q]) - 1],
					    qs[q], n);
			ck_assert_uint_le(got, max_s);
		}
		got = gs_delayhist_quantile(lower, bins, max_s, 1000);
		assert_within_bound(got, max_s, 1000, n);
		ck_assert_uint_le(got, max_s);
	}
}
END_TEST

START_TEST(test_waithist_500_permille_is_the_median)
{
	uint64_t bins[GS_DELAYHIST_BINS];
	uint32_t max_s;
	unsigned set, k, used;

	for (set = 0; set < 20000; set++) {
		memset(bins, 0, sizeof(bins));
		used = 1 + (unsigned)(next() % 6);
		for (k = 0; k < used; k++)
			bins[next() % GS_DELAYHIST_BINS] += 1 + next() % 5;
		max_s = (uint32_t)next();
		if (set % 2 == 0)
			max_s = UINT32_MAX;
		ck_assert_uint_eq(
		    gs_delayhist_quantile(lower, bins, max_s, 500),
		    gs_delayhist_median(lower, bins, max_s));
	}
}
END_TEST

START_TEST(test_waithist_quantile_takes_the_lower_rank)
{
	/* Ten waits in the exact one-second bins: 0, 1, 2 and seven of 3. */
	uint64_t bins[GS_DELAYHIST_BINS] = {1, 1, 1, 7};

	ck_assert_uint_eq(gs_delayhist_quantile(lower, bins, 3, 0), 0);
	ck_assert_uint_eq(gs_delayhist_quantile(lower, bins, 3, 100), 0);
	ck_assert_uint_eq(gs_delayhist_quantile(lower, bins, 3, 101), 1);
	ck_assert_uint_eq(gs_delayhist_quantile(lower, bins, 3, 200), 1);
	ck_assert_uint_eq(gs_delayhist_quantile(lower, bins, 3, 300), 2);
	ck_assert_uint_eq(gs_delayhist_quantile(lower, bins, 3, 301), 3);
	ck_assert_uint_eq(gs_delayhist_quantile(lower, bins, 3, 1000), 3);
	ck_assert_uint_eq(gs_delayhist_quantile(lower, bins, 3, 5000), 3);
}
END_TEST

START_TEST(test_waithist_quantile_is_capped_by_the_maximum)
{
	uint64_t bins[GS_DELAYHIST_BINS] = {0};
	unsigned k = gs_delayhist_bin(lower, 14880); /* 4h08m */

	bins[k] = 3;
	/* The bin reaches beyond 14880: the maximum caps its top. */
	ck_assert_uint_gt(gs_delayhist_bin_high(lower, k, UINT32_MAX), 14880);
	ck_assert_uint_le(gs_delayhist_quantile(lower, bins, 14880, 900),
			  14880);
	ck_assert_uint_ge(gs_delayhist_quantile(lower, bins, 14880, 900),
			  lower[k]);
}
END_TEST

START_TEST(test_waithist_quantile_of_nothing_is_zero)
{
	uint64_t bins[GS_DELAYHIST_BINS] = {0};

	ck_assert_uint_eq(gs_delayhist_quantile(lower, bins, 0, 900), 0);
	ck_assert_uint_eq(gs_delayhist_quantile(lower, bins, 99999, 900), 0);
}
END_TEST

START_TEST(test_waithist_quantile_rank_does_not_overflow)
{
	uint64_t bins[GS_DELAYHIST_BINS] = {0};

	/* 2^63 waits: q * n would overflow 64 bits. */
	bins[0] = (uint64_t)1 << 62;
	bins[1] = (uint64_t)1 << 62;
	ck_assert_uint_eq(gs_delayhist_quantile(lower, bins, 1, 500), 0);
	ck_assert_uint_eq(gs_delayhist_quantile(lower, bins, 1, 501), 1);
	ck_assert_uint_eq(gs_delayhist_quantile(lower, bins, 1, 1000), 1);
}
END_TEST

static Suite *waithist_suite(void)
{
	Suite *s = suite_create("waithist");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_waithist_quantiles_are_within_the_stated_error);
	tcase_add_test(tc, test_waithist_500_permille_is_the_median);
	tcase_add_test(tc, test_waithist_quantile_takes_the_lower_rank);
	tcase_add_test(tc, test_waithist_quantile_is_capped_by_the_maximum);
	tcase_add_test(tc, test_waithist_quantile_of_nothing_is_zero);
	tcase_add_test(tc, test_waithist_quantile_rank_does_not_overflow);
	suite_add_tcase(s, tc);
	return s;
}

GS_TEST_MAIN(waithist_suite)
