/* Unit tests for lib/base/duration.c: the durations of the report's delay
 * columns, the suggestion comments and check_greyscan's lines. */
#include "gs_config.h"

#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/duration.h"
#include "suite.h"

static void is(uint64_t s, const char *want)
{
	char b[32];

	memset(b, 'x', sizeof(b));
	gs_format_duration(s, b, sizeof(b));
	ck_assert_msg(strcmp(b, want) == 0, "%llu: '%s', want '%s'",
		      (unsigned long long)s, b, want);
}

START_TEST(test_seconds_below_a_minute)
{
	is(0, "0s");
	is(1, "1s");
	is(59, "59s");
}
END_TEST

START_TEST(test_minutes_keep_padded_seconds)
{
	is(60, "1m00s");
	is(61, "1m01s");
	is(612, "10m12s");
	is(3599, "59m59s");
}
END_TEST

START_TEST(test_hours_drop_the_seconds)
{
	is(3600, "1h00m");
	is(3659, "1h00m");
	is(3660, "1h01m");
	is(86399, "23h59m");
}
END_TEST

START_TEST(test_days_drop_the_minutes)
{
	is(86400, "1d00h");
	is(86400 + 3599, "1d00h");
	is(86400 + 3600, "1d01h");
	is(3 * 86400 + 4 * 3600 + 59 * 60, "3d04h");
	is(366u * 86400, "366d00h");
}
END_TEST

/* The report's delays are 32-bit, check_greyscan's ages 64-bit: 24 bytes
 * (the report's cell) hold the largest. */
START_TEST(test_largest_values_fit_24_bytes)
{
	char b[24];

	is(UINT32_MAX, "49710d06h");
	is(UINT64_MAX, "213503982334601d07h");
	gs_format_duration(UINT64_MAX, b, sizeof(b));
	ck_assert_str_eq(b, "213503982334601d07h");
}
END_TEST

START_TEST(test_short_buffer_truncates)
{
	char b[4] = "zzz";

	gs_format_duration(612, b, sizeof(b));
	ck_assert_str_eq(b, "10m");
	gs_format_duration(612, b, 1);
	ck_assert_str_eq(b, "");
}
END_TEST

static Suite *duration_suite(void)
{
	Suite *s = suite_create("duration");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_seconds_below_a_minute);
	tcase_add_test(tc, test_minutes_keep_padded_seconds);
	tcase_add_test(tc, test_hours_drop_the_seconds);
	tcase_add_test(tc, test_days_drop_the_minutes);
	tcase_add_test(tc, test_largest_values_fit_24_bytes);
	tcase_add_test(tc, test_short_buffer_truncates);
	suite_add_tcase(s, tc);
	return s;
}

GS_TEST_MAIN(duration_suite)
