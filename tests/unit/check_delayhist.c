/* Unit tests of lib/delayhist.c: the bin layout (one-second bins first, at
 * most 25% wide, an open last bin of about 40 days), bin lookup at every
 * boundary, and the median's 12% error bound, lower-median choice and
 * capping by the maximum. */
#include "gs_config.h"

#include <check.h>
#include <stdint.h>
#include <stdlib.h>

#include "tally/delayhist.h"
#include "suite.h"

#define LAST (GS_DELAYHIST_BINS - 1)

static uint32_t lower[GS_DELAYHIST_BINS];

static void setup(void)
{
	gs_delayhist_init_bounds(lower);
}

START_TEST(test_delayhist_first_bins_hold_one_second)
{
	unsigned k;

	ck_assert_uint_eq(lower[0], 0);
	for (k = 0; k < 4; k++) {
		ck_assert_uint_eq(lower[k], k);
		ck_assert_uint_eq(gs_delayhist_bin(lower, k), k);
		ck_assert_uint_eq(gs_delayhist_bin_high(lower, k, UINT32_MAX),
				  k);
	}
}
END_TEST

START_TEST(test_delayhist_bins_are_at_most_25_percent_wide)
{
	uint32_t hi;
	unsigned k;

	for (k = 1; k < LAST; k++) {
		hi = gs_delayhist_bin_high(lower, k, UINT32_MAX);
		ck_assert_uint_ge(hi, lower[k]);
		ck_assert_msg((double)hi <= 1.25 * lower[k],
			      "bin %u is [%u, %u]", k, lower[k], hi);
	}
}
END_TEST

START_TEST(test_delayhist_bin_boundaries_are_exact)
{
	unsigned k;

	for (k = 1; k < GS_DELAYHIST_BINS; k++) {
		ck_assert_uint_eq(gs_delayhist_bin(lower, lower[k]), k);
		ck_assert_uint_eq(gs_delayhist_bin(lower, lower[k] - 1), k - 1);
	}
}
END_TEST

START_TEST(test_delayhist_last_bin_is_open_from_about_40_days)
{
	ck_assert_uint_ge(lower[LAST], 30 * 86400);
	ck_assert_uint_le(lower[LAST], 50 * 86400);
	ck_assert_uint_eq(gs_delayhist_bin(lower, UINT32_MAX), LAST);
	ck_assert_uint_eq(gs_delayhist_bin_high(lower, LAST, UINT32_MAX),
			  UINT32_MAX);
	ck_assert_uint_eq(gs_delayhist_bin_high(lower, LAST, lower[LAST] + 7),
			  lower[LAST] + 7);
}
END_TEST

/* Delays {0, d, big} in the bins: the lower median is d. */
static uint32_t median_of_three(uint32_t d, uint32_t big)
{
	uint64_t bins[GS_DELAYHIST_BINS] = {0};

	bins[0]++;
	bins[gs_delayhist_bin(lower, d)]++;
	bins[gs_delayhist_bin(lower, big)]++;
	return gs_delayhist_median(lower, bins, big);
}

START_TEST(test_delayhist_median_is_within_12_percent_below_last_bin)
{
	uint32_t d, m, step;

	for (d = 1; d < lower[LAST]; d += step) {
		m = median_of_three(d, lower[LAST]);
		/* 12% before rounding to whole seconds (sqrt(1.25) is
		 * 1.118): in [4, 5] the middle 4.47 becomes 4, 20% off 5. */
		ck_assert_msg((double)m >= d / 1.12 - 0.5 &&
				  (double)m <= d * 1.12 + 0.5,
			      "median %u for %u", m, d);
		step = d / 97 + 1;
	}
	/* The exact boundary: the last bin's first second is still exact
	 * when it is also the maximum. */
	ck_assert_uint_eq(median_of_three(lower[LAST], lower[LAST]),
			  lower[LAST]);
}
END_TEST

START_TEST(test_delayhist_median_takes_the_lower_median)
{
	uint64_t bins[GS_DELAYHIST_BINS] = {0};

	bins[gs_delayhist_bin(lower, 3)] = 1;
	bins[gs_delayhist_bin(lower, 100000)] = 1;
	ck_assert_uint_eq(gs_delayhist_median(lower, bins, 100000), 3);
	/* One more past the middle moves it up. */
	bins[gs_delayhist_bin(lower, 100000)] = 2;
	ck_assert_uint_ge(gs_delayhist_median(lower, bins, 100000),
			  (uint32_t)(100000 / 1.12));
}
END_TEST

START_TEST(test_delayhist_median_is_capped_by_the_maximum)
{
	uint64_t bins[GS_DELAYHIST_BINS] = {0};
	unsigned k = gs_delayhist_bin(lower, 1000);

	ck_assert_uint_lt(lower[k], 1000);
	bins[k] = 5;
	ck_assert_uint_le(gs_delayhist_median(lower, bins, 1000), 1000);
	ck_assert_uint_ge(gs_delayhist_median(lower, bins, 1000), lower[k]);
	/* A maximum below the bin (inconsistent input) gives the bin's low
	 * end, not less. */
	ck_assert_uint_eq(gs_delayhist_median(lower, bins, 0), lower[k]);
}
END_TEST

START_TEST(test_delayhist_median_of_nothing_is_zero)
{
	uint64_t bins[GS_DELAYHIST_BINS] = {0};

	ck_assert_uint_eq(gs_delayhist_median(lower, bins, 0), 0);
	ck_assert_uint_eq(gs_delayhist_median(lower, bins, 12345), 0);
	bins[0] = 4;
	ck_assert_uint_eq(gs_delayhist_median(lower, bins, 0), 0);
}
END_TEST

static Suite *delayhist_suite(void)
{
	Suite *s = suite_create("delayhist");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_delayhist_first_bins_hold_one_second);
	tcase_add_test(tc, test_delayhist_bins_are_at_most_25_percent_wide);
	tcase_add_test(tc, test_delayhist_bin_boundaries_are_exact);
	tcase_add_test(tc, test_delayhist_last_bin_is_open_from_about_40_days);
	tcase_add_test(
	    tc, test_delayhist_median_is_within_12_percent_below_last_bin);
	tcase_add_test(tc, test_delayhist_median_takes_the_lower_median);
	tcase_add_test(tc, test_delayhist_median_is_capped_by_the_maximum);
	tcase_add_test(tc, test_delayhist_median_of_nothing_is_zero);
	suite_add_tcase(s, tc);
	return s;
}

GS_TEST_MAIN(delayhist_suite)
