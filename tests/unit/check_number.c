/* Unit tests for lib/number.c: bounded number and duration parsing. */
#include <check.h>
#include <stdlib.h>

#include "base/number.h"
#include "suite.h"

START_TEST(test_ulong_accepts_bounds_exactly)
{
	unsigned long v = 0;

	ck_assert(gs_parse_ulong("1", 1, 10, &v));
	ck_assert_uint_eq(v, 1);
	ck_assert(gs_parse_ulong("10", 1, 10, &v));
	ck_assert_uint_eq(v, 10);
}
END_TEST

START_TEST(test_ulong_rejects_one_past_bounds)
{
	unsigned long v = 7;

	ck_assert(!gs_parse_ulong("0", 1, 10, &v));
	ck_assert(!gs_parse_ulong("11", 1, 10, &v));
	ck_assert_uint_eq(v, 7);
}
END_TEST

START_TEST(test_ulong_rejects_signs_spaces_and_garbage)
{
	unsigned long v = 7;

	ck_assert(!gs_parse_ulong("-1", 0, 10, &v));
	ck_assert(!gs_parse_ulong("+1", 0, 10, &v));
	ck_assert(!gs_parse_ulong(" 1", 0, 10, &v));
	ck_assert(!gs_parse_ulong("1 ", 0, 10, &v));
	ck_assert(!gs_parse_ulong("1x", 0, 10, &v));
	ck_assert(!gs_parse_ulong("", 0, 10, &v));
	ck_assert(!gs_parse_ulong(NULL, 0, 10, &v));
	ck_assert(!gs_parse_ulong("99999999999999999999999", 0, -1UL, &v));
	ck_assert_uint_eq(v, 7);
}
END_TEST

START_TEST(test_duration_units_multiply)
{
	uint32_t s = 0;

	ck_assert(gs_parse_duration("90", 1, 1000000, &s));
	ck_assert_uint_eq(s, 90);
	ck_assert(gs_parse_duration("90s", 1, 1000000, &s));
	ck_assert_uint_eq(s, 90);
	ck_assert(gs_parse_duration("15m", 1, 1000000, &s));
	ck_assert_uint_eq(s, 900);
	ck_assert(gs_parse_duration("12h", 1, 1000000, &s));
	ck_assert_uint_eq(s, 43200);
	ck_assert(gs_parse_duration("7d", 1, 1000000, &s));
	ck_assert_uint_eq(s, 604800);
}
END_TEST

START_TEST(test_duration_bounds_apply_after_the_unit)
{
	uint32_t s = 5;

	ck_assert(gs_parse_duration("28", 28, 86400, &s));
	ck_assert(!gs_parse_duration("27s", 28, 86400, &s));
	ck_assert(gs_parse_duration("1d", 28, 86400, &s));
	ck_assert(!gs_parse_duration("2d", 28, 86400, &s));
	ck_assert(!gs_parse_duration("86401", 28, 86400, &s));
	/* v * unit must not wrap around */
	ck_assert(!gs_parse_duration("4294967295d", 28, 4294967295u, &s));
}
END_TEST

START_TEST(test_duration_rejects_bad_forms)
{
	uint32_t s = 5;

	ck_assert(!gs_parse_duration("", 1, 100, &s));
	ck_assert(!gs_parse_duration("d", 1, 100, &s));
	ck_assert(!gs_parse_duration("1w", 1, 100, &s));
	ck_assert(!gs_parse_duration("-1s", 1, 100, &s));
	ck_assert(!gs_parse_duration("1 s", 1, 100, &s));
	ck_assert(!gs_parse_duration(NULL, 1, 100, &s));
	ck_assert_uint_eq(s, 5);
}
END_TEST

static Suite *number_suite(void)
{
	Suite *s = suite_create("number");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_ulong_accepts_bounds_exactly);
	tcase_add_test(tc, test_ulong_rejects_one_past_bounds);
	tcase_add_test(tc, test_ulong_rejects_signs_spaces_and_garbage);
	tcase_add_test(tc, test_duration_units_multiply);
	tcase_add_test(tc, test_duration_bounds_apply_after_the_unit);
	tcase_add_test(tc, test_duration_rejects_bad_forms);
	suite_add_tcase(s, tc);
	return s;
}

GS_TEST_MAIN(number_suite)
