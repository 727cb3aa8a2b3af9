/* Nagios threshold ranges: every form, both sides of each boundary, and the
 * texts that must be refused. */
#include <check.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "base/range.h"
#include "suite.h"

static struct gs_range parse_ok(const char *text)
{
	struct gs_range r;
	char err[GS_ERRLEN] = "";

	ck_assert_msg(gs_range_parse(text, &r, err, sizeof(err)) == 0,
		      "'%s' refused: %s", text, err);
	return r;
}

static void parse_bad(const char *text)
{
	struct gs_range r;
	char err[GS_ERRLEN] = "";

	memset(&r, 0x5a, sizeof(r));
	ck_assert_msg(gs_range_parse(text, &r, err, sizeof(err)) == -1,
		      "'%s' accepted", text ? text : "(null)");
	ck_assert_msg(err[0] != '\0', "no message for '%s'", text);
	ck_assert_int_eq(((unsigned char *)&r)[0], 0x5a);
}

START_TEST(test_range_plain_number_alerts_outside_zero_to_n)
{
	struct gs_range r = parse_ok("10");

	ck_assert(gs_range_alert(&r, -1));
	ck_assert(!gs_range_alert(&r, 0));
	ck_assert(!gs_range_alert(&r, 10));
	ck_assert(gs_range_alert(&r, 11));
	ck_assert(gs_range_alert(&r, 10.5));
	ck_assert_str_eq(r.text, "10");
}
END_TEST

START_TEST(test_range_zero_alerts_from_one)
{
	struct gs_range r = parse_ok("0");

	ck_assert(!gs_range_alert(&r, 0));
	ck_assert(gs_range_alert(&r, 1));
}
END_TEST

START_TEST(test_range_open_end_alerts_below_start)
{
	struct gs_range r = parse_ok("10:");

	ck_assert(gs_range_alert(&r, 9));
	ck_assert(gs_range_alert(&r, 9.99));
	ck_assert(!gs_range_alert(&r, 10));
	ck_assert(!gs_range_alert(&r, 1e12));
}
END_TEST

START_TEST(test_range_tilde_start_alerts_above_end)
{
	struct gs_range r = parse_ok("~:10");

	ck_assert(!gs_range_alert(&r, -1e12));
	ck_assert(!gs_range_alert(&r, 10));
	ck_assert(gs_range_alert(&r, 11));
}
END_TEST

START_TEST(test_range_start_end_alerts_outside_inclusive)
{
	struct gs_range r = parse_ok("10:20");

	ck_assert(gs_range_alert(&r, 9));
	ck_assert(!gs_range_alert(&r, 10));
	ck_assert(!gs_range_alert(&r, 15));
	ck_assert(!gs_range_alert(&r, 20));
	ck_assert(gs_range_alert(&r, 21));
}
END_TEST

START_TEST(test_range_at_alerts_inside_inclusive)
{
	struct gs_range r = parse_ok("@10:20");

	ck_assert(!gs_range_alert(&r, 9));
	ck_assert(gs_range_alert(&r, 10));
	ck_assert(gs_range_alert(&r, 20));
	ck_assert(!gs_range_alert(&r, 21));
	ck_assert_str_eq(r.text, "@10:20");
}
END_TEST

START_TEST(test_range_at_plain_number_alerts_inside_zero_to_n)
{
	struct gs_range r = parse_ok("@5");

	ck_assert(gs_range_alert(&r, 0));
	ck_assert(gs_range_alert(&r, 5));
	ck_assert(!gs_range_alert(&r, 6));
	ck_assert(!gs_range_alert(&r, -1));
}
END_TEST

START_TEST(test_range_at_tilde_alerts_at_or_below_end)
{
	struct gs_range r = parse_ok("@~:3");

	ck_assert(gs_range_alert(&r, -100));
	ck_assert(gs_range_alert(&r, 3));
	ck_assert(!gs_range_alert(&r, 4));
}
END_TEST

START_TEST(test_range_empty_start_means_zero)
{
	struct gs_range r = parse_ok(":5");

	ck_assert(gs_range_alert(&r, -1));
	ck_assert(!gs_range_alert(&r, 0));
	ck_assert(gs_range_alert(&r, 6));
}
END_TEST

START_TEST(test_range_tilde_open_end_never_alerts)
{
	struct gs_range r = parse_ok("~:");

	ck_assert(!gs_range_alert(&r, -1e12));
	ck_assert(!gs_range_alert(&r, 1e12));
}
END_TEST

START_TEST(test_range_decimals_and_negatives)
{
	struct gs_range r = parse_ok("-2.5:0.5");

	ck_assert(gs_range_alert(&r, -2.6));
	ck_assert(!gs_range_alert(&r, -2.5));
	ck_assert(!gs_range_alert(&r, 0.5));
	ck_assert(gs_range_alert(&r, 0.51));
	r = parse_ok("+3");
	ck_assert(!gs_range_alert(&r, 3));
	ck_assert(gs_range_alert(&r, 4));
}
END_TEST

START_TEST(test_range_equal_start_and_end)
{
	struct gs_range r = parse_ok("5:5");

	ck_assert(gs_range_alert(&r, 4));
	ck_assert(!gs_range_alert(&r, 5));
	ck_assert(gs_range_alert(&r, 6));
}
END_TEST

START_TEST(test_range_decimal_point_ignores_locale)
{
	struct gs_range r;

	/* de_DE may be missing; then the C locale is kept and the test still
	 * proves the plain case. */
	setlocale(LC_NUMERIC, "de_DE.UTF-8");
	r = parse_ok("1.5");
	setlocale(LC_NUMERIC, "C");
	ck_assert(!gs_range_alert(&r, 1.5));
	ck_assert(gs_range_alert(&r, 1.6));
}
END_TEST

START_TEST(test_range_refuses_bad_syntax)
{
	parse_bad(NULL);
	parse_bad("");
	parse_bad("@");
	parse_bad(":");
	parse_bad("~");
	parse_bad("abc");
	parse_bad("10:abc");
	parse_bad("10x");
	parse_bad("1e3");
	parse_bad("0x10");
	parse_bad("10:20:30");
	parse_bad("20:10");
	parse_bad("-1"); /* 0:-1, start above end */
	parse_bad(" 10");
	parse_bad("10 ");
	parse_bad("~10");
	parse_bad("10:~");
	parse_bad("@@1");
	parse_bad(".");
	parse_bad("-");
	parse_bad("nan");
	parse_bad("inf");
	parse_bad("1111111111111111111111111111111111111111111111111111111111"
		  "1111111111111");
}
END_TEST

static Suite *range_suite(void)
{
	Suite *s = suite_create("range");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_range_plain_number_alerts_outside_zero_to_n);
	tcase_add_test(tc, test_range_zero_alerts_from_one);
	tcase_add_test(tc, test_range_open_end_alerts_below_start);
	tcase_add_test(tc, test_range_tilde_start_alerts_above_end);
	tcase_add_test(tc, test_range_start_end_alerts_outside_inclusive);
	tcase_add_test(tc, test_range_at_alerts_inside_inclusive);
	tcase_add_test(tc, test_range_at_plain_number_alerts_inside_zero_to_n);
	tcase_add_test(tc, test_range_at_tilde_alerts_at_or_below_end);
	tcase_add_test(tc, test_range_empty_start_means_zero);
	tcase_add_test(tc, test_range_tilde_open_end_never_alerts);
	tcase_add_test(tc, test_range_decimals_and_negatives);
	tcase_add_test(tc, test_range_equal_start_and_end);
	tcase_add_test(tc, test_range_decimal_point_ignores_locale);
	tcase_add_test(tc, test_range_refuses_bad_syntax);
	suite_add_tcase(s, tc);
	return s;
}

GS_TEST_MAIN(range_suite)
